/**
 * The one place where the builders are bound to this machine: loopback addresses, paths under the run's
 * directory, local credentials, emulator endpoints and the short intervals of settings.ts, all passed to
 * the builders as parameters (the clusters' binding is builders/regional and builders/global). What differs
 * from the clusters, and why, is listed in LOCAL_ADAPTATIONS.
 */
import * as path from "node:path";
import { alertmanagerConfig, receiverSecretFiles } from "../builders/alertmanager/config";
import { alertmanagerTargets } from "../builders/alertmanager/targets";
import { webConfig as toolkitWebConfig } from "../builders/alertmanager/web-config";
import { federationPrometheusConfig } from "../builders/federation/config";
import { federationRuleFile } from "../builders/federation/rules";
import { GATEWAY_READY_PATH } from "../builders/gateway/haproxy";
import {
  ALERTMANAGER,
  FEDERATION,
  FEDERATION_ALERTING_USER,
  QUERY_FRONTEND_SCRAPE_USER,
  RECEIVE,
} from "../builders/global/layout";
import {
  type AlertmanagerLayout,
  type FederationLayout,
  type GlobalTimings,
  alertmanagerWorkloadArgs,
  federationArgs,
  federationSidecarWorkloadArgs,
  frontendWorkloadArgs,
  queryWorkloadArgs,
} from "../builders/global/wiring";
import type { PrometheusFiles } from "../builders/prometheus/config";
import { ALERTMANAGER_TLS_SERVER_NAME, REPLICA_LABEL } from "../builders/regional/layout";
import { endpointSdConfig } from "../builders/thanos/query";
import { inMemoryResponseCacheConfig } from "../builders/thanos/response-cache";
import { DEFAULTS } from "../config/defaults";
import { toYaml } from "../builders/yaml";
import type { Binaries } from "./binaries";
import type { ServerAccess } from "./client";
import { LOCAL_OBJECT_STORES, NO_METADATA_ENV } from "./object-stores";
import { Pki } from "./pki";
import { type LocalAlertmanager, type LocalPlan, everyRegion } from "./plan";
import { LOOPBACK, address } from "./ports";
import { type RenderedIngestion, type WritingRegionRender, renderIngestion } from "./render-ingestion";
import { type AlertingTrust, type RenderedRegion, renderRegion } from "./render-region";
import { renderWritingRegion } from "./render-writing-region";
import {
  type Credentials,
  type ReadinessProbe,
  credentials,
  httpAccess,
  listen,
  secret,
  withLocalAlertFor,
  write,
} from "./render-support";
import { LOCAL_TIMING } from "./settings";
import { localAlertingSecrets } from "./stacks";
import type { ProcessSpec } from "./supervisor";

export { regionRulesDir } from "./render-region";
export type { ReadinessProbe } from "./render-support";

/** What the local topology changes against the clusters, each for a reason a reviewer can check. */
export const LOCAL_ADAPTATIONS = [
  "Kubernetes discovery is off (no cluster): node-exporter, the store gateways and the compactor are static jobs under the job names discovery gives them; the fleet is a static job of the region's config.",
  "Servers listen on 127.0.0.1 only; every file path is under the run's temporary directory.",
  "Intervals are seconds (settings.ts), alert `for` durations are shortened (3s, the global alerts' 20s), and Prometheus' block duration is 20s (both equal, as the sidecar requires), so blocks reach the buckets within a minute.",
  "Regional Prometheus keeps 2m of data (the store gateways answer for anything older); the store gateways sync every 5s and the compactor runs every 10s with a 5s consistency delay.",
  "Buckets are emulators: us-east's S3 bucket on moto, eu-west's GCS bucket on fake-gcs-server. The objstore config is the clusters' with only the endpoint and test credentials changed (static S3 keys, a GCS service-account key whose token URI is the runner's), and every Thanos process has the metadata address disabled.",
  "The init container's substitution of the pod name runs here as a command before Prometheus starts; the sidecar's reloader then keeps the file, as in a pod.",
  "The Query Frontend keeps its results in memory: locally there is one frontend replica, so a shared memcached has nothing to share (the clusters' memcached config is started by the pinned Thanos in test/binaries/thanos-response-cache.test.ts, and the benchmark measures both caches side by side).",
  "The region gateway's two replicas share their federation and StoreAPI ports (SO_REUSEPORT) in place of the load balancer, and its StoreAPI listens on one port per route in place of the global cluster's per-StoreAPI names (Thanos Query needs an address per endpoint); each replica has its own metrics port.",
  "Receive's ingress is a TCP passthrough in the runner (each connection to a live Receive, TLS end to end) in place of the global tier's load balancer; it is the remote-write regions' `ingestion.receiveEndpoint`, and where the tests cut their link. Each Receive has its own Cap'n Proto replication port (one host).",
] as const;

