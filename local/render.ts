/**
 * The one place where the builders are bound to this machine: loopback addresses, paths under the run's
 * directory, local credentials, emulator endpoints and the short intervals of settings.ts, all passed to
 * the builders as parameters (the clusters' binding is builders/regional and builders/global). What differs
 * from the clusters, and why, is listed in LOCAL_ADAPTATIONS.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { alertmanagerConfig, receiverSecretFiles } from "../builders/alertmanager/config";
import { alertmanagerTargets } from "../builders/alertmanager/targets";
import { webConfig as toolkitWebConfig } from "../builders/alertmanager/web-config";
import { type FederationTarget, federationPrometheusConfig } from "../builders/federation/config";
import { GATEWAY_READY_PATH, haproxyGatewayConfig } from "../builders/gateway/haproxy";
import { STORE_GATEWAY_ROUTE, gatewayRoutes, storeApiServerNameWildcard } from "../builders/gateway/routes";
import { federationRuleFile } from "../builders/federation/rules";
import {
  ALERTMANAGER,
  FEDERATION,
  FEDERATION_ALERTING_USER,
  QUERY_FRONTEND_SCRAPE_USER,
} from "../builders/global/layout";
import type { PrometheusFiles } from "../builders/prometheus/config";
import {
  ALERTMANAGER_TLS_SERVER_NAME,
  FEDERATION_USERNAME,
  REPLICA_LABEL,
  tlsServerName,
} from "../builders/regional/layout";
import {
  CERTIFICATE_RULES_FILE,
  type PrometheusPodLayout,
  type RegionalLayout,
  type RegionalTimings,
  regionalCompactArgs,
  regionalLocalClientConfig,
  regionalPrometheusArgs,
  regionalRuleFiles,
  regionalSidecarArgs,
  regionalStoreArgs,
  regionalWebConfig,
} from "../builders/regional/workload-config";
import { certificateRules } from "../builders/rules/certificates";
import { objstoreConfig } from "../builders/thanos/objstore";
import { type StoreApiEndpoint, endpointSdConfig } from "../builders/thanos/query";
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
import { inMemoryResponseCacheConfig } from "../builders/thanos/response-cache";
import { DEFAULTS } from "../config/defaults";
import { bcryptHash } from "./bcrypt";
import type { Binaries } from "./binaries";
import type { ServerAccess } from "./client";
import { LOCAL_OBJECT_STORES, NO_METADATA_ENV } from "./object-stores";
import { Pki } from "./pki";
import type { LocalAlertmanager, LocalPlan, LocalRegion, LocalThanos } from "./plan";
import { LOOPBACK, address } from "./ports";
import { LOCAL_RETENTION, LOCAL_TIMING } from "./settings";
import { localAlertingSecrets } from "./stacks";
import type { ProcessSpec } from "./supervisor";
import { writePrometheusConfig } from "./shard-configs";
import { tokenUrl } from "./token-server";

/** What the local topology changes against the clusters, each for a reason a reviewer can check. */
export const LOCAL_ADAPTATIONS = [
  "Kubernetes discovery is off (no cluster): node-exporter, the store gateways and the compactor are static jobs under the job names discovery gives them; the fleet is a static job of the region's config.",
  "Servers listen on 127.0.0.1 only; every file path is under the run's temporary directory.",
  "Intervals are seconds (settings.ts), alert `for` durations are shortened (3s, the global alerts' 8s), and Prometheus' block duration is 20s (both equal, as the sidecar requires), so blocks reach the buckets within a minute.",
  "Regional Prometheus keeps 2m of data (the store gateways answer for anything older); the store gateways sync every 5s and the compactor runs every 10s with a 5s consistency delay.",
  "Buckets are emulators: us-east's S3 bucket on moto, eu-west's GCS bucket on fake-gcs-server. The objstore config is the clusters' with only the endpoint and test credentials changed (static S3 keys, a GCS service-account key whose token URI is the runner's), and every Thanos process has the metadata address disabled.",
  "The init container's substitution of the pod name runs here as a command before Prometheus starts; the sidecar's reloader then keeps the file, as in a pod.",
  "The Query Frontend keeps its results in memory: locally there is one frontend replica, so a shared memcached has nothing to share (the clusters' memcached config is started by the pinned Thanos in test/binaries/thanos-response-cache.test.ts, and the benchmark measures both caches side by side).",
  "The region gateway's two replicas share their federation and StoreAPI ports (SO_REUSEPORT) in place of the load balancer, and its StoreAPI listens on one port per route in place of the global cluster's per-StoreAPI names (Thanos Query needs an address per endpoint); each replica has its own metrics port.",
] as const;

