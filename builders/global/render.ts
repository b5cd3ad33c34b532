import { posix } from "node:path";
import { toYaml } from "../yaml";
import { DEFAULTS } from "../../config/defaults";
import type { GlobalStackConfig } from "../../config/types";
import type { RegionalOutputs, SECRET_REGIONAL_OUTPUTS } from "../../contracts/regional-outputs";
import { alertmanagerConfig } from "../alertmanager/config";
import { alertmanagerTargets } from "../alertmanager/targets";
import { webConfig } from "../alertmanager/web-config";
import { type FederationTarget, federationPrometheusConfig } from "../federation/config";
import { gatewayRoutes } from "../gateway/routes";
import { federationRuleFile } from "../federation/rules";
import { dashboardProviders, grafanaDatasources } from "../grafana/datasources";
import { grafanaDashboards } from "../grafana/dashboards";
import { teamDashboardProviders, teamDashboards } from "../grafana/team-dashboards";
import { type StoreApiEndpoint, endpointSdConfig } from "../thanos/query";
import type { ObjectStoreLocation } from "../cloud/object-store";
import { objstoreConfig } from "../thanos/objstore";
import { memcachedResponseCacheConfig } from "../thanos/response-cache";
import {
  ALERTMANAGER,
  FEDERATION,
  GRAFANA,
  QUERY_FRONTEND,
  QUERY_FRONTEND_SCRAPE_USER,
  RECEIVE,
  RECEIVE_STORE_ADDRESS,
  RESULTS_CACHE,
  THANOS_QUERY,
  alertmanagerPeerHosts,
  federationStoreAddresses,
  receiveEndpointAddresses,
  serviceHost,
} from "./layout";
import {
  RULER_EVAL_INTERVAL,
  RULER_FILES,
  clusterReceiveArgs,
  clusterReceiveCompactArgs,
  clusterReceiveHashrings,
  clusterReceiveStoreArgs,
  clusterRulerAlertmanagers,
  clusterRulerArgs,
  clusterRulerQuery,
  clusterRulerQueryAddress,
  clusterRulerQueryArgs,
  clusterRulerQueryEndpoints,
  clusterRulerRemoteWrite,
  globalReceiveLimits,
  ruledRegion,
  rulerRules,
} from "./receive";
import { SECRET_FILES } from "./secrets";
import {
  type AlertmanagerLayout,
  type FederationLayout,
  type FrontendLayout,
  type GlobalTimings,
  type QueryLayout,
  alertmanagerWorkloadArgs,
  federationArgs,
  federationSidecarWorkloadArgs,
  frontendWorkloadArgs,
  queryWorkloadArgs,
} from "./wiring";

/** What the global tier knows of a region once it has exposed the region's endpoints. */
export interface ExposedRegion {
  /** The region's stack outputs (its secrets are not needed to render configs). */
  readonly outputs: Omit<RegionalOutputs, (typeof SECRET_REGIONAL_OUTPUTS)[number]>;
  /** `host:port` the global tier dials the region gateway's federation at (its load balancer's, or the region's gatewayExposure). */
  readonly federationAddress: string;
  /**
   * `host:port` Thanos Query dials for each of the region's StoreAPI routes, by route name: each its own
   * address leading to the gateway (builders/global/store-api-aliases.ts).
   */
  readonly storeApiAddresses: Readonly<Record<string, string>>;
}

/**
 * A remote-write region (its outputs' `ingestionMode`): its agents write to the tier's Receive and its Ruler
 * runs in the tier, so the tier dials nothing of it.
 */
export interface WritingRegion {
  readonly outputs: ExposedRegion["outputs"];
}

/** Every region as the global tier sees it: dialled through its gateway, or writing to Receive. */
export type GlobalRegionView = ExposedRegion | WritingRegion;

function isDialled(region: GlobalRegionView): region is ExposedRegion {
  return "federationAddress" in region;
}