/**
 * Warnings Thanos logs because of LOCAL_ADAPTATIONS, and the lines it logs on every start of the remote-write
 * path (in the clusters too), and only those: the checks fail on any other.
 */
export const EXPECTED_LOCAL_WARNINGS: readonly RegExp[] = [
  // The 20s block duration (the clusters' is 2h).
  /found that TSDB block time is not 2h/,
  // Receive marks itself not ready while it loads its hashring file, once at every start.
  /"msg":"changing probe status","reason":"hashring has changed; server is not ready to receive requests"/,
  // A stateless Ruler's remote-write queue can look for its write-ahead log (or its first segment) before the
  // Ruler has made it, once at start, and tails it from the next try on (the checks see the Ruler's series at
  // the federation).
  /"err":"(Segments: open [^"]*\/data\/wal: no such file or directory|failed to find segment for index)","level":"error","msg":"error tailing WAL"/,
];

export interface RenderedTopology {
  /** Started in this order: everything a later group scrapes, reads or alerts to is up first. */
  readonly startOrder: readonly (readonly ProcessSpec[])[];
  readonly prometheus: ReadonlyMap<string, ServerAccess>;
  /** The remote-write regions' agents (web endpoint: probes and their own metrics; no query API). */
  readonly agents: ReadonlyMap<string, ServerAccess>;
  readonly federation: ReadonlyMap<string, ServerAccess>;
  readonly alertmanagers: ReadonlyMap<string, ServerAccess>;
  /** The HTTP side of every Thanos process (metrics, readiness), by process name. */
  readonly thanos: ReadonlyMap<string, ServerAccess>;
  /** Every region gateway replica's metrics and health port, by process name. */
  readonly gateways: ReadonlyMap<string, ServerAccess>;
  /** Thanos Query itself and the Query Frontend in front of it (HTTPS). */
  readonly query: ServerAccess;
  readonly frontend: ServerAccess;
  /** What the regions' StoreAPIs require of a client: each region's CA and the client certificate Query presents. */
  readonly storeApiTls: ReadonlyMap<
    string,
    { readonly caFile: string; readonly certFile: string; readonly keyFile: string; readonly serverName: string }
  >;
  /** Every process's readiness probe, by process name. */
  readonly readiness: ReadonlyMap<string, ReadinessProbe>;
  /** The files every Prometheus of a region reads, by region: a new shard layout's configs name them too. */
  readonly prometheusFiles: ReadonlyMap<string, PrometheusFiles>;
  /** How the region's Thanos processes reach its bucket: their objstore file and environment. */
  readonly buckets: ReadonlyMap<string, { readonly objstoreFile: string; readonly env: NodeJS.ProcessEnv }>;
  /** Receive's StoreAPIs, when a region writes out. */
  readonly receiveStoreApis: readonly string[];
}

type LocalRegionRender = RenderedRegion & { readonly region: LocalPlan["regions"][number] };

/**
 * The Alertmanagers' TLS: each region's alerting CA and one chain every region trusts; Receive's certificate,
 * which the agents check with their alerting CA, is issued under the same chain.
 */
