import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { receiverSecretFiles } from "../../builders/alertmanager/config";
import {
  ALERTMANAGER,
  FEDERATION,
  FEDERATION_ALERTING_USER,
  GLOBAL_NAMESPACE,
  GRAFANA,
  QUERY_FRONTEND,
  RESULTS_CACHE,
  THANOS_QUERY,
} from "../../builders/global/layout";
import {
  type ExposedRegion,
  GLOBAL_FILES,
  dashboardFile,
  regionTargetsFile,
  type CoreWorkload,
  globalArgs,
  renderGlobalFiles,
  teamDashboardFile,
} from "../../builders/global/render";
import { globalTraffic } from "../../builders/global/network-policies";
import { SECRET_FILES, secretConfigKeys } from "../../builders/global/secrets";
import { grafanaDashboards } from "../../builders/grafana/dashboards";
import { teamDashboards } from "../../builders/grafana/team-dashboards";
import { type ComponentIdentity, managedLabels } from "../../builders/k8s/labels";
import { allowDnsSpec, defaultDenySpec } from "../../builders/k8s/network-policies";
import { certificateRules } from "../../builders/rules/certificates";
import { toYaml } from "../../builders/yaml";
import { posix } from "node:path";
import { type GlobalCertificateEnds, globalCertificates } from "../../builders/global/certificates";
import type { GlobalStackConfig } from "../../config/types";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import { VERSIONS } from "../../versions";
import type { PostgresDatabase } from "../cloud/types";
import { loadBalancerAnnotations as annotationsFor } from "../../builders/global/load-balancer";
import { networkPolicy, workload } from "../workload";
import { AlertmanagerMesh, AlertmanagerPeers } from "./alertmanager";
import { GlobalCredentials } from "./credentials";
import { FederationPrometheus } from "./federation";
import { Grafana } from "./grafana";
import type { GlobalPartArgs } from "./part";
import { GlobalPki } from "./pki";
import { ThanosQuery } from "./query";
import { ResultsCache } from "./results-cache";
import { RegionExposure } from "./region-exposure";

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
  /** Secret config values by key (builders/global/secrets.ts secretConfigKeys): receiver URLs and keys, Grafana's OAuth client secret. */
  readonly secretConfig: Readonly<Record<string, pulumi.Input<string>>>;
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
    requireSecretConfig(config, args.secretConfig);
    const ids = globalIdentities(config);
    const namespace = this.isolatedNamespace(name, args, ids);
    const part = (id: ComponentIdentity) => ({ id, provider: args.provider, namespace });
    const parent = { parent: this };

    const exposed = this.exposeRegions(name, args, namespace);
    const pki = new GlobalPki(
      name,
      {
        namePrefix: config.namePrefix,
        regionAlertingCas: args.regions.map((r) => ({
          region: r.name,
          caCertPem: r.outputs.alertingCaCert,
          caKeyPem: r.outputs.alertingCaKey,
        })),
      },
      parent,
    );
    const credentials = new GlobalCredentials(
      name,
      {
        regionalAlertingUsers: args.regions.map((r) =>
          pulumi.all([r.outputs.alertingUsername, r.alertingPasswordHash]),
        ),
      },
      parent,
    );
    // Alertmanager peers, each behind its own load balancer that admits every region and the global cluster.
    const alertingSources = pulumi
      .all([pulumi.output(args.globalEgressCidrs), ...args.regions.map((r) => r.outputs.egressCidrs)])
      .apply((lists) => [...new Set(lists.flat())]);
    const loadBalancerAnnotations = annotationsFor(config.cloud, config.kubernetes?.loadBalancerAnnotations);
    const peers = new AlertmanagerPeers(
      name,
      {
        ...part(ids.alertmanager),
        replicas: config.alerting.replicas,
        loadBalancerAnnotations,
        sourceRanges: alertingSources,
      },
      parent,
    );
    const rendered = renderedFiles(config, exposed, peers.hosts, credentials);

    const mesh = new AlertmanagerMesh(
      name,
      {
        ...part(ids.alertmanager),
        replicas: config.alerting.replicas,
        hosts: peers.hosts,
        ca: pki.alertmanagerCa,
        args: rendered.argsOf("alertmanager"),
        config: fileData(rendered.files, {
          "alertmanager.yml": GLOBAL_FILES.alertmanagerConfig,
          "web.yml": GLOBAL_FILES.alertmanagerWebConfig,
        }),
        receiverSecrets: Object.fromEntries(
          receiverSecretFiles(config.alerting, config.teams).map((key) => [key, args.secretConfig[key]]),
        ),
        probePassword: credentials.alertmanagerProbePassword,
        storageClassName: args.storageClassName,
      },
      parent,
    );
    const query = new ThanosQuery(
      name,
      {
        ...part(ids.query),
        bounds: config.query,
        args: rendered.argsOf("query"),
        endpoints: rendered.file(GLOBAL_FILES.queryEndpoints),
        regionTls: regionFiles(args.regions, (o) => [
          [SECRET_FILES.storeApiClientCert(o.region), o.storeApiClientCert],
          [SECRET_FILES.storeApiClientKey(o.region), o.storeApiClientKey],
          [SECRET_FILES.regionCa(o.region), o.tlsCaCert],
        ]),
        frontend: {
          id: ids.frontend,
          args: rendered.argsOf("frontend"),
          config: fileData(rendered.publicFiles, { "response-cache.yml": GLOBAL_FILES.frontendResponseCache }),
          probePassword: credentials.frontendProbePassword,
          webConfig: fileData(rendered.files, { "http.yml": GLOBAL_FILES.frontendHttpConfig }),
          loadBalancerAnnotations,
          allowedCidrs: config.ingressAllowedCidrs,
          ingressCa: pki.ingressCa,
        },
      },
      parent,
    );
    new ResultsCache(name, part(ids.resultsCache), parent);
    const grafana = new Grafana(
      name,
      {
        ...part(ids.grafana),
        settings: config.grafana,
        database: args.database,
        ...grafanaFiles(config, rendered.publicFiles),
        loadBalancerAnnotations,
        allowedCidrs: config.ingressAllowedCidrs,
        ingressCa: pki.ingressCa,
        queryFrontendPassword: credentials.frontendGrafanaPassword,
        ssoClientSecret: config.grafana.sso && args.secretConfig[config.grafana.sso.secretKey],
      },
      parent,
    );
    const certificates = issuedCertificates(args, pki, {
      queryFrontend: query.frontendCertificateEnd,
      grafana: grafana.certificateEnd,
      alertmanagerServer: mesh.serverCertificateEnd,
    });
    this.federation(name, args, { part: part(ids.federation), rendered, certificates, pki, credentials });
    this.writeAlertmanagerTargets(name, args.regions, rendered.publicFiles);

    this.grafanaUrl = pulumi.output(`https://${config.grafana.domain}/`);
    this.grafanaAddress = grafana.address;
    this.thanosQueryUrl = pulumi.interpolate`https://${query.frontendAddress}:${QUERY_FRONTEND.httpPort}`;
    this.alertmanagerEndpoints = peers.hosts.apply((hosts) => hosts.map((h) => `https://${h}:${ALERTMANAGER.webPort}`));
    this.grafanaAdminPassword = grafana.adminPassword;
    this.thanosQueryPassword = credentials.frontendQueryPassword;
    this.ingressCaCert = pki.ingressCa.certPem;
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

  /**
   * The federation pair: its config and rules (the certificates' among them), its credentials for every region,
   * the Alertmanagers and the Query Frontend, and the Thanos sidecar that serves it to Query.
   */
  private federation(
    name: string,
    args: GlobalMonitoringArgs,
    p: {
      readonly part: GlobalPartArgs;
      readonly rendered: ReturnType<typeof renderedFiles>;
      readonly certificates: pulumi.Output<ReturnType<typeof globalCertificates>>;
      readonly pki: GlobalPki;
      readonly credentials: GlobalCredentials;
    },
  ): void {
    const { config } = args;
    new FederationPrometheus(
      name,
      {
        ...p.part,
        replicas: config.federationReplicas,
        config: p.rendered.file(GLOBAL_FILES.federationConfig),
        rules: pulumi.all([p.rendered.file(GLOBAL_FILES.federationRules), p.certificates]).apply(
          ([rules, issued]): Record<string, string> => ({
            [posix.basename(GLOBAL_FILES.federationRules)]: rules,
            // Evaluated by the federation Prometheus, which alerts through the mesh like every other global alert.
            [posix.basename(GLOBAL_FILES.federationCertificateRules)]: toYaml(
              certificateRules(issued, config.certificateWarningDays, config.alerts),
            ),
          }),
        ),
        args: p.rendered.argsOf("federation"),
        sidecarArgs: p.rendered.argsOf("federationSidecar"),
        credentials: pulumi
          .all([
            p.credentials.federationAlertingPassword,
            p.pki.alertmanagerCa.self.certPem,
            p.credentials.frontendQueryPassword,
            p.pki.ingressCa.certPem,
            regionFiles(args.regions, (o) => [
              [SECRET_FILES.federationPassword(o.region), o.federationPassword],
              [SECRET_FILES.regionCa(o.region), o.tlsCaCert],
            ]),
          ])
          .apply(
            ([password, alertmanagerCa, frontendPassword, ingressCa, regions]): Record<string, string> => ({
              [SECRET_FILES.alertmanagerPassword]: password,
              [SECRET_FILES.alertmanagerCa]: alertmanagerCa,
              // The federation scrapes every Query Frontend replica as QUERY_FRONTEND_SCRAPE_USER.
              [SECRET_FILES.queryFrontendScrapePassword]: frontendPassword,
              [SECRET_FILES.queryFrontendCa]: ingressCa,
              ...regions,
            }),
          ),
        storageClassName: args.storageClassName,
      },
      { parent: this },
    );
  }

  /** The tier's namespace, denying all traffic both ways, then admitting each workload's flows. */
  private isolatedNamespace(name: string, args: GlobalMonitoringArgs, ids: GlobalIdentities): k8s.core.v1.Namespace {
    const { config } = args;
    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: { name: GLOBAL_NAMESPACE, labels: managedLabels() },
      },
      { parent: this, provider: args.provider },
    );
    const inNamespace = { parent: this, provider: args.provider, dependsOn: [namespace] };
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      { metadata: { name: "default-deny", namespace: GLOBAL_NAMESPACE }, spec: defaultDenySpec() },
      inNamespace,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-dns`,
      { metadata: { name: "allow-dns", namespace: GLOBAL_NAMESPACE }, spec: allowDnsSpec() },
      inNamespace,
    );
    const workloads = Object.fromEntries(
      Object.values(ids).map((id) => [id.name, workload(id, GLOBAL_NAMESPACE, inNamespace)]),
    );
    const traffic = globalTraffic(
      Object.fromEntries(Object.entries(ids).map(([part, id]) => [part, workloads[id.name].selector])) as Record<
        keyof GlobalIdentities,
        Record<string, string>
      >,
    );
    const network = { cloud: config.cloud, vpcCidr: config.cluster.vpcCidr, zones: config.cluster.zones };
    for (const t of traffic) networkPolicy(workloads[t.name], t.name, t, network);
    return namespace;
  }

  /** Each region's gateway behind the Service the tier dials it at, as the builders see the regions. */
  private exposeRegions(
    name: string,
    args: GlobalMonitoringArgs,
    namespace: k8s.core.v1.Namespace,
  ): pulumi.Output<ExposedRegion[]> {
    return pulumi.all(
      args.regions.map((region) => {
        const exposure = new RegionExposure(
          `${name}-${region.name}`,
          {
            provider: region.provider,
            globalProvider: args.provider,
            globalDependsOn: [namespace],
            outputs: region.outputs,
            globalEgressCidrs: args.globalEgressCidrs,
          },
          { parent: this },
        );
        return pulumi
          .all([region.outputs, exposure.gatewayHost, exposure.ports, exposure.storeApiAddresses])
          .apply(([outputs, host, ports, storeApiAddresses]) => ({
            outputs,
            federationAddress: `${host}:${ports.federation}`,
            storeApiAddresses,
          }));
      }),
    );
  }

  /** The file each regional Prometheus reads its Alertmanagers from (mounted optional there, so a region never waits for the global stack). */
  private writeAlertmanagerTargets(
    name: string,
    regions: readonly GlobalRegion[],
    publicFiles: pulumi.Output<Record<string, string>>,
  ): void {
    for (const r of regions) {
      new k8s.core.v1.ConfigMap(
        `${name}-${r.name}-alertmanager-targets`,
        {
          metadata: {
            name: r.outputs.alertmanagerTargetsConfigMap,
            namespace: r.outputs.namespace,
            labels: { ...managedLabels(), "monitoring/written-by": "global" },
          },
          data: pulumi
            .all([r.outputs, publicFiles])
            .apply(([o, f]) => ({ [o.alertmanagerTargetsKey]: f[regionTargetsFile(o.region)] })),
        },
        { parent: this, provider: r.provider },
      );
    }
  }
}

/** Every certificate the global tier issued, with its end, for the federation's certificate rules. */
function issuedCertificates(
  args: GlobalMonitoringArgs,
  pki: GlobalPki,
  parts: { readonly [K in "queryFrontend" | "grafana" | "alertmanagerServer"]: pulumi.Output<string> },
) {
  const certificateEnds: pulumi.Output<GlobalCertificateEnds> = pulumi.output({
    ingressCa: pki.ingressCa.validityEndTime,
    queryFrontend: parts.queryFrontend,
    grafana: parts.grafana,
    alertmanagerIntermediate: pki.alertmanagerCa.self.validityEndTime,
    alertmanagerServer: parts.alertmanagerServer,
    alertmanagerCrossSigned: pki.alertmanagerCa.crossSignedValidityEndTimes,
  });
  return pulumi
    .all([certificateEnds, pulumi.all(args.regions.map((r) => r.outputs))])
    .apply(([ends, regions]) => globalCertificates(ends, regions));
}

function requireSecretConfig(config: GlobalStackConfig, secrets: GlobalMonitoringArgs["secretConfig"]): void {
  for (const key of secretConfigKeys(config)) {
    if (secrets[key] === undefined) throw new Error(`stack '${config.stack}': needs the secret config key '${key}'`);
  }
}

type GlobalIdentities = ReturnType<typeof globalIdentities>;

/** The identity (labels) of each workload of the tier. */
function globalIdentities(config: GlobalStackConfig) {
  const identity = (n: string, component: string, version: string): ComponentIdentity => ({
    name: n,
    instance: config.namePrefix,
    component,
    version,
  });
  return {
    alertmanager: identity(ALERTMANAGER.name, "alert-router", VERSIONS.alertmanager),
    frontend: identity(QUERY_FRONTEND.name, "query-cache", VERSIONS.thanos),
    grafana: identity(GRAFANA.name, "dashboards", VERSIONS.grafana),
    federation: identity(FEDERATION.name, "global-federation", VERSIONS.prometheus),
    query: identity(THANOS_QUERY.name, "query-layer", VERSIONS.thanos),
    resultsCache: identity(RESULTS_CACHE.name, "results-cache", VERSIONS.memcached),
  };
}

/**
 * Every file and command line of the tier, from the builders. The bcrypt hashes make `files` secret, yet they
 * reach only the Alertmanager config and the Alertmanager and Query Frontend web configs, which go into
 * Secrets. Every other file is public: keeping it secret would hide ConfigMaps and pod specs from previews
 * and policies. (A test checks that no secret value reaches a ConfigMap.)
 */
function renderedFiles(
  config: GlobalStackConfig,
  exposed: pulumi.Output<ExposedRegion[]>,
  alertmanagerHosts: pulumi.Output<string[]>,
  credentials: GlobalCredentials,
) {
  const files = pulumi
    .all([exposed, alertmanagerHosts, credentials.alertmanagerUsers, credentials.frontendUsers])
    .apply(([regions, hosts, users, queryFrontendUsers]) =>
      renderGlobalFiles(config, regions, {
        alertmanagerHosts: hosts,
        alertmanagerUsers: users,
        federationAlertingUser: FEDERATION_ALERTING_USER,
        queryFrontendUsers,
      }),
    );
  const publicFiles = pulumi.unsecret(files);
  // The command lines as the builder makes them (what `npm run render` writes as YAML), public like the files.
  const workloadArgs = pulumi.unsecret(exposed.apply((regions) => globalArgs(config, regions)));
  return {
    files,
    publicFiles,
    file: (path: string) => publicFiles.apply((f) => f[path]),
    argsOf: (workload: CoreWorkload) => workloadArgs.apply((a) => a[workload]),
  };
}

/** Grafana's provisioning, the default dashboards and each team's, out of the rendered files. */
function grafanaFiles(config: GlobalStackConfig, publicFiles: pulumi.Output<Record<string, string>>) {
  return {
    provisioning: fileData(publicFiles, {
      "datasources.yml": GLOBAL_FILES.grafanaDatasources,
      "dashboards.yml": GLOBAL_FILES.grafanaDashboardProviders,
    }),
    dashboards: fileData(
      publicFiles,
      Object.fromEntries(Object.keys(grafanaDashboards()).map((n) => [n, dashboardFile(n)])),
    ),
    teamDashboards: Object.entries(teamDashboards(config.teams)).map(([team, boards]) => ({
      team,
      files: fileData(publicFiles, Object.fromEntries(Object.keys(boards).map((n) => [n, teamDashboardFile(team, n)]))),
    })),
  };
}

/** Files of every region (its TLS material, its passwords), by file name. */
function regionFiles(
  regions: readonly GlobalRegion[],
  filesOf: (o: RegionalOutputs) => [string, string][],
): pulumi.Output<Record<string, string>> {
  return pulumi.all(regions.map((r) => r.outputs)).apply((outputs) => Object.fromEntries(outputs.flatMap(filesOf)));
}

/** The files of `paths` out of the rendered set, as ConfigMap or Secret data keyed by file name. */
function fileData(
  files: pulumi.Output<Record<string, string>>,
  paths: Record<string, string>,
): pulumi.Output<Record<string, string>> {
  return files.apply((f) => Object.fromEntries(Object.entries(paths).map(([key, path]) => [key, f[path]])));
}