/** The regions the tier dials and those that write to it, each as its outputs say it runs. */
export function regionsByIngestion(regions: readonly GlobalRegionView[]): {
  readonly dialled: readonly ExposedRegion[];
  readonly writing: readonly WritingRegion[];
} {
  for (const r of regions) {
    const writes = r.outputs.ingestionMode === "remote-write";
    if (writes === isDialled(r))
      throw new Error(
        `region '${r.outputs.region}': its outputs say ingestion mode ${writes ? "remote-write" : "sidecar"} but it is ${writes ? "dialled through its gateway" : "given no gateway address"}`,
      );
  }
  return { dialled: regions.filter(isDialled), writing: regions.filter((r) => !isDialled(r)) };
}

export interface GlobalRenderOptions {
  /** Address of each Alertmanager peer's own load balancer, as the regions reach it. */
  readonly alertmanagerHosts: readonly string[];
  /** Basic-auth users of the Alertmanagers: every region's alerting user and the federation's, to a bcrypt hash. */
  readonly alertmanagerUsers: Readonly<Record<string, string>>;
  /** The user the federation Prometheus sends alerts as. */
  readonly federationAlertingUser: string;
  /** Basic-auth users of the Query Frontend (QUERY_FRONTEND.grafanaUser, .queryUser), to a bcrypt hash. */
  readonly queryFrontendUsers: Readonly<Record<string, string>>;
  /** Receive's bucket: needed when a region writes to Receive, none runs otherwise. */
  readonly receiveObjectStore?: ObjectStoreLocation;
}

/** Pods listen on every interface; NetworkPolicies decide who reaches them. */
const POD_LISTEN_HOST = "0.0.0.0";

/** Paths (relative) of every file renderGlobalFiles returns that is not per region. */
export const GLOBAL_FILES = {
  federationConfig: "federation/prometheus.yml",
  federationRules: "federation/rules/global.rules.yml",
  /** Written beside the rules once the certificates exist (builders/global/certificates.ts); `npm run render` writes it too. */
  federationCertificateRules: "federation/rules/certificates.yml",
  federationArgs: "federation/args.yml",
  federationSidecarArgs: "federation/sidecar-args.yml",
  alertmanagerConfig: "alertmanager/alertmanager.yml",
  alertmanagerWebConfig: "alertmanager/web.yml",
  alertmanagerArgs: "alertmanager/args.yml",
  queryEndpoints: "thanos/query/endpoints.yml",
  queryArgs: "thanos/query/args.yml",
  frontendArgs: "thanos/query-frontend/args.yml",
  frontendHttpConfig: "thanos/query-frontend/http.yml",
  frontendResponseCache: "thanos/query-frontend/response-cache.yml",
  grafanaDatasources: "grafana/provisioning/datasources/datasources.yml",
  grafanaDashboardProviders: "grafana/provisioning/dashboards/dashboards.yml",
  /** Thanos Receive and what reads its bucket, when a region writes to it. */
  receiveArgs: "thanos/receive/args.yml",
  receiveHashrings: "thanos/receive/hashrings.json",
  receiveLimits: "thanos/receive/limits.yaml",
  receiveObjstore: "thanos/receive/objstore.yaml",
  receiveStoreArgs: "thanos/receive-store/args.yml",
  receiveCompactArgs: "thanos/receive-compact/args.yml",
} as const;

/** A remote-write region's Ruler and tenant Query files; those the pods mount carry their in-pod file names. */
export const RULER_RENDERED = {
  args: "args.yml",
  queryArgs: "query-args.yml",
  query: posix.basename(RULER_FILES.query),
  alertmanagers: posix.basename(RULER_FILES.alertmanagers),
  remoteWrite: posix.basename(RULER_FILES.remoteWrite),
  queryEndpoints: posix.basename(RULER_FILES.queryEndpoints),
  rules: "rules",
} as const;
export const rulerFile = (region: string, name: string) => `thanos/rule/${region}/${name}`;
export const rulerRuleFile = (region: string, name: string) => rulerFile(region, `${RULER_RENDERED.rules}/${name}`);

/** The file of the Alertmanager targets the global tier writes into a region, and each Grafana dashboard. */
export const regionTargetsFile = (region: string) => `regions/${region}/alertmanager-targets.json`;
export const dashboardFile = (name: string) => `grafana/dashboards/${name}`;
export const teamDashboardFile = (team: string, name: string) => `grafana/team-dashboards/${team}/${name}`;

