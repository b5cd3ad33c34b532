/**
 * One local region: its TLS material and credentials, the files its workloads read, and its processes (every
 * Prometheus pod with its sidecar, the store gateways, the compactor, the exporters and the region gateway),
 * started through the regional wiring the clusters bind (builders/regional/workload-config.ts).
 */
import * as path from "node:path";
import type { FederationTarget } from "../builders/federation/config";
import { haproxyGatewayConfig } from "../builders/gateway/haproxy";
import { STORE_GATEWAY_ROUTE, gatewayRoutes, storeApiServerNameWildcard } from "../builders/gateway/routes";
import type { PrometheusFiles } from "../builders/prometheus/config";
import { FEDERATION_USERNAME, tlsServerName } from "../builders/regional/layout";
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
import type { StoreApiEndpoint } from "../builders/thanos/query";
import { toYaml } from "../builders/yaml";
import type { Binaries } from "./binaries";
import type { ServerAccess } from "./client";
import { LOCAL_OBJECT_STORES, NO_METADATA_ENV } from "./object-stores";
import { type CertificateFiles, Pki } from "./pki";
import type { LocalPlan, LocalRegion, LocalRegionBase } from "./plan";
import { LOOPBACK, address } from "./ports";
import { type Credentials, credentials, httpAccess, listen, withLocalAlertFor, write } from "./render-support";
import { LOCAL_RETENTION, LOCAL_TIMING } from "./settings";
import { writePrometheusConfig } from "./shard-configs";
import type { ProcessSpec } from "./supervisor";
import { tokenUrl } from "./token-server";

/** The directory every Prometheus of a region loads its rule files from (and its sidecar's reloader watches). */
export const regionRulesDir = (region: LocalRegion) => path.join(region.dir, "rules");

/** Who the global Alertmanagers trust: each region's alerting CA, and every user that sends them alerts. */
export interface AlertingTrust {
  readonly caByRegion: ReadonlyMap<string, string>;
  readonly users: Map<string, Credentials>;
}

/** The region's CA, the server certificate its Prometheus (or agents), sidecars, store gateways and gateway present. */
export interface RegionTls {
  readonly ca: CertificateFiles;
  readonly server: { readonly cert: string; readonly key: string };
  readonly serverName: string;
}

export function regionTls(region: LocalRegionBase, pki: Pki): RegionTls {
  const ca = pki.rootCa(`${region.name}-ca`, `${region.name} monitoring CA`);
  const serverName = tlsServerName(region.name);
  const server = pki.server(
    `${region.name}-server`,
    ca,
    [serverName, storeApiServerNameWildcard(serverName), "localhost"],
    [LOOPBACK],
  );
  return { ca, server, serverName };
}

/** The rule files, the certificates' included, each alert's `for` shortened. */
function writeRules(region: LocalRegion, plan: LocalPlan, tls: RegionTls): void {
  const rulesDir = regionRulesDir(region);
  for (const [name, rules] of Object.entries(regionalRuleFiles(region.config, plan.blockDuration)))
    write(path.join(rulesDir, name), toYaml(withLocalAlertFor(rules)));
  const issued = [
    { name: "ca", validityEndTime: Pki.validityEnd(tls.ca.cert) },
    { name: "server", validityEndTime: Pki.validityEnd(tls.server.cert) },
  ];
  write(
    path.join(rulesDir, CERTIFICATE_RULES_FILE),
    toYaml(certificateRules(issued, region.config.certificateWarningDays, region.config.alerts)),
  );
}