/** Warnings Thanos logs because of LOCAL_ADAPTATIONS, and only those: the checks fail on any other. */
export const EXPECTED_LOCAL_WARNINGS: readonly RegExp[] = [
  // The 20s block duration (the clusters' is 2h).
  /found that TSDB block time is not 2h/,
];

const yaml = (value: unknown) => YAML.stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });

function write(file: string, content: string, mode = 0o644): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode });
  return file;
}

function secret(file: string, value: string): string {
  return write(file, `${value}\n`, 0o600);
}

const randomPassword = () => randomBytes(18).toString("base64url");

/** Credentials that one user presents: its name, the file holding its password, and the hash servers check. */
interface Credentials {
  readonly username: string;
  readonly passwordFile: string;
  readonly bcryptHash: string;
}

function credentials(username: string, passwordFile: string): Credentials {
  const password = randomPassword();
  secret(passwordFile, password);
  return { username, passwordFile, bcryptHash: bcryptHash(password) };
}

function withLocalAlertFor<F extends { groups: readonly { rules: readonly object[] }[] }>(
  file: F,
  alertFor: string = LOCAL_TIMING.alertFor,
): F {
  return {
    ...file,
    groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ("for" in r ? { ...r, for: alertFor } : r)) })),
  };
}

/** The directory every Prometheus of a region loads its rule files from (and its sidecar's reloader watches). */
export const regionRulesDir = (region: LocalRegion) => path.join(region.dir, "rules");

const listen = (t: LocalThanos) => ({ host: LOOPBACK, grpcPort: t.grpcPort, httpPort: t.httpPort });
const httpAccess = (port: number): ServerAccess => ({ url: `http://${address(port)}` });

/** A process and how to tell it is ready (an HTTP path that answers 2xx once it serves). */
export interface ReadinessProbe {
  readonly access: ServerAccess;
  readonly path: string;
}

export interface RenderedTopology {
  /** Started in this order: everything a later group scrapes, reads or alerts to is up first. */
  readonly startOrder: readonly (readonly ProcessSpec[])[];
  readonly prometheus: ReadonlyMap<string, ServerAccess>;
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
}

interface AlertingTrust {
  /** Each region's alerting CA, by region. */
  readonly caByRegion: ReadonlyMap<string, string>;
  readonly users: Map<string, Credentials>;
}