/** The default dashboards' provider and one per team with dashboards. */
function withTeamProviders(defaults: { apiVersion: number; providers: readonly object[] }, config: GlobalStackConfig) {
  return {
    ...defaults,
    providers: [...defaults.providers, ...teamDashboardProviders(config.teams, GRAFANA.teamDashboardsDir)],
  };
}

/** Each Prometheus pod of a region, in the order of its `prometheusPods`, as its gateway serves it. */
export function federationTargets(region: ExposedRegion): FederationTarget[] {
  const o = region.outputs;
  return gatewayRoutes(o.prometheusPods, o.tlsServerName).federation.map((r) => ({
    address: region.federationAddress,
    metricsPath: r.path,
    name: r.name,
  }));
}

/** Every StoreAPI of a region: each Prometheus pod's sidecar and the store gateway, with the name the gateway routes on. */
export function storeApiEndpoints(region: ExposedRegion): StoreApiEndpoint[] {
  const o = region.outputs;
  return gatewayRoutes(o.prometheusPods, o.tlsServerName).storeApi.map((r) => {
    const address = region.storeApiAddresses[r.name];
    if (!address) throw new Error(`region '${o.region}': no address for its StoreAPI '${r.name}'`);
    return { address, serverName: r.serverName };
  });
}

/** The workloads every global stack runs, each with one command line. */
export type CoreWorkload = "federation" | "federationSidecar" | "alertmanager" | "query" | "frontend";

/** The command line of each workload of the global tier, as the pods run them and `npm run render` writes them. */
export interface GlobalArgs extends Readonly<Record<CoreWorkload, string[]>> {
  /** Receive, its bucket's store gateway and compactor: only when a region writes to Receive. */
  readonly receive?: { readonly receive: string[]; readonly store: string[]; readonly compact: string[] };
  /** Each remote-write region's Ruler and its tenant Query, by region. */
  readonly rulers: Readonly<Record<string, { readonly rule: string[]; readonly query: string[] }>>;
}

/** Where each global workload runs in the pods: the layout the clusters bind the tier's wiring to. */
export const CLUSTER_GLOBAL_LAYOUT = {
  federation: {
    configFile: `${FEDERATION.configDir}/prometheus.yml`,
    dataDir: FEDERATION.dataDir,
    listenAddress: `:${FEDERATION.port}`,
    prometheusUrl: `http://localhost:${FEDERATION.port}`,
    sidecarListen: {
      host: POD_LISTEN_HOST,
      grpcPort: FEDERATION.sidecarGrpcPort,
      httpPort: FEDERATION.sidecarHttpPort,
    },
  },
  query: {
    endpointConfigFile: `${THANOS_QUERY.configDir}/endpoints.yml`,
    listen: { host: POD_LISTEN_HOST, grpcPort: THANOS_QUERY.grpcPort, httpPort: THANOS_QUERY.httpPort },
  },
  frontend: {
    downstreamUrl: `http://${serviceHost(THANOS_QUERY.service)}:${THANOS_QUERY.httpPort}`,
    httpAddress: `${POD_LISTEN_HOST}:${QUERY_FRONTEND.httpPort}`,
    httpConfigFile: `${QUERY_FRONTEND.configDir}/http.yml`,
    responseCacheConfigFile: `${QUERY_FRONTEND.configDir}/response-cache.yml`,
  },
  timings: { peerTimeout: ALERTMANAGER.peerTimeout },
} as const satisfies {
  federation: FederationLayout;
  query: QueryLayout;
  frontend: FrontendLayout;
  timings: GlobalTimings;
};

/** Every Alertmanager pod: its peers by their stable names behind the headless Service. */
function clusterAlertmanagerLayout(replicas: number): AlertmanagerLayout {
  return {
    configFile: `${ALERTMANAGER.configDir}/alertmanager.yml`,
    webConfigFile: `${ALERTMANAGER.configDir}/web.yml`,
    dataDir: ALERTMANAGER.dataDir,
    webListenAddress: `:${ALERTMANAGER.webPort}`,
    clusterListenAddress: `0.0.0.0:${ALERTMANAGER.clusterPort}`,
    clusterAdvertiseAddress: `$(POD_IP):${ALERTMANAGER.clusterPort}`,
    peers: alertmanagerPeerHosts(replicas).map((host) => `${host}:${ALERTMANAGER.clusterPort}`),
  };
}

