import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ALERTMANAGER, FEDERATION_ALERTING_USER, QUERY_FRONTEND } from "../../builders/global/layout";
import { movedChildOpts } from "../workload";

export interface GlobalCredentialsArgs {
  /** Each region's Alertmanager user and the bcrypt hash of its password. */
  readonly regionalAlertingUsers: pulumi.Input<[string, string]>[];
}

/**
 * The passwords of the global tier's clients: the federation Prometheus as an Alertmanager client, and
 * Grafana and people at the Query Frontend (its load balancer admits ingressAllowedCidrs; within them,
 * every client logs in). The servers' web configs get bcrypt hashes only.
 */
export class GlobalCredentials extends pulumi.ComponentResource {
  readonly federationAlertingPassword: pulumi.Output<string>;
  /** The Alertmanagers' own probes' password (ALERTMANAGER.probeUser). */
  readonly alertmanagerProbePassword: pulumi.Output<string>;
  readonly frontendGrafanaPassword: pulumi.Output<string>;
  readonly frontendQueryPassword: pulumi.Output<string>;
  /** The frontend's readiness check's password (QUERY_FRONTEND.probeUser). */
  readonly frontendProbePassword: pulumi.Output<string>;
  /** The Alertmanagers' users: the federation Prometheus, their own probes and every region, by user name. */
  readonly alertmanagerUsers: pulumi.Output<Record<string, string>>;
  readonly frontendUsers: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: GlobalCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:GlobalCredentials", name, {}, opts);
    const moved = movedChildOpts(this, opts?.parent);
    const password = (purpose: string) =>
      new random.RandomPassword(`${name}-${purpose}`, { length: 32, special: false }, moved);
    const federationAlerting = password("federation-alerting");
    const alertmanagerProbe = password("alertmanager-probe");
    const frontendGrafana = password("query-frontend-grafana");
    const frontendQuery = password("query-frontend-query");
    const frontendProbe = password("query-frontend-probe");
    this.federationAlertingPassword = pulumi.secret(federationAlerting.result);
    this.alertmanagerProbePassword = pulumi.secret(alertmanagerProbe.result);
    this.frontendGrafanaPassword = pulumi.secret(frontendGrafana.result);
    this.frontendQueryPassword = pulumi.secret(frontendQuery.result);
    this.frontendProbePassword = pulumi.secret(frontendProbe.result);
    this.frontendUsers = pulumi
      .all([frontendGrafana.bcryptHash, frontendQuery.bcryptHash, frontendProbe.bcryptHash])
      .apply(
        ([grafanaHash, queryHash, probeHash]): Record<string, string> => ({
          [QUERY_FRONTEND.grafanaUser]: grafanaHash,
          [QUERY_FRONTEND.queryUser]: queryHash,
          [QUERY_FRONTEND.probeUser]: probeHash,
        }),
      );
    this.alertmanagerUsers = pulumi
      .all([federationAlerting.bcryptHash, alertmanagerProbe.bcryptHash, pulumi.all(args.regionalAlertingUsers)])
      .apply(([federationHash, probeHash, regional]) => {
        const users: Record<string, string> = {
          [FEDERATION_ALERTING_USER]: federationHash,
          [ALERTMANAGER.probeUser]: probeHash,
        };
        for (const [user, hash] of regional) {
          if (users[user])
            throw new Error(
              `two clients of the Alertmanagers use the user name '${user}'; each region needs its own alertingUsername`,
            );
          users[user] = hash;
        }
        return users;
      });
    this.registerOutputs({});
  }
}