function renderRegion(
  region: LocalRegion,
  plan: LocalPlan,
  pki: Pki,
  trust: AlertingTrust,
  alertmanagerTargetsJson: string,
  binaries: Binaries,
) {
  const dir = region.dir;
  const ca = pki.rootCa(`${region.name}-ca`, `${region.name} monitoring CA`);
  const serverName = tlsServerName(region.name);
  const server = pki.server(
    `${region.name}-server`,
    ca,
    [serverName, storeApiServerNameWildcard(serverName), "localhost"],
    [LOOPBACK],
  );
  const queryClient = pki.client(`${region.name}-query-client`, ca, "thanos-query");
  const federation = credentials(FEDERATION_USERNAME, path.join(dir, "secrets", "federation-password"));
  const alerting = credentials(region.plan.alertingUsername, path.join(dir, "secrets", "alerting-password"));
  trust.users.set(alerting.username, alerting);
  const files = {
    rulesGlob: path.join(regionRulesDir(region), "*.yaml"),
    federationPasswordFile: federation.passwordFile,
    tlsCaFile: ca.cert,
    alertingPasswordFile: alerting.passwordFile,
    alertingCaFile: trust.caByRegion.get(region.name) as string,
    alertmanagerTargetsFile: write(path.join(dir, "alertmanagers.json"), alertmanagerTargetsJson),
    // Unused without Kubernetes discovery; the config type still names them.
    serviceAccountTokenFile: path.join(dir, "secrets", "no-service-account-token"),
    serviceAccountCaFile: path.join(dir, "secrets", "no-service-account-ca.crt"),
    teamCredentialsDir: path.join(dir, "secrets", "no-team-credentials"),
  };
  const rulesDir = regionRulesDir(region);
  for (const [name, rules] of Object.entries(regionalRuleFiles(region.config, plan.blockDuration)))
    write(path.join(rulesDir, name), yaml(withLocalAlertFor(rules)));
  const issued = [
    { name: "ca", validityEndTime: Pki.validityEnd(ca.cert) },
    { name: "server", validityEndTime: Pki.validityEnd(server.cert) },
  ];
  write(
    path.join(rulesDir, CERTIFICATE_RULES_FILE),
    yaml(certificateRules(issued, region.config.certificateWarningDays, region.config.alerts)),
  );
  const layout: RegionalLayout = {
    tls: { certFile: server.cert, keyFile: server.key, clientCaFile: ca.cert },
    webConfigFile: path.join(dir, "web-config.yaml"),
    localClientConfigFile: path.join(dir, "local-client.yaml"),
    federationPasswordFile: federation.passwordFile,
    rulesDir,
    objstoreFile: path.join(dir, "objstore.yaml"),
  };
  write(layout.webConfigFile, yaml(regionalWebConfig(layout, federation.bcryptHash)));
  write(layout.localClientConfigFile, yaml(regionalLocalClientConfig(layout, serverName)));
  const store = LOCAL_OBJECT_STORES[region.config.cloud];
  const emulator = region.bucket.emulator;
  write(
    layout.objstoreFile,
    yaml(
      objstoreConfig(store.location(region.bucket.name, region.config.region, emulator.port, tokenUrl(plan.tokenPort))),
    ),
    0o600,
  );
  const thanosEnv = { ...process.env, ...NO_METADATA_ENV, ...store.env(emulator.port) };
  const timings: RegionalTimings = {
    retention: LOCAL_RETENTION,
    blockDuration: plan.blockDuration,
    alertResendDelay: LOCAL_TIMING.resendDelay,
    storeSyncInterval: LOCAL_TIMING.storeSyncInterval,
    compactWaitInterval: LOCAL_TIMING.compactWaitInterval,
    compactConsistencyDelay: LOCAL_TIMING.compactConsistencyDelay,
  };

  const access = new Map<string, ServerAccess>();
  const thanos = new Map<string, ServerAccess>();
  const prometheusSpecs: ProcessSpec[] = [];
  const thanosSpecs: ProcessSpec[] = [];
  for (const p of region.prometheus) {
    const { templateFile, configFile } = writePrometheusConfig(region, region, p, files, true);
    const pod: PrometheusPodLayout = {
      listenAddress: address(p.port),
      prometheusUrl: `https://${address(p.port)}`,
      dataDir: path.join(p.dir, "data"),
      configTemplateFile: templateFile,
      configOutFile: configFile,
      sidecarListen: listen(p.sidecar),
    };
    access.set(p.name, {
      url: `https://${address(p.port)}`,
      caFile: ca.cert,
      username: federation.username,
      passwordFile: federation.passwordFile,
    });
    prometheusSpecs.push({
      name: p.name,
      command: binaries.prometheus,
      args: regionalPrometheusArgs(layout, pod, timings),
    });
    thanos.set(p.sidecar.name, httpAccess(p.sidecar.httpPort));
    thanosSpecs.push({
      name: p.sidecar.name,
      command: binaries.thanos,
      env: { ...thanosEnv, POD_NAME: p.podName },
      args: regionalSidecarArgs(layout, pod),
    });
  }
  for (const s of region.stores) {
    thanos.set(s.name, httpAccess(s.httpPort));
    thanosSpecs.push({
      name: s.name,
      command: binaries.thanos,
      env: thanosEnv,
      args: regionalStoreArgs(
        layout,
        { listen: listen(s), dataDir: path.join(s.dir, "data") },
        region.plan.sizing,
        timings,
      ),
    });
  }
  thanos.set(region.compactor.name, httpAccess(region.compactor.httpPort));
  thanosSpecs.push({
    name: region.compactor.name,
    command: binaries.thanos,
    env: thanosEnv,
    args: regionalCompactArgs(
      layout,
      { httpAddress: address(region.compactor.httpPort), dataDir: path.join(region.compactor.dir, "data") },
      region.config,
      timings,
    ),
  });
  const exporters: ProcessSpec[] = [
    {
      name: region.nodeExporter.name,
      command: binaries.nodeExporter,
      args: [`--web.listen-address=${address(region.nodeExporter.port)}`],
    },
    {
      name: region.fleet.name,
      command: process.execPath,
      args: [
        path.join(__dirname, "fleet", "main.js"),
        String(region.fleet.controlPort),
        ...region.fleet.targetPorts.map(String),
      ],
    },
  ];
  const gateway = renderGateway(region, binaries, { server, caFile: ca.cert, serverName, pki });
  return {
    prometheusSpecs,
    thanosSpecs,
    gatewaySpecs: gateway.specs,
    gateways: gateway.metrics,
    exporters,
    access,
    thanos,
    ca: ca.cert,
    federation,
    serverName,
    federationTargets: gateway.federationTargets,
    storeApiEndpoints: gateway.storeApiEndpoints,
    storeApiTls: { caFile: ca.cert, certFile: queryClient.cert, keyFile: queryClient.key, serverName },
    bucket: { objstoreFile: layout.objstoreFile, env: thanosEnv },
    prometheusFiles: files,
  };
}