function alertingPki(plan: LocalPlan, pki: Pki) {
  const alertingCas = everyRegion(plan).map((r) => ({
    region: r.name,
    ca: pki.rootCa(`${r.name}-alerting-ca`, `${r.name} alerting CA`),
  }));
  // One Alertmanager chain every region trusts: the leaf, then the intermediate as each region's CA signed it.
  const intermediate = pki.crossSignedIntermediate(
    "alertmanager-intermediate",
    "Alertmanager intermediate CA",
    alertingCas.map((a) => a.ca),
  );
  const leaf = pki.server(
    "alertmanager",
    { cert: intermediate.certs[0], key: intermediate.key },
    [ALERTMANAGER_TLS_SERVER_NAME, ALERTMANAGER.tlsServerName],
    [LOOPBACK],
  );
  const receive = pki.server(
    "receive",
    { cert: intermediate.certs[0], key: intermediate.key },
    [RECEIVE.tlsServerName],
    [LOOPBACK],
  );
  return {
    caByRegion: new Map(alertingCas.map((a) => [a.region, a.ca.cert])),
    chain: pki.bundle("alertmanager-chain.crt", [leaf.cert, ...intermediate.certs]),
    key: leaf.key,
    receive: { chain: pki.bundle("receive-chain.crt", [receive.cert, ...intermediate.certs]), key: receive.key },
    caBundle: pki.bundle(
      "alerting-cas.crt",
      alertingCas.map((a) => a.ca.cert),
    ),
  };
}

function alertmanagerLayout(
  am: LocalAlertmanager,
  peers: readonly LocalAlertmanager[],
  configFile: string,
  webConfigFile: string,
): AlertmanagerLayout {
  return {
    configFile,
    webConfigFile,
    dataDir: path.join(am.dir, "data"),
    webListenAddress: address(am.webPort),
    clusterListenAddress: address(am.clusterPort),
    clusterAdvertiseAddress: address(am.clusterPort),
    peers: peers.map((peer) => address(peer.clusterPort)),
  };
}

/** The mesh: its config, receivers' secrets and web config (every region's alerting user and the federation's). */
function renderAlertmanagers(
  plan: LocalPlan,
  tls: ReturnType<typeof alertingPki>,
  trust: AlertingTrust,
  federationAlerting: Credentials,
  timings: GlobalTimings,
  binaries: Binaries,
) {
  const global = plan.global;
  const secretsDir = path.join(global.dir, "secrets");
  // The receivers' and the heartbeat's URL files, as the Secret of receiver URLs holds them in the cluster.
  const secretValues = localAlertingSecrets(global.webhookPort);
  for (const key of receiverSecretFiles(global.config.alerting, global.config.teams))
    secret(path.join(secretsDir, key), secretValues[key]);
  const configFile = write(
    path.join(global.dir, "alertmanager", "alertmanager.yml"),
    toYaml(alertmanagerConfig({ alerting: global.config.alerting, teams: global.config.teams, secretsDir })),
  );
  const webFile = write(
    path.join(global.dir, "alertmanager", "web.yml"),
    toYaml(
      toolkitWebConfig({
        certFile: tls.chain,
        keyFile: tls.key,
        users: Object.fromEntries([...trust.users.values()].map((u) => [u.username, u.bcryptHash])),
      }),
    ),
  );
  const access = new Map<string, ServerAccess>();
  const specs = global.alertmanagers.map((am): ProcessSpec => {
    access.set(am.name, {
      caFile: tls.caBundle,
      username: federationAlerting.username,
      passwordFile: federationAlerting.passwordFile,
      url: `https://${address(am.webPort)}`,
    });
    return {
      name: am.name,
      command: binaries.alertmanager,
      args: alertmanagerWorkloadArgs(
        global.config,
        alertmanagerLayout(am, global.alertmanagers, configFile, webFile),
        timings,
      ),
    };
  });
  return { specs, access };
}