export function globalArgs(config: GlobalStackConfig, regions: readonly GlobalRegionView[]): GlobalArgs {
  const layout = CLUSTER_GLOBAL_LAYOUT;
  const { writing } = regionsByIngestion(regions);
  const receives = writing.length > 0;
  return {
    federation: federationArgs(layout.federation, layout.timings, receives),
    federationSidecar: federationSidecarWorkloadArgs(layout.federation),
    alertmanager: alertmanagerWorkloadArgs(config, clusterAlertmanagerLayout(config.alerting.replicas), layout.timings),
    // Receive's replicas hold copies of one series, as a region's Prometheus pairs do.
    query: queryWorkloadArgs(
      [...regions.map((r) => r.outputs.replicaLabel), ...(receives ? [RECEIVE.replicaLabel] : [])],
      layout.query,
    ),
    frontend: frontendWorkloadArgs(layout.frontend),
    ...(receives
      ? {
          receive: {
            receive: clusterReceiveArgs(config),
            store: clusterReceiveStoreArgs(),
            compact: clusterReceiveCompactArgs(),
          },
        }
      : {}),
    rulers: Object.fromEntries(
      writing.map((r) => {
        const region = ruledRegion(r.outputs);
        return [
          r.outputs.region,
          { rule: clusterRulerArgs(region, RULER_EVAL_INTERVAL), query: clusterRulerQueryArgs(region) },
        ];
      }),
    ),
  };
}

/**
 * Every config file of the global tier, by relative path: what the components mount and what
 * `scripts/render.ts` writes for review and for promtool/amtool. Adding a region to the config adds its
 * federation job, Query endpoints, Grafana datasource and Alertmanager targets file; no code changes.
 */