/** The files the region's workloads share, written where the layout says. */
function writeSharedFiles(region: LocalRegion, plan: LocalPlan, tls: RegionTls, federation: Credentials) {
  const layout: RegionalLayout = {
    tls: { certFile: tls.server.cert, keyFile: tls.server.key, clientCaFile: tls.ca.cert },
    webConfigFile: path.join(region.dir, "web-config.yaml"),
    localClientConfigFile: path.join(region.dir, "local-client.yaml"),
    federationPasswordFile: federation.passwordFile,
    rulesDir: regionRulesDir(region),
    objstoreFile: path.join(region.dir, "objstore.yaml"),
  };
  write(layout.webConfigFile, toYaml(regionalWebConfig(layout, federation.bcryptHash)));
  write(layout.localClientConfigFile, toYaml(regionalLocalClientConfig(layout, tls.serverName)));
  const store = LOCAL_OBJECT_STORES[region.config.cloud];
  const emulator = region.bucket.emulator;
  const location = store.location(region.bucket.name, region.config.region, emulator.port, tokenUrl(plan.tokenPort));
  write(layout.objstoreFile, toYaml(objstoreConfig(location)), 0o600);
  const thanosEnv = { ...process.env, ...NO_METADATA_ENV, ...store.env(emulator.port) };
  return { layout, thanosEnv };
}

/** The local topology's short retention, blocks and intervals (LOCAL_ADAPTATIONS says why). */
function localTimings(plan: LocalPlan): RegionalTimings {
  return {
    retention: LOCAL_RETENTION,
    blockDuration: plan.blockDuration,
    alertResendDelay: LOCAL_TIMING.resendDelay,
    storeSyncInterval: LOCAL_TIMING.storeSyncInterval,
    compactWaitInterval: LOCAL_TIMING.compactWaitInterval,
    compactConsistencyDelay: LOCAL_TIMING.compactConsistencyDelay,
  };
}

interface RegionProcessInputs {
  readonly region: LocalRegion;
  readonly layout: RegionalLayout;
  readonly timings: RegionalTimings;
  readonly thanosEnv: NodeJS.ProcessEnv;
  readonly binaries: Binaries;
}

/** Every Prometheus pod and its sidecar, each with its own config, data directory and ports. */
function prometheusPods(
  { region, layout, timings, thanosEnv, binaries }: RegionProcessInputs,
  files: PrometheusFiles,
  federation: Credentials,
  caFile: string,
) {
  const access = new Map<string, ServerAccess>();
  const thanos = new Map<string, ServerAccess>();
  const prometheusSpecs: ProcessSpec[] = [];
  const sidecarSpecs: ProcessSpec[] = [];
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
      caFile,
      username: federation.username,
      passwordFile: federation.passwordFile,
    });
    prometheusSpecs.push({
      name: p.name,
      command: binaries.prometheus,
      args: regionalPrometheusArgs(layout, pod, timings),
    });
    thanos.set(p.sidecar.name, httpAccess(p.sidecar.httpPort));
    sidecarSpecs.push({
      name: p.sidecar.name,
      command: binaries.thanos,
      env: { ...thanosEnv, POD_NAME: p.podName },
      args: regionalSidecarArgs(layout, pod),
    });
  }
  return { access, thanos, prometheusSpecs, sidecarSpecs };
}

/** The store gateway pair and the compactor on the region's bucket. */
function bucketWorkloads({ region, layout, timings, thanosEnv, binaries }: RegionProcessInputs) {
  const thanos = new Map<string, ServerAccess>();
  const specs: ProcessSpec[] = region.stores.map((s) => {
    thanos.set(s.name, httpAccess(s.httpPort));
    const store = { listen: listen(s), dataDir: path.join(s.dir, "data") };
    return {
      name: s.name,
      command: binaries.thanos,
      env: thanosEnv,
      args: regionalStoreArgs(layout, store, region.plan.sizing, timings),
    };
  });
  const compactor = {
    httpAddress: address(region.compactor.httpPort),
    dataDir: path.join(region.compactor.dir, "data"),
  };
  thanos.set(region.compactor.name, httpAccess(region.compactor.httpPort));
  specs.push({
    name: region.compactor.name,
    command: binaries.thanos,
    env: thanosEnv,
    args: regionalCompactArgs(layout, compactor, region.config, timings),
  });
  return { thanos, specs };
}