/** The frontend's certificate (from a local ingress CA) and the user every client of it logs in as. */
function frontendAccess(plan: LocalPlan, pki: Pki) {
  const ingressCa = pki.rootCa("ingress-ca", "local ingress CA");
  const serverName = "localhost";
  const certificate = pki.server("query-frontend", ingressCa, [serverName], [LOOPBACK]);
  // As in the clusters, every client of the frontend logs in: the federation as the user it scrapes with there,
  // and the check and the e2e tests as that same `query` user.
  const user = credentials(
    QUERY_FRONTEND_SCRAPE_USER,
    path.join(plan.global.frontend.dir, "secrets", "query-password"),
  );
  const access: ServerAccess = {
    url: `https://${address(plan.global.frontend.httpPort)}`,
    caFile: ingressCa.cert,
    username: user.username,
    passwordFile: user.passwordFile,
  };
  return { ingressCaFile: ingressCa.cert, serverName, certificate, user, access };
}

/** The global tier's Thanos processes reach no bucket, and no metadata address either. */
function globalThanosEnv(): NodeJS.ProcessEnv {
  return { ...process.env, ...NO_METADATA_ENV };
}

/** The federation pair: its rules and config (every region through its gateway), each replica with its sidecar. */
function renderFederation(
  plan: LocalPlan,
  regions: readonly LocalRegionRender[],
  writingRegions: readonly WritingRegionRender[],
  alerting: { readonly user: Credentials; readonly caBundle: string },
  frontend: ReturnType<typeof frontendAccess>,
  timings: GlobalTimings,
  binaries: Binaries,
) {
  const global = plan.global;
  const rulesDir = path.join(global.dir, "rules");
  const alertedRegions = [
    ...plan.regions.map((r) => ({ name: r.name, clusterName: r.config.cluster.name })),
    ...plan.writingRegions.map((r) => ({ name: r.name, clusterName: r.config.cluster.name, remoteWrite: true })),
  ];
  write(
    path.join(rulesDir, "global.yml"),
    toYaml(
      withLocalAlertFor(
        federationRuleFile(alertedRegions, { peers: global.alertmanagers.length }, global.config.alerts),
        LOCAL_TIMING.globalAlertFor,
      ),
    ),
  );
  const configFile = write(
    path.join(global.dir, "federation", "prometheus.yml"),
    toYaml(
      federationPrometheusConfig({
        clusterName: global.config.cluster.name,
        replicaLabel: FEDERATION.replicaLabel,
        // Expanded by Prometheus from the environment, as in the cluster's pods.
        replica: "${POD_NAME}",
        scrapeInterval: LOCAL_TIMING.federationInterval,
        evaluationInterval: LOCAL_TIMING.evaluationInterval,
        rulesGlob: path.join(rulesDir, "*.yml"),
        regions: regions.map((r) => ({
          name: r.region.name,
          prometheusTargets: r.federationTargets,
          username: r.federation.username,
          passwordFile: r.federation.passwordFile,
          caFile: r.ca,
          tlsServerName: r.serverName,
        })),
        writingRegions: writingRegions.map((r) => r.region.name),
        alertmanager: {
          targets: global.alertmanagers.map((am) => address(am.webPort)),
          username: alerting.user.username,
          passwordFile: alerting.user.passwordFile,
          caFile: alerting.caBundle,
          tlsServerName: ALERTMANAGER.tlsServerName,
        },
        thanosQuery: { addresses: [address(global.query.httpPort)] },
        queryFrontend: {
          replicas: { addresses: [address(global.frontend.httpPort)] },
          username: frontend.user.username,
          passwordFile: frontend.user.passwordFile,
          caFile: frontend.ingressCaFile,
          tlsServerName: frontend.serverName,
        },
      }),
    ),
  );
  const access = new Map<string, ServerAccess>();
  const sidecars = new Map<string, ServerAccess>();
  const prometheusSpecs: ProcessSpec[] = [];
  const sidecarSpecs: ProcessSpec[] = [];
  for (const f of global.federation) {
    const layout: FederationLayout = {
      configFile,
      dataDir: path.join(f.dir, "data"),
      listenAddress: address(f.port),
      prometheusUrl: `http://${address(f.port)}`,
      sidecarListen: listen(f.sidecar),
    };
    access.set(f.name, httpAccess(f.port));
    prometheusSpecs.push({
      name: f.name,
      command: binaries.prometheus,
      env: { ...process.env, POD_NAME: f.replica },
      // The receiver is on when a region writes out: its Rulers write the recorded series here.
      args: federationArgs(layout, timings, writingRegions.length > 0),
    });
    sidecars.set(f.sidecar.name, httpAccess(f.sidecar.httpPort));
    sidecarSpecs.push({
      name: f.sidecar.name,
      command: binaries.thanos,
      env: globalThanosEnv(),
      args: federationSidecarWorkloadArgs(layout),
    });
  }
  return { access, sidecars, prometheusSpecs, sidecarSpecs };
}

