import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as YAML from "yaml";
import { receiverSecretFiles } from "../../builders/alertmanager/config";
import { ALERTMANAGER, FEDERATION, FEDERATION_ALERTING_USER, GLOBAL_NAMESPACE, GRAFANA, QUERY_FRONTEND, THANOS_QUERY, alertmanagerPeerHosts, serviceHost } from "../../builders/global/layout";
import { ExposedRegion, GLOBAL_FILES, dashboardFile, regionTargetsFile, renderGlobalFiles, teamDashboardFile } from "../../builders/global/render";
import { allowDnsSpec, defaultDenySpec, globalPolicySpec, globalTraffic } from "../../builders/global/network-policies";
import { SECRET_FILES } from "../../builders/global/secrets";
import { grafanaDashboards } from "../../builders/grafana/dashboards";
import { teamDashboards } from "../../builders/grafana/team-dashboards";
import { IssuedCertificate, certificateRules } from "../../builders/rules/certificates";
import type { GlobalStackConfig } from "../../config/types";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import { VERSIONS } from "../../versions";
import type { PostgresDatabase } from "../cloud/types";
import { alertmanagerPods, alertmanagerServices } from "./alertmanager";
import { federationPods } from "./federation";
import { grafana, grafanaService } from "./grafana";
import { crossSignedIntermediate, selfSignedCa, serverCertificate, subjectNames } from "./pki";
import { queryFrontend, queryFrontendService, thanosQuery } from "./query";
import { RegionExposure } from "./region-exposure";
import { fileData, loadBalancerServiceAddress, metadata, workload } from "./workload";


export interface GlobalRegion {
  /** The region's stack name, as listed in the global config. */
  readonly name: string;
  /** Provider for the regional cluster, built from the region's `kubeconfig` output. */
  readonly provider: k8s.Provider;
  /** The region's outputs, read and validated from its StackReference. */
  readonly outputs: pulumi.Output<RegionalOutputs>;
  /**
   * bcrypt hash of the region's `alertingPassword`, which the Alertmanagers' web config needs (they only
   * accept bcrypt). The region has it for free as `RandomPassword.bcryptHash`; see the report on the contract.
   */
  readonly alertingPasswordHash: pulumi.Input<string>;
}

export interface GlobalMonitoringArgs {
  readonly config: GlobalStackConfig;
  /** Provider for the global cluster. */
  readonly provider: k8s.Provider;
  readonly database: PostgresDatabase;
  /** Addresses the global cluster's pods leave from: the only ones the regions' load balancers admit. */
  readonly globalEgressCidrs: pulumi.Input<string[]>;
  readonly regions: readonly GlobalRegion[];
  /** Receiver URLs and keys by their `secretKey`, read from secret config. */
  readonly receiverSecrets: Readonly<Record<string, pulumi.Input<string>>>;
  /** StorageClass of the global cluster for the Alertmanager and federation Prometheus volumes. */
  readonly storageClassName?: string;
}

/**
 * Everything of the global tier on top of its cluster and database: the exposure of each region's
 * Prometheus pods and store gateway, the federation Prometheus, Thanos Query and Query Frontend, the
 * Alertmanager mesh, Grafana, and the Alertmanager targets file written into each region.
 */
export class GlobalMonitoring extends pulumi.ComponentResource {
  /** `https://<grafana.domain>/`: point the domain at grafanaAddress. */
  readonly grafanaUrl: pulumi.Output<string>;
  /** Address of Grafana's load balancer. */
  readonly grafanaAddress: pulumi.Output<string>;
  /** Query Frontend (in front of Thanos Query) through its load balancer, HTTPS with basic auth. */
  readonly thanosQueryUrl: pulumi.Output<string>;
  /** The Query Frontend user for people and tools; its password is the secret `thanosQueryPassword`. */
  readonly thanosQueryUsername = QUERY_FRONTEND.queryUser;
  readonly thanosQueryPassword: pulumi.Output<string>;
  /** Every Alertmanager peer's own endpoint, as the regions reach it. */
  readonly alertmanagerEndpoints: pulumi.Output<string[]>;
  /** Secret. */
  readonly grafanaAdminPassword: pulumi.Output<string>;
  /** CA of the Grafana and Query Frontend certificates, for users' trust stores. */
  readonly ingressCaCert: pulumi.Output<string>;

