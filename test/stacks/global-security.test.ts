/**
 * The global stack as a user runs it, checked for what keeps it safe and its alarms loud (design.md,
 * invariants 9 and 10): the Watchdog's heartbeat, authenticated endpoints, exact NetworkPolicies, and alerts
 * before any certificate the stack issued expires.
 */
import * as assert from "node:assert";
import { HEARTBEAT_RECEIVER, WATCHDOG_ALERT } from "../../builders/alertmanager/config";
import type { GlobalStackConfig } from "../../config";
import { type ProgramRun, type StackReferenceOutputs, runProgram } from "../harness/program";
import { ownStackOptions } from "../harness/stacks";
import { QUERY_FRONTEND } from "../../builders/global/layout";
import { DATASOURCE_UIDS } from "../../builders/grafana/datasources";
import { CERTIFICATE_EXPIRY_ALERT, CERTIFICATE_EXPIRY_METRIC } from "../../builders/rules/certificates";
import { revealed } from "../harness/mocks";
import { K8S, configOf, containers, flag, ofType, providerOf, workloads } from "./graph";
import { datasources, globalFile, withDistinctRegionEgress } from "./global-checks";
import { NETWORK_POLICY, assertExactNetworkPolicies } from "./network-checks";

const STACK = "global";

describe("stack global: security and alarms that cannot go silent", () => {
  let run: ProgramRun;
  let references: StackReferenceOutputs;
  const config = configOf(STACK) as GlobalStackConfig;

  before(async () => {
    const options = ownStackOptions(STACK);
    references = withDistinctRegionEgress(options.stackReferences!);
    run = await runProgram(STACK, { ...options, stackReferences: references });
  });

  it("routes the Watchdog first, without continue, to the heartbeat receiver of the stack file", () => {
    const alertmanager = globalFile(run, config, "Alertmanager config", (c) => c.route && Array.isArray(c.receivers));
    const first = alertmanager.route.routes[0];
    assert.strictEqual(first.receiver, HEARTBEAT_RECEIVER);
    assert.deepStrictEqual(first.matchers, [`alertname="${WATCHDOG_ALERT}"`]);
    assert.ok(!first.continue);
    assert.strictEqual(first.repeat_interval, config.alerting.heartbeat!.interval);
    const receiver = alertmanager.receivers.find((r: { name: string }) => r.name === HEARTBEAT_RECEIVER);
    assert.ok(
      receiver.webhook_configs[0].url_file.endsWith(`/${config.alerting.heartbeat!.secretKey}`),
      "the URL comes from the secret file",
    );
  });

  it("asks every client of the Query Frontend's load balancer for a password, kept in a Secret; Grafana logs in with its own", () => {
    const frontend = workloads(run).find((w) => containers(w).some((c) => c.args?.[0] === "query-frontend"))!;
    const args: string[] = containers(frontend).find((c) => c.args?.[0] === "query-frontend").args;
    const httpConfig = flag(args, "http.config")!;
    const web = globalFile(
      run,
      config,
      "Query Frontend web config",
      (c) => c.tls_server_config && c.basic_auth_users?.[QUERY_FRONTEND.grafanaUser],
    );
    // Grafana, people and tools, and the pods' own readiness check.
    assert.deepStrictEqual(
      Object.keys(web.basic_auth_users).sort(),
      [QUERY_FRONTEND.grafanaUser, QUERY_FRONTEND.queryUser, QUERY_FRONTEND.probeUser].sort(),
    );
    const volume = frontend.args.spec.template.spec.volumes.find((v: any) => v.projected);
    assert.ok(
      volume.projected.sources.some((s: any) => s.secret),
      "the web config is mounted from a Secret",
    );
    assert.ok(httpConfig.startsWith(QUERY_FRONTEND.configDir));
    assert.ok(
      !ofType(run, K8S.configMap).some((m) =>
        Object.values(revealed<Record<string, string>>(m.args.data ?? {})).some((t) => /basic_auth_users/.test(t)),
      ),
      "no ConfigMap holds a password hash",
    );
    const thanos = datasources(run, config).find((d: any) => d.uid === DATASOURCE_UIDS.thanos);
    assert.strictEqual(thanos.basicAuthUser, QUERY_FRONTEND.grafanaUser);
    assert.ok(run.secretOutputs.includes("thanosQueryPassword"));
    assert.strictEqual(run.outputs.thanosQueryUsername, QUERY_FRONTEND.queryUser);
  });

  it("publishes the expiry of every certificate it issued and of the regions' certificates it holds; the federation Prometheus alerts before one expires", () => {
    const certs = [
      ...ofType(run, "tls:index/selfSignedCert:SelfSignedCert"),
      ...ofType(run, "tls:index/locallySignedCert:LocallySignedCert"),
    ];
    const held = Object.values(references).flatMap((r) =>
      Object.values((r.outputs.certificateExpiries ?? {}) as Record<string, string>),
    );
    assert.ok(held.length >= 2 * 4, "every region's CA and client certificate");
    const rules = globalFile(
      run,
      config,
      "certificate rules",
      (c) => Array.isArray(c.groups) && c.groups.some((g: any) => g.name === "certificates"),
    ).groups.flatMap((g: any) => g.rules);
    const expiries = rules
      .filter((r: any) => r.record === CERTIFICATE_EXPIRY_METRIC)
      .map((r: any) => Number(/vector\((\d+)\)/.exec(r.expr)![1]));
    const seconds = (time: string) => Math.floor(Date.parse(time) / 1000);
    assert.deepStrictEqual(
      [...expiries].sort(),
      [...certs.map((c) => seconds(c.state.validityEndTime)), ...held.map(seconds)].sort(),
    );
    assert.ok(
      rules.some(
        (r: any) =>
          r.alert === CERTIFICATE_EXPIRY_ALERT && r.expr.endsWith(`< ${config.certificateWarningDays * 86400}`),
      ),
    );
    for (const leaf of certs.filter((c) => !c.args.isCaCertificate)) {
      assert.ok(
        leaf.args.earlyRenewalHours > config.certificateWarningDays * 24,
        `${leaf.name}: a routine up renews it before the alert`,
      );
    }
  });

  it("denies all traffic by default in the global namespace too, admits each workload's flows exactly and blocks instance metadata", () => {
    const provider = `kubernetes/${config.namePrefix}-k8s`;
    const mine = (r: { provider?: string }) => providerOf(r as any) === provider;
    assertExactNetworkPolicies(ofType(run, NETWORK_POLICY).filter(mine), workloads(run).filter(mine), config.cloud);
  });
});