/** node_exporter and the synthetic fleet the region's Prometheus scrapes. */
export function exporters(region: LocalRegionBase, binaries: Binaries): ProcessSpec[] {
  return [
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
}

/**
 * The region gateway's replicas, the same builder the clusters bind: every route to its loopback process,
 * and what the global tier dials to reach each Prometheus pod and each StoreAPI through it.
 */
function renderGateway(region: LocalRegion, binaries: Binaries, tls: RegionTls, pki: Pki) {
  const routes = gatewayRoutes(region.plan.pods, region.plan.tlsServerName);
  const podOf = (name: string) => {
    const p = region.prometheus.find((x) => x.podName === name);
    if (!p) throw new Error(`region ${region.name} runs no Prometheus pod ${name}`);
    return p;
  };
  const gw = region.gateway;
  const certFile = pki.bundle(`${region.name}-gateway.pem`, [tls.server.cert, tls.server.key]);
  const metrics = new Map<string, ServerAccess>();
  const specs = gw.replicas.map((replica): ProcessSpec => {
    const configFile = write(
      path.join(replica.dir, "haproxy.cfg"),
      haproxyGatewayConfig({
        federation: {
          binds: [address(gw.federationPort)],
          certFile,
          backendCaFile: tls.ca.cert,
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

export type RenderedRegion = ReturnType<typeof renderRegion>;

/** Writes one region's files and returns its processes and how the global tier and the tests reach them. */
export function renderRegion(
  region: LocalRegion,
  plan: LocalPlan,
  pki: Pki,
  trust: AlertingTrust,
  alertmanagerTargetsJson: string,
  binaries: Binaries,
) {
  const dir = region.dir;
  const tls = regionTls(region, pki);
  const queryClient = pki.client(`${region.name}-query-client`, tls.ca, "thanos-query");
  const federation = credentials(FEDERATION_USERNAME, path.join(dir, "secrets", "federation-password"));
  const alerting = credentials(region.plan.alertingUsername, path.join(dir, "secrets", "alerting-password"));
  trust.users.set(alerting.username, alerting);
  const files: PrometheusFiles = {
    rulesGlob: path.join(regionRulesDir(region), "*.yaml"),
    federationPasswordFile: federation.passwordFile,
    tlsCaFile: tls.ca.cert,
    alertingPasswordFile: alerting.passwordFile,
    alertingCaFile: trust.caByRegion.get(region.name) as string,
    alertmanagerTargetsFile: write(path.join(dir, "alertmanagers.json"), alertmanagerTargetsJson),
    // Unused without Kubernetes discovery; the config type still names them.
    serviceAccountTokenFile: path.join(dir, "secrets", "no-service-account-token"),
    serviceAccountCaFile: path.join(dir, "secrets", "no-service-account-ca.crt"),
    teamCredentialsDir: path.join(dir, "secrets", "no-team-credentials"),
  };
  writeRules(region, plan, tls);
  const { layout, thanosEnv } = writeSharedFiles(region, plan, tls, federation);
  const inputs: RegionProcessInputs = { region, layout, timings: localTimings(plan), thanosEnv, binaries };
  const pods = prometheusPods(inputs, files, federation, tls.ca.cert);
  const bucket = bucketWorkloads(inputs);
  const gateway = renderGateway(region, binaries, tls, pki);
  return {
    prometheusSpecs: pods.prometheusSpecs,
    thanosSpecs: [...pods.sidecarSpecs, ...bucket.specs],
    gatewaySpecs: gateway.specs,
    gateways: gateway.metrics,
    exporters: exporters(region, binaries),
    access: pods.access,
    thanos: new Map([...pods.thanos, ...bucket.thanos]),
    ca: tls.ca.cert,
    federation,
    serverName: tls.serverName,
    federationTargets: gateway.federationTargets,
    storeApiEndpoints: gateway.storeApiEndpoints,
    storeApiTls: {
      caFile: tls.ca.cert,
      certFile: queryClient.cert,
      keyFile: queryClient.key,
      serverName: tls.serverName,
    },
    bucket: { objstoreFile: layout.objstoreFile, env: thanosEnv },
    prometheusFiles: files,
  };
}