/** Thanos Query over every region's StoreAPIs (mutual TLS through the gateways) and the federation's sidecars, and the frontend. */
function renderQueryPath(
  plan: LocalPlan,
  regions: readonly LocalRegionRender[],
  ingestion: RenderedIngestion | undefined,
  frontend: ReturnType<typeof frontendAccess>,
  binaries: Binaries,
) {
  const global = plan.global;
  const endpointsFile = write(
    path.join(global.query.dir, "endpoints.yml"),
    toYaml(
      endpointSdConfig(
        regions.map((r) => ({
          region: r.region.name,
          endpoints: r.storeApiEndpoints,
          caFile: r.storeApiTls.caFile,
          certFile: r.storeApiTls.certFile,
          keyFile: r.storeApiTls.keyFile,
        })),
        [...global.federation.map((f) => address(f.sidecar.grpcPort)), ...(ingestion?.storeApiEndpoints ?? [])],
      ),
    ),
  );
  const querySpec: ProcessSpec = {
    name: global.query.name,
    command: binaries.thanos,
    env: globalThanosEnv(),
    // Receive's copies of a writing region's series are deduplicated on its replica label, as in the clusters.
    args: queryWorkloadArgs(
      [...everyRegion(plan).map(() => REPLICA_LABEL), ...(ingestion ? [RECEIVE.replicaLabel] : [])],
      { endpointConfigFile: endpointsFile, listen: listen(global.query) },
    ),
  };
  const frontendDir = global.frontend.dir;
  const frontendSpec: ProcessSpec = {
    name: global.frontend.name,
    command: binaries.thanos,
    env: globalThanosEnv(),
    args: frontendWorkloadArgs({
      downstreamUrl: `http://${address(global.query.httpPort)}`,
      httpAddress: address(global.frontend.httpPort),
      httpConfigFile: write(
        path.join(frontendDir, "http.yml"),
        toYaml(
          toolkitWebConfig({
            certFile: frontend.certificate.cert,
            keyFile: frontend.certificate.key,
            users: { [frontend.user.username]: frontend.user.bcryptHash },
          }),
        ),
      ),
      responseCacheConfigFile: write(
        path.join(frontendDir, "response-cache.yml"),
        toYaml(inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize)),
      ),
    }),
  };
  return { querySpec, frontendSpec };
}

/** How to tell each process is ready: `/-/ready` of every Prometheus, Alertmanager and Thanos, and the rest's own. */
function readinessProbes(
  plan: LocalPlan,
  servers: readonly ReadonlyMap<string, ServerAccess>[],
  regions: readonly LocalRegionRender[],
): Map<string, ReadinessProbe> {
  return new Map<string, ReadinessProbe>([
    ...servers
      .flatMap((m) => [...m])
      .map(([name, access]): [string, ReadinessProbe] => [name, { access, path: "/-/ready" }]),
    ...regions.flatMap((r) =>
      [...r.gateways].map(([name, access]): [string, ReadinessProbe] => [name, { access, path: GATEWAY_READY_PATH }]),
    ),
    ...plan.emulators.map((e): [string, ReadinessProbe] => [
      e.name,
      { access: httpAccess(e.port), path: LOCAL_OBJECT_STORES[e.cloud].readyPath },
    ]),
    ...everyRegion(plan).map((r): [string, ReadinessProbe] => [
      r.nodeExporter.name,
      { access: httpAccess(r.nodeExporter.port), path: "/metrics" },
    ]),
  ]);
}