/**
 * The region gateway's replicas, the same builder the clusters bind: every route to its loopback process,
 * and what the global tier dials to reach each Prometheus pod and each StoreAPI through it.
 */
function renderGateway(
  region: LocalRegion,
  binaries: Binaries,
  tls: { server: { cert: string; key: string }; caFile: string; serverName: string; pki: Pki },
) {
  const routes = gatewayRoutes(region.plan.pods, region.plan.tlsServerName);
  const podOf = (name: string) => {
    const p = region.prometheus.find((x) => x.podName === name);
    if (!p) throw new Error(`region ${region.name} runs no Prometheus pod ${name}`);
    return p;
  };
  const gw = region.gateway;
  const certFile = tls.pki.bundle(`${region.name}-gateway.pem`, [tls.server.cert, tls.server.key]);
  const metrics = new Map<string, ServerAccess>();
  const specs = gw.replicas.map((replica): ProcessSpec => {
    const configFile = write(
      path.join(replica.dir, "haproxy.cfg"),
      haproxyGatewayConfig({
        federation: {
          binds: [address(gw.federationPort)],
          certFile,
          backendCaFile: tls.caFile,
          backendServerName: tls.serverName,
          routes: routes.federation.map((r) => ({
            ...r,
            servers: [{ name: r.name, address: address(podOf(r.name).port) }],
          })),
        },
        storeApi: {
          binds: routes.storeApi.map((r) => address(gw.storeApiPorts[r.name])),
          routes: routes.storeApi.map((r) => ({
            ...r,
            servers:
              r.name === STORE_GATEWAY_ROUTE
                ? region.stores.map((st) => ({ name: st.name, address: address(st.grpcPort) }))
                : [{ name: r.name, address: address(podOf(r.name).sidecar.grpcPort) }],
          })),
        },
        metricsBind: address(replica.metricsPort),
        runtimeDns: false,
      }),
    );
    metrics.set(replica.name, httpAccess(replica.metricsPort));
    return { name: replica.name, command: binaries.haproxy, args: ["-db", "-f", configFile] };
  });
  return {
    specs,
    metrics,
    federationTargets: routes.federation.map(
      (r): FederationTarget => ({ address: address(gw.federationPort), metricsPath: r.path, name: r.name }),
    ),
    storeApiEndpoints: routes.storeApi.map(
      (r): StoreApiEndpoint => ({ address: address(gw.storeApiPorts[r.name]), serverName: r.serverName }),
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

/** Writes every file of the run (TLS material, credentials, configs, rules) and returns the processes to start. */
export function renderTopology(plan: LocalPlan, binaries: Binaries): RenderedTopology {
  const pki = new Pki(path.join(plan.root, "pki"));
  const global = plan.global;
  const alertingCas = plan.regions.map((r) => ({
    region: r.name,
    ca: pki.rootCa(`${r.name}-alerting-ca`, `${r.name} alerting CA`),
  }));
  const trust: AlertingTrust = { caByRegion: new Map(alertingCas.map((a) => [a.region, a.ca.cert])), users: new Map() };

  // One Alertmanager chain every region trusts: the leaf, then the intermediate as each region's CA signed it.
  const intermediate = pki.crossSignedIntermediate(
    "alertmanager-intermediate",
    "Alertmanager intermediate CA",
    alertingCas.map((a) => a.ca),
  );
  const amLeaf = pki.server(
    "alertmanager",
    { cert: intermediate.certs[0], key: intermediate.key },
    [ALERTMANAGER_TLS_SERVER_NAME, ALERTMANAGER.tlsServerName],
    [LOOPBACK],
  );
  const amChain = pki.bundle("alertmanager-chain.crt", [amLeaf.cert, ...intermediate.certs]);
  const amCaBundle = pki.bundle(
    "alerting-cas.crt",
    alertingCas.map((a) => a.ca.cert),
  );

  const targetsJson = JSON.stringify(
    alertmanagerTargets(global.alertmanagers.map((am) => address(am.webPort))),
    null,
    2,
  );
  const regions = plan.regions.map((r) => ({ region: r, ...renderRegion(r, plan, pki, trust, targetsJson, binaries) }));

  const secretsDir = path.join(global.dir, "secrets");
  const federationAlerting = credentials(FEDERATION_ALERTING_USER, path.join(secretsDir, "alertmanager-password"));
  trust.users.set(federationAlerting.username, federationAlerting);

  // The receivers' and the heartbeat's URL files, as the Secret of receiver URLs holds them in the cluster.
  const secretValues = localAlertingSecrets(global.webhookPort);
  for (const key of receiverSecretFiles(global.config.alerting, global.config.teams))
    secret(path.join(secretsDir, key), secretValues[key]);
  const amConfigFile = write(
    path.join(global.dir, "alertmanager", "alertmanager.yml"),
    yaml(alertmanagerConfig({ alerting: global.config.alerting, teams: global.config.teams, secretsDir })),
  );
  const amWebFile = write(
    path.join(global.dir, "alertmanager", "web.yml"),
    yaml(
      toolkitWebConfig({
        certFile: amChain,
        keyFile: amLeaf.key,
        users: Object.fromEntries([...trust.users.values()].map((u) => [u.username, u.bcryptHash])),
      }),
    ),
  );
  const amAccess: ServerAccess = {
    caFile: amCaBundle,
    username: federationAlerting.username,
    passwordFile: federationAlerting.passwordFile,
    url: "",
  };
  const alertmanagers = new Map<string, ServerAccess>();
  const timings: GlobalTimings = { alertResendDelay: LOCAL_TIMING.resendDelay, peerTimeout: plan.peerTimeout };
  const amSpecs = global.alertmanagers.map((am): ProcessSpec => {
    alertmanagers.set(am.name, { ...amAccess, url: `https://${address(am.webPort)}` });
    return {
      name: am.name,
      command: binaries.alertmanager,
      args: alertmanagerWorkloadArgs(
        global.config,
        alertmanagerLayout(am, global.alertmanagers, amConfigFile, amWebFile),
        timings,
      ),
    };
  });

  const ingressCa = pki.rootCa("ingress-ca", "local ingress CA");
  const frontendServerName = "localhost";
  const frontendCert = pki.server("query-frontend", ingressCa, [frontendServerName], [LOOPBACK]);
  const frontendDir = global.frontend.dir;
  // As in the clusters, every client of the frontend logs in: the federation as the user it scrapes with there,
  // and the check and the e2e tests as that same `query` user.
  const frontendUser = credentials(QUERY_FRONTEND_SCRAPE_USER, path.join(frontendDir, "secrets", "query-password"));

  const rulesDir = path.join(global.dir, "rules");
  const alertedRegions = plan.regions.map((r) => ({ name: r.name, clusterName: r.config.cluster.name }));
  write(
    path.join(rulesDir, "global.yml"),
    yaml(
      withLocalAlertFor(
        federationRuleFile(alertedRegions, { peers: global.alertmanagers.length }, global.config.alerts),
        LOCAL_TIMING.globalAlertFor,
      ),
    ),
  );
  const federationConfigFile = write(
    path.join(global.dir, "federation", "prometheus.yml"),
    yaml(
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
        alertmanager: {
          targets: global.alertmanagers.map((am) => address(am.webPort)),
          username: federationAlerting.username,
          passwordFile: federationAlerting.passwordFile,
          caFile: amCaBundle,
          tlsServerName: ALERTMANAGER.tlsServerName,
        },
        thanosQuery: { addresses: [address(global.query.httpPort)] },
        queryFrontend: {
          replicas: { addresses: [address(global.frontend.httpPort)] },
          username: frontendUser.username,
          passwordFile: frontendUser.passwordFile,
          caFile: ingressCa.cert,
          tlsServerName: frontendServerName,
        },
      }),
    ),
  );
  const federation = new Map<string, ServerAccess>();
  const thanos = new Map<string, ServerAccess>(regions.flatMap((r) => [...r.thanos]));
  // The global tier's Thanos processes reach no bucket, and no metadata address either.
  const globalThanosEnv = { ...process.env, ...NO_METADATA_ENV };
  const federationSpecs: ProcessSpec[] = [];
  const federationSidecars: ProcessSpec[] = [];
  for (const f of global.federation) {
    const layout: FederationLayout = {
      configFile: federationConfigFile,
      dataDir: path.join(f.dir, "data"),
      listenAddress: address(f.port),
      prometheusUrl: `http://${address(f.port)}`,
      sidecarListen: listen(f.sidecar),
    };
    federation.set(f.name, httpAccess(f.port));
    federationSpecs.push({
      name: f.name,
      command: binaries.prometheus,
      env: { ...process.env, POD_NAME: f.replica },
      args: federationArgs(layout, timings),
    });
    thanos.set(f.sidecar.name, httpAccess(f.sidecar.httpPort));
    federationSidecars.push({
      name: f.sidecar.name,
      command: binaries.thanos,
      env: globalThanosEnv,
      args: federationSidecarWorkloadArgs(layout),
    });
  }

  const queryDir = global.query.dir;
  const endpointsFile = write(
    path.join(queryDir, "endpoints.yml"),
    yaml(
      endpointSdConfig(
        regions.map((r) => ({
          region: r.region.name,
          endpoints: r.storeApiEndpoints,
          caFile: r.storeApiTls.caFile,
          certFile: r.storeApiTls.certFile,
          keyFile: r.storeApiTls.keyFile,
        })),
        global.federation.map((f) => address(f.sidecar.grpcPort)),
      ),
    ),
  );
  thanos.set(global.query.name, httpAccess(global.query.httpPort));
  const querySpec: ProcessSpec = {
    name: global.query.name,
    command: binaries.thanos,
    env: globalThanosEnv,
    args: queryWorkloadArgs(
      plan.regions.map(() => REPLICA_LABEL),
      { endpointConfigFile: endpointsFile, listen: listen(global.query) },
    ),
  };
  const frontendAccess: ServerAccess = {
    url: `https://${address(global.frontend.httpPort)}`,
    caFile: ingressCa.cert,
    username: frontendUser.username,
    passwordFile: frontendUser.passwordFile,
  };
  const frontendSpec: ProcessSpec = {
    name: global.frontend.name,
    command: binaries.thanos,
    env: globalThanosEnv,
    args: frontendWorkloadArgs({
      downstreamUrl: `http://${address(global.query.httpPort)}`,
      httpAddress: address(global.frontend.httpPort),
      httpConfigFile: write(
        path.join(frontendDir, "http.yml"),
        yaml(
          toolkitWebConfig({
            certFile: frontendCert.cert,
            keyFile: frontendCert.key,
            users: { [frontendUser.username]: frontendUser.bcryptHash },
          }),
        ),
      ),
      responseCacheConfigFile: write(
        path.join(frontendDir, "response-cache.yml"),
        yaml(inMemoryResponseCacheConfig(DEFAULTS.queryFrontend.responseCacheSize)),
      ),
    }),
  };
  thanos.set(global.frontend.name, frontendAccess);

  const emulatorSpecs = plan.emulators.map((e) => LOCAL_OBJECT_STORES[e.cloud].emulator(binaries, e.port, e.dir));
  const prometheus = new Map(regions.flatMap((r) => [...r.access]));
  const readiness = new Map<string, ReadinessProbe>([
    ...[...prometheus, ...federation, ...alertmanagers, ...thanos].map(([name, access]): [string, ReadinessProbe] => [
      name,
      { access, path: "/-/ready" },
    ]),
    ...regions.flatMap((r) =>
      [...r.gateways].map(([name, access]): [string, ReadinessProbe] => [name, { access, path: GATEWAY_READY_PATH }]),
    ),
    ...plan.emulators.map((e): [string, ReadinessProbe] => [
      e.name,
      { access: httpAccess(e.port), path: LOCAL_OBJECT_STORES[e.cloud].readyPath },
    ]),
    ...plan.regions.map((r): [string, ReadinessProbe] => [
      r.nodeExporter.name,
      { access: httpAccess(r.nodeExporter.port), path: "/metrics" },
    ]),
  ]);

  return {
    startOrder: [
      [...emulatorSpecs, ...regions.flatMap((r) => r.exporters), ...amSpecs],
      regions.flatMap((r) => r.prometheusSpecs),
      [...regions.flatMap((r) => [...r.thanosSpecs, ...r.gatewaySpecs]), ...federationSpecs],
      [...federationSidecars, querySpec],
      [frontendSpec],
    ],
    prometheus,
    federation,
    alertmanagers,
    thanos,
    gateways: new Map(regions.flatMap((r) => [...r.gateways])),
    query: httpAccess(global.query.httpPort),
    frontend: frontendAccess,
    storeApiTls: new Map(regions.map((r) => [r.region.name, r.storeApiTls])),
    readiness,
    buckets: new Map(regions.map((r) => [r.region.name, r.bucket])),
    prometheusFiles: new Map(regions.map((r) => [r.region.name, r.prometheusFiles])),
  };
}
