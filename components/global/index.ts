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
  RECEIVE,
  RECEIVE_BUCKET,
  RESULTS_CACHE,
  THANOS_QUERY,
  rulerName,
  rulerQueryName,
} from "../../builders/global/layout";
import {
  type CoreWorkload,
  GLOBAL_FILES,
  type GlobalRegionView,
  RULER_RENDERED,
  dashboardFile,
  globalArgs,
  regionTargetsFile,
  renderGlobalFiles,
  rulerFile,
  rulerRuleFile,
  teamDashboardFile,
} from "../../builders/global/render";
import { RECEIVE_FILES } from "../../builders/global/receive";
import { type IngestionSelectors, globalTraffic } from "../../builders/global/network-policies";
import type { ObjectStoreLocation } from "../../builders/cloud/object-store";
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
import { ThanosReceive } from "./receive";
import { RegionRuler } from "./ruler";
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
  /** Its agents write to the tier's Thanos Receive (its outputs' `ingestionMode`): the tier dials nothing of it. */
  readonly remoteWrite: boolean;
}

/** Receive's bucket, which the tier creates when a region writes to Receive. */
export interface ReceiveBucket {
  readonly objectStore: pulumi.Output<ObjectStoreLocation>;
  /** The bucket identity of each ServiceAccount of RECEIVE_BUCKET_IDENTITIES, by its name. */
  readonly identityAnnotations: Readonly<Record<string, pulumi.Input<Record<string, string>>>>;
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
  /** Present exactly when a region writes to Receive. */
  readonly receiveBucket?: ReceiveBucket;
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
  /** Thanos Receive's remote-write endpoint (`host:port`), when a region writes to it. */
  readonly receiveEndpoint?: pulumi.Output<string>;