/** Writes every file of the run (TLS material, credentials, configs, rules) and returns the processes to start. */
export function renderTopology(plan: LocalPlan, binaries: Binaries): RenderedTopology {
  const pki = new Pki(path.join(plan.root, "pki"));
  const global = plan.global;
  const timings: GlobalTimings = { alertResendDelay: LOCAL_TIMING.resendDelay, peerTimeout: plan.peerTimeout };
  const alertingTls = alertingPki(plan, pki);
  const trust: AlertingTrust = { caByRegion: alertingTls.caByRegion, users: new Map() };
  const targetsJson = JSON.stringify(
    alertmanagerTargets(global.alertmanagers.map((am) => address(am.webPort))),
    null,
    2,
  );
  const regions = plan.regions.map((r) => ({ region: r, ...renderRegion(r, plan, pki, trust, targetsJson, binaries) }));
  const writingRegions = plan.writingRegions.map((r) => ({
    region: r,
    ...renderWritingRegion(r, pki, trust, binaries),
  }));
  const ingestion =
    global.ingestion &&
    renderIngestion(plan, global.ingestion, writingRegions, alertingTls.receive, alertingTls.caByRegion, pki, binaries);
  const federationAlerting = credentials(
    FEDERATION_ALERTING_USER,
    path.join(global.dir, "secrets", "alertmanager-password"),
  );
  trust.users.set(federationAlerting.username, federationAlerting);
  const alertmanagers = renderAlertmanagers(plan, alertingTls, trust, federationAlerting, timings, binaries);
  const frontend = frontendAccess(plan, pki);
  const federation = renderFederation(
    plan,
    regions,
    writingRegions,
    { user: federationAlerting, caBundle: alertingTls.caBundle },
    frontend,
    timings,
    binaries,
  );
  const queryPath = renderQueryPath(plan, regions, ingestion, frontend, binaries);
  const thanos = new Map<string, ServerAccess>([
    ...regions.flatMap((r) => [...r.thanos]),
    ...federation.sidecars,
    ...(ingestion?.thanos ?? []),
    [global.query.name, httpAccess(global.query.httpPort)],
    [global.frontend.name, frontend.access],
  ]);
  const prometheus = new Map(regions.flatMap((r) => [...r.access]));
  const agents = new Map(writingRegions.flatMap((r) => [...r.agents]));
  const emulatorSpecs = plan.emulators.map((e) => LOCAL_OBJECT_STORES[e.cloud].emulator(binaries, e.port, e.dir));
  return {
    startOrder: [
      [
        ...emulatorSpecs,
        ...regions.flatMap((r) => r.exporters),
        ...writingRegions.flatMap((r) => r.exporters),
        ...alertmanagers.specs,
      ],
      [...regions.flatMap((r) => r.prometheusSpecs), ...(ingestion?.receiveSpecs ?? [])],
      [
        ...regions.flatMap((r) => [...r.thanosSpecs, ...r.gatewaySpecs]),
        ...federation.prometheusSpecs,
        ...writingRegions.flatMap((r) => r.agentSpecs),
        ...(ingestion?.rulerQuerySpecs ?? []),
      ],
      // The Rulers evaluate over their tenant Query and write to the federation from their first evaluation.
      [...federation.sidecarSpecs, queryPath.querySpec, ...(ingestion?.rulerSpecs ?? [])],
      [queryPath.frontendSpec],
    ],
    prometheus,
    agents,
    federation: federation.access,
    alertmanagers: alertmanagers.access,
    thanos,
    gateways: new Map(regions.flatMap((r) => [...r.gateways])),
    query: httpAccess(global.query.httpPort),
    frontend: frontend.access,
    storeApiTls: new Map(regions.map((r) => [r.region.name, r.storeApiTls])),
    readiness: readinessProbes(plan, [prometheus, agents, federation.access, alertmanagers.access, thanos], regions),
    buckets: new Map(regions.map((r) => [r.region.name, r.bucket])),
    prometheusFiles: new Map(regions.map((r) => [r.region.name, r.prometheusFiles])),
    receiveStoreApis: ingestion?.storeApiEndpoints ?? [],
  };
}