export function renderGlobalFiles(
  config: GlobalStackConfig,
  regions: readonly GlobalRegionView[],
  o: GlobalRenderOptions,
): Record<string, string> {
  const names = regions.map((r) => r.outputs.region);
  const missing = config.regions.filter((r) => !names.includes(r.name)).map((r) => r.name);
  if (missing.length > 0)
    throw new Error(`stack '${config.stack}': no outputs for the configured region(s) ${missing.join(", ")}`);
  if (o.alertmanagerHosts.length !== config.alerting.replicas) {
    throw new Error(
      `${config.alerting.replicas} Alertmanager peers are configured but ${o.alertmanagerHosts.length} addresses were given`,
    );
  }
  const args = globalArgs(config, regions);
  const { dialled, writing } = regionsByIngestion(regions);
  const federationSecret = (file: string) => `${FEDERATION.secretsDir}/${file}`;
  const queryTls = (file: string) => `${THANOS_QUERY.tlsDir}/${file}`;
  const files: Record<string, string> = {
    [GLOBAL_FILES.federationConfig]: toYaml(
      federationPrometheusConfig({
        clusterName: config.cluster.name,
        replicaLabel: FEDERATION.replicaLabel,
        replica: "${POD_NAME}",
        scrapeInterval: DEFAULTS.federation.interval,
        evaluationInterval: DEFAULTS.federation.interval,
        rulesGlob: `${FEDERATION.rulesDir}/*.yml`,
        // A remote-write region serves no /federate: its Ruler writes its series to the federation.
        regions: dialled.map((r) => ({
          name: r.outputs.region,
          prometheusTargets: federationTargets(r),
          username: r.outputs.federationUsername,
          passwordFile: federationSecret(SECRET_FILES.federationPassword(r.outputs.region)),
          caFile: federationSecret(SECRET_FILES.regionCa(r.outputs.region)),
          tlsServerName: r.outputs.tlsServerName,
        })),
        writingRegions: writing.map((r) => r.outputs.region),
        alertmanager: {
          targets: alertmanagerPeerHosts(config.alerting.replicas).map((host) => `${host}:${ALERTMANAGER.webPort}`),
          username: o.federationAlertingUser,
          passwordFile: federationSecret(SECRET_FILES.alertmanagerPassword),
          caFile: federationSecret(SECRET_FILES.alertmanagerCa),
          tlsServerName: ALERTMANAGER.tlsServerName,
        },
        thanosQuery: { dnsName: serviceHost(THANOS_QUERY.podsService), port: THANOS_QUERY.httpPort },
        queryFrontend: {
          replicas: { dnsName: serviceHost(QUERY_FRONTEND.podsService), port: QUERY_FRONTEND.httpPort },
          username: QUERY_FRONTEND_SCRAPE_USER,
          passwordFile: federationSecret(SECRET_FILES.queryFrontendScrapePassword),
          caFile: federationSecret(SECRET_FILES.queryFrontendCa),
          // Replicas are reached by pod address; the certificate names the frontend's Service.
          tlsServerName: serviceHost(QUERY_FRONTEND.service),
        },
      }),
    ),
    [GLOBAL_FILES.federationRules]: toYaml(
      // A remote-write region is unreachable when its Rulers' recorded series stop arriving.
      federationRuleFile(
        regions.map((r) => ({
          name: r.outputs.region,
          clusterName: r.outputs.clusterName,
          remoteWrite: !isDialled(r),
        })),
        { peers: config.alerting.replicas },
        config.alerts,
      ),
    ),
    [GLOBAL_FILES.federationArgs]: toYaml(args.federation),
    [GLOBAL_FILES.federationSidecarArgs]: toYaml(args.federationSidecar),
    [GLOBAL_FILES.alertmanagerConfig]: toYaml(
      alertmanagerConfig({
        alerting: config.alerting,
        teams: config.teams,
        secretsDir: ALERTMANAGER.secretsDir,
      }),
    ),
    [GLOBAL_FILES.alertmanagerWebConfig]: toYaml(
      webConfig({
        certFile: `${ALERTMANAGER.tlsDir}/${SECRET_FILES.tlsCert}`,
        keyFile: `${ALERTMANAGER.tlsDir}/${SECRET_FILES.tlsKey}`,
        users: o.alertmanagerUsers,
      }),
    ),
    [GLOBAL_FILES.alertmanagerArgs]: toYaml(args.alertmanager),
    [GLOBAL_FILES.queryEndpoints]: toYaml(
      endpointSdConfig(
        dialled.map((r) => ({
          region: r.outputs.region,
          endpoints: storeApiEndpoints(r),
          certFile: queryTls(SECRET_FILES.storeApiClientCert(r.outputs.region)),
          keyFile: queryTls(SECRET_FILES.storeApiClientKey(r.outputs.region)),
          caFile: queryTls(SECRET_FILES.regionCa(r.outputs.region)),
        })),
        [
          ...federationStoreAddresses(config.federationReplicas),
          // Receive and its bucket's store gateways, in the cluster, when a region writes to Receive.
          ...(args.receive ? [...receiveEndpointAddresses(config.receive.replicas), RECEIVE_STORE_ADDRESS] : []),
        ],
      ),
    ),
    [GLOBAL_FILES.queryArgs]: toYaml(args.query),
    [GLOBAL_FILES.frontendArgs]: toYaml(args.frontend),
    [GLOBAL_FILES.frontendHttpConfig]: toYaml(
      webConfig({
        certFile: `${QUERY_FRONTEND.tlsDir}/${SECRET_FILES.tlsCert}`,
        keyFile: `${QUERY_FRONTEND.tlsDir}/${SECRET_FILES.tlsKey}`,
        users: o.queryFrontendUsers,
      }),
    ),
    // Thanos re-resolves the headless Service (dns+), so the frontends follow memcached pods as they come and go.
    [GLOBAL_FILES.frontendResponseCache]: toYaml(
      memcachedResponseCacheConfig({
        addresses: [`dns+${serviceHost(RESULTS_CACHE.service)}:${RESULTS_CACHE.port}`],
        expiration: DEFAULTS.resultsCache.expiration,
        maxItemSize: DEFAULTS.resultsCache.maxItemSize,
      }),
    ),
    [GLOBAL_FILES.grafanaDatasources]: toYaml(
      grafanaDatasources({
        thanosUrl: `https://${serviceHost(QUERY_FRONTEND.service)}:${QUERY_FRONTEND.httpPort}`,
        thanosCaFile: `${GRAFANA.tlsDir}/${SECRET_FILES.ingressCa}`,
        thanosUser: QUERY_FRONTEND.grafanaUser,
        thanosPasswordFile: `${GRAFANA.secretsDir}/${SECRET_FILES.queryFrontendPassword}`,
        thanosQueryUrl: `http://${serviceHost(THANOS_QUERY.service)}:${THANOS_QUERY.httpPort}`,
        federationUrl: `http://${serviceHost(FEDERATION.service)}:${FEDERATION.port}`,
        scrapeInterval: DEFAULTS.federation.interval,
        regions: regions.map((r) =>
          isDialled(r)
            ? { region: r.outputs.region, storeAddresses: storeApiEndpoints(r).map((e) => e.address) }
            : { region: r.outputs.region, tenantQueryUrl: `http://${clusterRulerQueryAddress(r.outputs.region)}` },
        ),
      }),
    ),
    [GLOBAL_FILES.grafanaDashboardProviders]: toYaml(
      withTeamProviders(dashboardProviders(GRAFANA.dashboardsDir), config),
    ),
  };
  for (const [name, board] of Object.entries(grafanaDashboards()))
    files[dashboardFile(name)] = JSON.stringify(board, null, 2);
  for (const [team, boards] of Object.entries(teamDashboards(config.teams))) {
    for (const [name, board] of Object.entries(boards)) files[teamDashboardFile(team, name)] = board;
  }
  const peers = o.alertmanagerHosts.map((host) => `${host}:${ALERTMANAGER.webPort}`);
  // An agent sends no alerts: only the dialled regions' Prometheus read the targets file.
  for (const r of dialled)
    files[regionTargetsFile(r.outputs.region)] = JSON.stringify(alertmanagerTargets(peers), null, 2);
  return { ...files, ...ingestionFiles(config, regions, args, o) };
}