  constructor(name: string, args: GlobalMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:GlobalMonitoring", name, {}, opts);
    const { config } = args;
    requireSecretConfig(config, args.secretConfig);
    const ids = globalIdentities(config);
    const writing = args.regions.filter((r) => r.remoteWrite);
    const ingestionIds = ingestionIdentities(
      config,
      writing.map((r) => r.name),
    );
    const namespace = this.isolatedNamespace(name, args, ids, ingestionIds);
    const part = (id: ComponentIdentity) => ({ id, provider: args.provider, namespace });
    const parent = { parent: this };

    const views = this.regionViews(name, args, namespace);
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
    const rendered = renderedFiles(config, views, peers.hosts, credentials, args.receiveBucket?.objectStore);
    const dialled = args.regions.filter((r) => !r.remoteWrite);

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
        regionTls: regionFiles(dialled, (o) => [
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
    const receive = ingestionIds
      ? this.ingestion(name, args, {
          ids: ingestionIds,
          part,
          rendered,
          pki,
          writing,
          loadBalancerAnnotations,
        })
      : undefined;
    const certificates = issuedCertificates(args, pki, {
      queryFrontend: query.frontendCertificateEnd,
      grafana: grafana.certificateEnd,
      alertmanagerServer: mesh.serverCertificateEnd,
      ...(receive ? { receiveServer: receive.serverCertificateEnd } : {}),
    });
    this.federation(name, args, { part: part(ids.federation), rendered, certificates, pki, credentials, dialled });
    this.writeAlertmanagerTargets(name, dialled, rendered.publicFiles);

    this.grafanaUrl = pulumi.output(`https://${config.grafana.domain}/`);
    this.grafanaAddress = grafana.address;
    this.thanosQueryUrl = pulumi.interpolate`https://${query.frontendAddress}:${QUERY_FRONTEND.httpPort}`;
    this.alertmanagerEndpoints = peers.hosts.apply((hosts) => hosts.map((h) => `https://${h}:${ALERTMANAGER.webPort}`));
    this.grafanaAdminPassword = grafana.adminPassword;
    this.thanosQueryPassword = credentials.frontendQueryPassword;
    this.ingressCaCert = pki.ingressCa.certPem;
    this.receiveEndpoint = receive?.endpoint;
    this.registerOutputs({
      receiveEndpoint: this.receiveEndpoint,
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
      /** The regions the federation scrapes (a remote-write region's Ruler writes to it instead). */
      readonly dialled: readonly GlobalRegion[];
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
            regionFiles(p.dialled, (o) => [
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
  private isolatedNamespace(
    name: string,
    args: GlobalMonitoringArgs,
    ids: GlobalIdentities,
    ingestionIds: IngestionIdentities | undefined,
  ): k8s.core.v1.Namespace {
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
    const ingestion = ingestionIds
      ? [
          ingestionIds.receive,
          ingestionIds.receiveStore,
          ingestionIds.receiveCompact,
          ...ingestionIds.rulers.flatMap((r) => [r.ruler, r.query]),
        ]
      : [];
    const workloads = Object.fromEntries(
      [...Object.values(ids), ...ingestion].map((id) => [id.name, workload(id, GLOBAL_NAMESPACE, inNamespace)]),
    );
    const selector = (id: ComponentIdentity) => workloads[id.name].selector;
    const traffic = globalTraffic(
      Object.fromEntries(Object.entries(ids).map(([part, id]) => [part, selector(id)])) as Record<
        keyof GlobalIdentities,
        Record<string, string>
      >,
      ingestionIds && ingestionSelectors(ingestionIds, selector),
    );
    const network = { cloud: config.cloud, vpcCidr: config.cluster.vpcCidr, zones: config.cluster.zones };
    for (const t of traffic) networkPolicy(workloads[t.name], t.name, t, network);
    return namespace;
  }

  /**
   * Every region as the builders see it: a sidecar region's gateway behind the Service the tier dials it at, a
   * remote-write region by its outputs alone (it dials the tier).
   */
  private regionViews(
    name: string,
    args: GlobalMonitoringArgs,
    namespace: k8s.core.v1.Namespace,
  ): pulumi.Output<GlobalRegionView[]> {
    return pulumi.all(
      args.regions.map((region): pulumi.Output<GlobalRegionView> => {
        if (region.remoteWrite) return region.outputs.apply((outputs) => ({ outputs }));
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

  /**
   * Receive with its bucket's readers, and each remote-write region's Ruler pair and tenant Query, from the
   * rendered files: what the region's agents write to and where its rules are evaluated.
   */
  private ingestion(
    name: string,
    args: GlobalMonitoringArgs,
    p: {
      readonly ids: IngestionIdentities;
      readonly part: (id: ComponentIdentity) => GlobalPartArgs;
      readonly rendered: ReturnType<typeof renderedFiles>;
      readonly pki: GlobalPki;
      readonly writing: readonly GlobalRegion[];
      readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
    },
  ): ThanosReceive {
    const { config } = args;
    if (!args.receiveBucket)
      throw new Error(
        `stack '${config.stack}': region(s) ${p.writing.map((r) => r.name).join(", ")} write to Thanos Receive, which needs its bucket`,
      );
    const receive = new ThanosReceive(
      name,
      {
        ...p.part(p.ids.receive),
        storeId: p.ids.receiveStore,
        compactId: p.ids.receiveCompact,
        replicas: config.receive.replicas,
        args: p.rendered.receiveArgs(),
        config: fileData(p.rendered.publicFiles, {
          [posix.basename(RECEIVE_FILES.hashrings)]: GLOBAL_FILES.receiveHashrings,
          [posix.basename(RECEIVE_FILES.limits)]: GLOBAL_FILES.receiveLimits,
        }),
        objstore: p.rendered.files.apply((f) => f[GLOBAL_FILES.receiveObjstore]),
        ca: p.pki.alertmanagerCa,
        // Any remote-write region's CA signs its agents' client certificate, whose CN is the tenant.
        clientCas: pulumi
          .all(p.writing.map((r) => r.outputs.tlsCaCert))
          .apply((pems) => `${pems.map((pem) => pem.trim()).join("\n")}\n`),
        identityAnnotations: args.receiveBucket.identityAnnotations,
        loadBalancerAnnotations: p.loadBalancerAnnotations,
        sourceRanges: pulumi
          .all(p.writing.map((r) => r.outputs.egressCidrs))
          .apply((lists) => [...new Set(lists.flat())]),
        storageClassName: args.storageClassName,
      },
      { parent: this },
    );
    for (const region of p.writing) {
      const ids = p.ids.rulers.find((r) => r.region === region.name);
      if (!ids) throw new Error(`stack '${config.stack}': no Ruler identity for region '${region.name}'`);
      const rulerFiles = (names: readonly (keyof typeof RULER_RENDERED)[]) =>
        fileData(
          p.rendered.publicFiles,
          Object.fromEntries(names.map((n) => [RULER_RENDERED[n], rulerFile(region.name, RULER_RENDERED[n])])),
        );
      const rulesPrefix = rulerRuleFile(region.name, "");
      new RegionRuler(
        `${name}-${region.name}`,
        {
          ...p.part(ids.ruler),
          queryId: ids.query,
          args: p.rendered.rulerArgs(region.name),
          config: rulerFiles(["query", "alertmanagers", "remoteWrite"]),
          rules: p.rendered.publicFiles.apply((f) =>
            Object.fromEntries(
              Object.entries(f)
                .filter(([path]) => path.startsWith(rulesPrefix))
                .map(([path, text]) => [path.slice(rulesPrefix.length), text]),
            ),
          ),
          queryEndpoints: rulerFiles(["queryEndpoints"]),
          alertingPassword: region.outputs.alertingPassword,
          alertingCa: region.outputs.alertingCaCert,
        },
        { parent: this },
      );
    }
    return receive;
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
  parts: { readonly [K in "queryFrontend" | "grafana" | "alertmanagerServer"]: pulumi.Output<string> } & {
    readonly receiveServer?: pulumi.Output<string>;
  },
) {
  const certificateEnds: pulumi.Output<GlobalCertificateEnds> = pulumi.output({
    ingressCa: pki.ingressCa.validityEndTime,
    queryFrontend: parts.queryFrontend,
    grafana: parts.grafana,
    alertmanagerIntermediate: pki.alertmanagerCa.self.validityEndTime,
    alertmanagerServer: parts.alertmanagerServer,
    alertmanagerCrossSigned: pki.alertmanagerCa.crossSignedValidityEndTimes,
    ...(parts.receiveServer ? { receiveServer: parts.receiveServer } : {}),
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

type IngestionIdentities = NonNullable<ReturnType<typeof ingestionIdentities>>;

/** The identities of Receive, its bucket's readers and each Ruler pair: none when no region writes to Receive. */
function ingestionIdentities(config: GlobalStackConfig, writing: readonly string[]) {
  if (writing.length === 0) return undefined;
  const identity = (n: string, component: string): ComponentIdentity => ({
    name: n,
    instance: config.namePrefix,
    component,
    version: VERSIONS.thanos,
  });
  return {
    receive: identity(RECEIVE.name, "remote-write-receiver"),
    receiveStore: identity(RECEIVE_BUCKET.storeGateway, "object-store-gateway"),
    receiveCompact: identity(RECEIVE_BUCKET.compactor, "compactor"),
    rulers: writing.map((region) => ({
      region,
      ruler: identity(rulerName(region), "rule-evaluator"),
      query: identity(rulerQueryName(region), "query-layer"),
    })),
  };
}

function ingestionSelectors(
  ids: IngestionIdentities,
  selector: (id: ComponentIdentity) => Record<string, string>,
): IngestionSelectors {
  return {
    receive: selector(ids.receive),
    receiveStore: selector(ids.receiveStore),
    receiveCompact: selector(ids.receiveCompact),
    rulers: ids.rulers.map((r) => ({ region: r.region, ruler: selector(r.ruler), query: selector(r.query) })),
  };
}

/**
 * Every file and command line of the tier, from the builders. The bcrypt hashes make `files` secret, yet they
 * reach only the Alertmanager config and the Alertmanager and Query Frontend web configs, which go into
 * Secrets, as does Receive's objstore file (on a cluster the user runs a bucket's keys are in it). Every other file is public: keeping it secret would hide ConfigMaps and pod specs from previews
 * and policies. (A test checks that no secret value reaches a ConfigMap.)
 */
function renderedFiles(
  config: GlobalStackConfig,
  regionViews: pulumi.Output<GlobalRegionView[]>,
  alertmanagerHosts: pulumi.Output<string[]>,
  credentials: GlobalCredentials,
  receiveObjectStore: pulumi.Output<ObjectStoreLocation> | undefined,
) {
  const files = pulumi
    .all([
      regionViews,
      alertmanagerHosts,
      credentials.alertmanagerUsers,
      credentials.frontendUsers,
      pulumi.output(receiveObjectStore),
    ])
    .apply(([regions, hosts, users, queryFrontendUsers, objectStore]) =>
      renderGlobalFiles(config, regions, {
        alertmanagerHosts: hosts,
        alertmanagerUsers: users,
        federationAlertingUser: FEDERATION_ALERTING_USER,
        queryFrontendUsers,
        ...(objectStore ? { receiveObjectStore: objectStore } : {}),
      }),
    );
  const publicFiles = pulumi.unsecret(files);
  // The command lines as the builder makes them (what `npm run render` writes as YAML), public like the files.
  const workloadArgs = pulumi.unsecret(regionViews.apply((regions) => globalArgs(config, regions)));
  return {
    files,
    publicFiles,
    file: (path: string) => publicFiles.apply((f) => f[path]),
    argsOf: (workload: CoreWorkload) => workloadArgs.apply((a) => a[workload]),
    receiveArgs: () =>
      workloadArgs.apply((a) => {
        if (!a.receive) throw new Error(`stack '${config.stack}': Thanos Receive runs only when a region writes to it`);
        return a.receive;
      }),
    rulerArgs: (region: string) => workloadArgs.apply((a) => a.rulers[region]),
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