  constructor(name: string, args: GlobalMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:GlobalMonitoring", name, {}, opts);
    const { config } = args;
    for (const key of receiverSecretFiles(config.alerting, config.teams)) {
      if (args.receiverSecrets[key] === undefined) throw new Error(`stack '${config.stack}': alerting needs the secret config key '${key}'`);
    }
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: { name: GLOBAL_NAMESPACE, labels: { "app.kubernetes.io/part-of": "monitoring", "app.kubernetes.io/managed-by": "pulumi" } },
    }, { parent: this, provider: args.provider });
    const inNamespace = { parent: this, provider: args.provider, dependsOn: [namespace] };
    new k8s.networking.v1.NetworkPolicy(`${name}-default-deny`, { metadata: { name: "default-deny", namespace: GLOBAL_NAMESPACE }, spec: defaultDenySpec() }, inNamespace);
    new k8s.networking.v1.NetworkPolicy(`${name}-allow-dns`, { metadata: { name: "allow-dns", namespace: GLOBAL_NAMESPACE }, spec: allowDnsSpec() }, inNamespace);
    const id = (n: string, component: string, version: string) =>
      workload({ name: n, instance: config.namePrefix, component, version }, this, args.provider, [namespace]);
    const amWorkload = id(ALERTMANAGER.name, "alert-router", VERSIONS.alertmanager);
    const frontendWorkload = id(QUERY_FRONTEND.name, "query-cache", VERSIONS.thanos);
    const grafanaWorkload = id(GRAFANA.name, "dashboards", VERSIONS.grafana);
    const federationWorkload = id(FEDERATION.name, "global-federation", VERSIONS.prometheus);
    const queryWorkload = id(THANOS_QUERY.name, "query-layer", VERSIONS.thanos);
    const byName = new Map([amWorkload, frontendWorkload, grafanaWorkload, federationWorkload, queryWorkload].map((w) => [w.id.name, w]));
    const traffic = globalTraffic({
      alertmanager: amWorkload.selector,
      federation: federationWorkload.selector,
      query: queryWorkload.selector,
      frontend: frontendWorkload.selector,
      grafana: grafanaWorkload.selector,
    });
    for (const t of traffic) {
      const w = byName.get(t.name)!;
      new k8s.networking.v1.NetworkPolicy(t.name, { metadata: metadata(w), spec: globalPolicySpec(t, { cloud: config.cloud, vpcCidr: config.cluster.vpcCidr, zones: config.cluster.zones }) }, w.opts);
    }

    const exposures = args.regions.map((r) => ({
      region: r,
      exposure: new RegionExposure(`${name}-${r.name}`, { provider: r.provider, outputs: r.outputs, globalEgressCidrs: args.globalEgressCidrs }, { parent: this }),
    }));

    // Alertmanager peers, each behind its own load balancer that admits every region and the global cluster.
    const alertingSources = pulumi
      .all([pulumi.output(args.globalEgressCidrs), ...args.regions.map((r) => r.outputs.egressCidrs)])
      .apply((lists) => [...new Set(lists.flat())]);
    const alertmanagerHosts = alertmanagerServices(amWorkload, config.alerting.replicas, config.cloud, alertingSources);

    // Alertmanager TLS: one intermediate CA cross-signed by every region's alerting CA, one leaf for all peers.
    const intermediate = crossSignedIntermediate(
      `${name}-alertmanager-ca`,
      `${config.namePrefix} Alertmanager intermediate CA`,
      args.regions.map((r) => ({ region: r.name, caCertPem: r.outputs.alertingCaCert, caKeyPem: r.outputs.alertingCaKey })),
      this,
    );
    const alertmanagerLeaf = serverCertificate(
      `${name}-alertmanager-server`,
      ALERTMANAGER.tlsServerName,
      subjectNames([ALERTMANAGER.tlsServerName, ...alertmanagerPeerHosts(config.alerting.replicas)], alertmanagerHosts),
      intermediate.self,
      this,
    );
    // The server presents its leaf and every cross-signed intermediate, so each region finds a chain to its CA.
    const alertmanagerChain = pulumi.all([alertmanagerLeaf.certPem, ...intermediate.crossSigned]).apply((pems) => pems.map((p) => p.trim()).join("\n") + "\n");

    // Users reach Grafana and the Query Frontend over TLS from a CA of this stack (no DNS or ACME account
    // is managed here); the CA is an output for their trust stores.
    const ingressCa = selfSignedCa(`${name}-ingress-ca`, `${config.namePrefix} monitoring ingress CA`, this);
    const frontendLb = queryFrontendService(frontendWorkload, config.cloud, config.ingressAllowedCidrs);
    const grafanaLb = grafanaService(grafanaWorkload, config.cloud, config.ingressAllowedCidrs);
    const frontendAddress = loadBalancerServiceAddress(frontendLb, "the Thanos Query Frontend");
    const grafanaAddress = loadBalancerServiceAddress(grafanaLb, "Grafana");
    const frontendCert = serverCertificate(`${name}-query-frontend`, serviceHost(QUERY_FRONTEND.service),
      subjectNames([serviceHost(QUERY_FRONTEND.service)], frontendAddress.apply((a) => [a])), ingressCa, this);
    const grafanaCert = serverCertificate(`${name}-grafana`, config.grafana.domain,
      subjectNames([config.grafana.domain, serviceHost(GRAFANA.service)], grafanaAddress.apply((a) => [a])), ingressCa, this);

    const issuedCertificates = pulumi.all({
      "ingress-ca": ingressCa.validityEndTime,
      "query-frontend": frontendCert.validityEndTime,
      grafana: grafanaCert.validityEndTime,
      "alertmanager-intermediate": intermediate.self.validityEndTime,
      "alertmanager-server": alertmanagerLeaf.validityEndTime,
      ...Object.fromEntries(Object.entries(intermediate.crossSignedValidityEndTimes).map(([region, end]) => [`alertmanager-intermediate-${region}`, end])),
    }).apply((ends): IssuedCertificate[] => Object.entries(ends).map(([certificateName, validityEndTime]) => ({ name: certificateName, validityEndTime })));
    // The copies of each region's CA and client certificate this stack holds expire on the region's
    // schedule, and a regional renewal reaches them only with the next global `up`.
    const heldCertificates = pulumi.all(args.regions.map((r) => r.outputs)).apply((regions): IssuedCertificate[] =>
      regions.flatMap((o) => Object.entries(o.certificateExpiries ?? {}).map(([certificateName, validityEndTime]) => ({ name: `region-${o.region}-${certificateName}`, validityEndTime }))));

    const federationAlerting = new random.RandomPassword(`${name}-federation-alerting`, { length: 32, special: false }, { parent: this });
    // The Query Frontend's load balancer admits ingressAllowedCidrs; within them, every client logs in.
    const frontendGrafana = new random.RandomPassword(`${name}-query-frontend-grafana`, { length: 32, special: false }, { parent: this });
    const frontendQuery = new random.RandomPassword(`${name}-query-frontend-query`, { length: 32, special: false }, { parent: this });
    const frontendUsers = pulumi.all([frontendGrafana.bcryptHash, frontendQuery.bcryptHash]).apply(([grafanaHash, queryHash]) => ({
      [QUERY_FRONTEND.grafanaUser]: grafanaHash,
      [QUERY_FRONTEND.queryUser]: queryHash,
    }));
    const regionalUsers = pulumi.all(args.regions.map((r) => pulumi.all([r.outputs.alertingUsername, r.alertingPasswordHash])));
    const alertmanagerUsers = pulumi
      .all([federationAlerting.bcryptHash, regionalUsers])
      .apply(([federationHash, regional]) => {
        const users: Record<string, string> = { [FEDERATION_ALERTING_USER]: federationHash };
        for (const [user, hash] of regional) {
          if (users[user]) throw new Error(`two clients of the Alertmanagers use the user name '${user}'; each region needs its own alertingUsername`);
          users[user] = hash;
        }
        return users;
      });

    const exposed: pulumi.Output<ExposedRegion[]> = pulumi.all(
      exposures.map(({ region, exposure }) =>
        pulumi.all([region.outputs, exposure.prometheusHosts, exposure.storeGatewayHost]).apply(([outputs, prometheusHosts, storeGatewayHost]) => ({
          outputs,
          prometheusHosts,
          storeGatewayHost,
        })),
      ),
    );
    const files = pulumi.all([exposed, alertmanagerHosts, alertmanagerUsers, frontendUsers]).apply(([regions, hosts, users, queryFrontendUsers]) =>
      renderGlobalFiles(config, regions, {
        alertmanagerHosts: hosts,
        alertmanagerUsers: users,
        federationAlertingUser: FEDERATION_ALERTING_USER,
        queryFrontendUsers,
      }),
    );
    // The bcrypt hashes (and, below Alertmanager 0.26, webhook URLs) make `files` secret, yet they reach only
    // the Alertmanager config and the Alertmanager and Query Frontend web configs, which go into Secrets.
    // Every other file is public: keeping it secret would hide ConfigMaps and pod specs from previews and
    // policies. (A test checks that no secret value reaches a ConfigMap.)
    const publicFiles = pulumi.unsecret(files);
    const file = (path: string) => publicFiles.apply((f) => f[path]);
    const list = (path: string) => file(path).apply((text) => YAML.parse(text) as string[]);

    alertmanagerPods(amWorkload, {
      replicas: config.alerting.replicas,
      args: list(GLOBAL_FILES.alertmanagerArgs),
      config: fileData(files, { "alertmanager.yml": GLOBAL_FILES.alertmanagerConfig, "web.yml": GLOBAL_FILES.alertmanagerWebConfig }),
      receiverSecrets: Object.fromEntries(receiverSecretFiles(config.alerting, config.teams).map((key) => [key, args.receiverSecrets[key]])),
      tls: { certPem: alertmanagerChain, keyPem: alertmanagerLeaf.keyPem },
      storageClassName: args.storageClassName,
    });

    federationPods(federationWorkload, {
      replicas: config.federationReplicas,
      config: file(GLOBAL_FILES.federationConfig),
      rules: pulumi.all([file(GLOBAL_FILES.federationRules), issuedCertificates, heldCertificates]).apply(([rules, issued, held]): Record<string, string> => ({
        "global.rules.yml": rules,
        // Evaluated by the federation Prometheus, which alerts through the mesh like every other global alert.
        "certificates.yml": YAML.stringify(certificateRules([...issued, ...held], config.certificateWarningDays), { lineWidth: 0 }),
      })),
      sidecarArgs: list(GLOBAL_FILES.federationSidecarArgs),
      credentials: pulumi
        .all([federationAlerting.result, intermediate.self.certPem, pulumi.all(args.regions.map((r) => r.outputs))])
        .apply(([password, alertmanagerCa, regions]): Record<string, string> => ({
          [SECRET_FILES.alertmanagerPassword]: password,
          [SECRET_FILES.alertmanagerCa]: alertmanagerCa,
          ...Object.fromEntries(
            regions.flatMap((o) => [
              [SECRET_FILES.federationPassword(o.region), o.federationPassword],
              [SECRET_FILES.regionCa(o.region), o.tlsCaCert],
            ]),
          ),
        })),
      storageClassName: args.storageClassName,
    });

    thanosQuery(queryWorkload, {
      bounds: config.query,
      args: list(GLOBAL_FILES.queryArgs),
      endpoints: file(GLOBAL_FILES.queryEndpoints),
      regionTls: pulumi.all(args.regions.map((r) => r.outputs)).apply((regions) =>
        Object.fromEntries(
          regions.flatMap((o) => [
            [SECRET_FILES.storeApiClientCert(o.region), o.storeApiClientCert],
            [SECRET_FILES.storeApiClientKey(o.region), o.storeApiClientKey],
            [SECRET_FILES.regionCa(o.region), o.tlsCaCert],
          ]),
        ),
      ),
    });

    queryFrontend(frontendWorkload, {
      bounds: config.query,
      args: list(GLOBAL_FILES.frontendArgs),
      config: fileData(publicFiles, { "response-cache.yml": GLOBAL_FILES.frontendResponseCache }),
      webConfig: fileData(files, { "http.yml": GLOBAL_FILES.frontendHttpConfig }),
      tls: frontendCert,
    });

    const admin = grafana(grafanaWorkload, {
      settings: config.grafana,
      database: args.database,
      provisioning: fileData(publicFiles, { "datasources.yml": GLOBAL_FILES.grafanaDatasources, "dashboards.yml": GLOBAL_FILES.grafanaDashboardProviders }),
      dashboards: fileData(publicFiles, Object.fromEntries(Object.keys(grafanaDashboards()).map((n) => [n, dashboardFile(n)]))),
      teamDashboards: Object.entries(teamDashboards(config.teams)).map(([team, boards]) => ({
        team,
        files: fileData(publicFiles, Object.fromEntries(Object.keys(boards).map((n) => [n, teamDashboardFile(team, n)]))),
      })),
      tls: { ...grafanaCert, caPem: ingressCa.certPem },
      queryFrontendPassword: frontendGrafana.result,
    });

    // The file each regional Prometheus reads its Alertmanagers from (mounted optional there, so a region
    // never waits for the global stack).
    for (const r of args.regions) {
      new k8s.core.v1.ConfigMap(`${name}-${r.name}-alertmanager-targets`, {
        metadata: {
          name: r.outputs.alertmanagerTargetsConfigMap,
          namespace: r.outputs.namespace,
          labels: { "app.kubernetes.io/part-of": "monitoring", "app.kubernetes.io/managed-by": "pulumi", "monitoring/written-by": "global" },
        },
        data: pulumi.all([r.outputs, publicFiles]).apply(([o, f]) => ({ [o.alertmanagerTargetsKey]: f[regionTargetsFile(o.region)] })),
      }, { parent: this, provider: r.provider });
    }

    this.grafanaUrl = pulumi.output(`https://${config.grafana.domain}/`);
    this.grafanaAddress = grafanaAddress;
    this.thanosQueryUrl = pulumi.interpolate`https://${frontendAddress}:${QUERY_FRONTEND.httpPort}`;
    this.alertmanagerEndpoints = alertmanagerHosts.apply((hosts) => hosts.map((h) => `https://${h}:${ALERTMANAGER.webPort}`));
    this.grafanaAdminPassword = pulumi.secret(admin.adminPassword);
    this.thanosQueryPassword = pulumi.secret(frontendQuery.result);
    this.ingressCaCert = ingressCa.certPem;
    this.registerOutputs({
      grafanaUrl: this.grafanaUrl,
      grafanaAddress: this.grafanaAddress,
      thanosQueryUrl: this.thanosQueryUrl,
      thanosQueryUsername: this.thanosQueryUsername,
      thanosQueryPassword: this.thanosQueryPassword,
      alertmanagerEndpoints: this.alertmanagerEndpoints,
      grafanaAdminPassword: this.grafanaAdminPassword,
      ingressCaCert: this.ingressCaCert,
    });
  }
}