/** Receive's files and each remote-write region's Ruler's, when a region writes to Receive. */
function ingestionFiles(
  config: GlobalStackConfig,
  regions: readonly GlobalRegionView[],
  args: GlobalArgs,
  o: GlobalRenderOptions,
): Record<string, string> {
  const { writing } = regionsByIngestion(regions);
  if (!args.receive) return {};
  if (!o.receiveObjectStore)
    throw new Error(
      `stack '${config.stack}': region(s) ${writing.map((r) => r.outputs.region).join(", ")} write to Thanos Receive, which needs its bucket`,
    );
  const files: Record<string, string> = {
    [GLOBAL_FILES.receiveArgs]: toYaml(args.receive.receive),
    [GLOBAL_FILES.receiveHashrings]: JSON.stringify(clusterReceiveHashrings(config), null, 2),
    [GLOBAL_FILES.receiveLimits]: toYaml(
      globalReceiveLimits(
        config,
        writing.map((r) => r.outputs.region),
      ),
    ),
    [GLOBAL_FILES.receiveObjstore]: toYaml(objstoreConfig(o.receiveObjectStore)),
    [GLOBAL_FILES.receiveStoreArgs]: toYaml(args.receive.store),
    [GLOBAL_FILES.receiveCompactArgs]: toYaml(args.receive.compact),
  };
  for (const r of writing) {
    const name = r.outputs.region;
    const region = ruledRegion(r.outputs);
    const ruler = args.rulers[name];
    Object.assign(files, {
      [rulerFile(name, RULER_RENDERED.args)]: toYaml(ruler.rule),
      [rulerFile(name, RULER_RENDERED.queryArgs)]: toYaml(ruler.query),
      [rulerFile(name, RULER_RENDERED.query)]: toYaml(clusterRulerQuery(name)),
      [rulerFile(name, RULER_RENDERED.alertmanagers)]: toYaml(clusterRulerAlertmanagers(config, region)),
      [rulerFile(name, RULER_RENDERED.remoteWrite)]: toYaml(clusterRulerRemoteWrite(config)),
      [rulerFile(name, RULER_RENDERED.queryEndpoints)]: toYaml(clusterRulerQueryEndpoints(config)),
    });
    for (const [file, rules] of Object.entries(rulerRules(config.alerts)))
      files[rulerRuleFile(name, file)] = toYaml(rules);
  }
  return files;
}
