/**
 * The one place where the builders' output is bound to this machine: loopback addresses, paths under the run's
 * directory, local credentials and the short intervals of settings.ts. Every config is the builders' own;
 * what changes here, and why, is listed in LOCAL_ADAPTATIONS.
 */
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { alertmanagerConfig } from "../builders/alertmanager/config";
import { alertmanagerTargets } from "../builders/alertmanager/targets";
import { alertmanagerFeatures } from "../builders/alertmanager/version";
import { webConfig as alertmanagerWebConfig } from "../builders/alertmanager/web-config";
import { federationPrometheusConfig } from "../builders/federation/config";
import { federationRuleFile } from "../builders/federation/rules";
import { meshLabel } from "../builders/global/render";
import { ALERTMANAGER, FEDERATION, FEDERATION_ALERTING_USER } from "../builders/global/layout";
import { prometheusArgs } from "../builders/prometheus/args";
import { prometheusConfig } from "../builders/prometheus/config";
import { webConfig as prometheusWebConfig } from "../builders/prometheus/web";
import { ALERTMANAGER_TLS_SERVER_NAME, FEDERATION_USERNAME, tlsServerName } from "../builders/regional/layout";
import { regionalPrometheusParams } from "../builders/regional/plan";
import { regionalRuleFiles } from "../builders/regional/workload-config";
import { bcryptHash } from "./bcrypt";
import type { Binaries } from "./binaries";
import type { ServerAccess } from "./client";
import { Pki } from "./pki";
import { LocalAlertmanager, LocalPlan, LocalPrometheus, LocalRegion, address } from "./plan";
import { LOOPBACK } from "./ports";
import { LOCAL_RETENTION, LOCAL_TIMING } from "./settings";
import type { ProcessSpec } from "./supervisor";

/** What the local topology changes in the builders' output, each for a reason a reviewer can check. */
export const LOCAL_ADAPTATIONS = [
  "Kubernetes discovery is off (no cluster): the fleet and node-exporter are static jobs of the region's config; no Thanos sidecar runs, so no sidecar job.",
  "Servers listen on 127.0.0.1 only; every file path is under the run's temporary directory.",
  "Intervals are seconds (settings.ts) and alert `for` durations are shortened.",
  "Alertmanager's flags are made here: the args builder names in-cluster paths and peers by DNS; the flags are the same, peers are loopback ports.",
] as const;

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

function withLocalAlertFor<F extends { groups: readonly { rules: readonly object[] }[] }>(file: F): F {
  return {
    ...file,
    groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ("for" in r ? { ...r, for: LOCAL_TIMING.alertFor } : r)) })),
  };
}

/** Prometheus' command line from the builder, listening on loopback, with the short alert resend delay. */
function localPrometheusArgs(configFile: string, webConfigFile: string, dataDir: string, port: number): string[] {
  const args = prometheusArgs({ configFile, webConfigFile, dataDir, retention: LOCAL_RETENTION, port });
  return [
    ...args.map((arg) => (arg.startsWith("--web.listen-address=") ? `--web.listen-address=${address(port)}` : arg)),
    `--rules.alert.resend-delay=${LOCAL_TIMING.resendDelay}`,
  ];
}

export interface RenderedTopology {
  /** Started in this order: everything a later group scrapes or alerts to is up first. */
  readonly startOrder: readonly (readonly ProcessSpec[])[];
  readonly prometheus: ReadonlyMap<string, ServerAccess>;
  readonly federation: ReadonlyMap<string, ServerAccess>;
  readonly alertmanagers: ReadonlyMap<string, ServerAccess>;
}

interface AlertingTrust {
  /** Each region's alerting CA, by region. */
  readonly caByRegion: ReadonlyMap<string, string>;
  readonly users: Map<string, Credentials>;
}

function renderRegion(region: LocalRegion, pki: Pki, trust: AlertingTrust, alertmanagerTargetsJson: string, binaries: Binaries) {
  const dir = region.dir;
  const ca = pki.rootCa(`${region.name}-ca`, `${region.name} monitoring CA`);
  const serverName = tlsServerName(region.name);
  const server = pki.server(`${region.name}-server`, ca, [serverName, "localhost"], [LOOPBACK]);
  const federation = credentials(FEDERATION_USERNAME, path.join(dir, "secrets", "federation-password"));
  const alerting = credentials(region.plan.alertingUsername, path.join(dir, "secrets", "alerting-password"));
  trust.users.set(alerting.username, alerting);
  const files = {
    rulesGlob: path.join(dir, "rules", "*.yaml"),
    federationPasswordFile: federation.passwordFile,
    tlsCaFile: ca.cert,
    alertingPasswordFile: alerting.passwordFile,
    alertingCaFile: trust.caByRegion.get(region.name) as string,
    alertmanagerTargetsFile: write(path.join(dir, "alertmanagers.json"), alertmanagerTargetsJson),
    // Unused without Kubernetes discovery; the config type still names them.
    serviceAccountTokenFile: path.join(dir, "secrets", "no-service-account-token"),
    serviceAccountCaFile: path.join(dir, "secrets", "no-service-account-ca.crt"),
  };
  for (const [name, rules] of Object.entries(regionalRuleFiles())) write(path.join(dir, "rules", name), yaml(withLocalAlertFor(rules)));
  const webConfigFile = write(
    path.join(dir, "web-config.yaml"),
    yaml(prometheusWebConfig({ certFile: server.cert, keyFile: server.key, username: federation.username, passwordBcryptHash: federation.bcryptHash })),
  );
  const access = new Map<string, ServerAccess>();
  const specs = region.prometheus.map((p: LocalPrometheus): ProcessSpec => {
    const params = regionalPrometheusParams(region.config, region.plan, region.config.cluster.name, p.shard, p.podName);
    // No sidecar port: no Thanos sidecar runs here, so the config has no sidecar job.
    const config = prometheusConfig({ ...params, kubernetesDiscovery: false, localPorts: { web: p.port }, files });
    const configFile = write(path.join(p.dir, "prometheus.yaml"), yaml(config));
    access.set(p.name, { url: `https://${address(p.port)}`, caFile: ca.cert, username: federation.username, passwordFile: federation.passwordFile });
    return { name: p.name, command: binaries.prometheus, args: localPrometheusArgs(configFile, webConfigFile, path.join(p.dir, "data"), p.port) };
  });
  const exporters: ProcessSpec[] = [
    { name: region.nodeExporter.name, command: binaries.nodeExporter, args: [`--web.listen-address=${address(region.nodeExporter.port)}`] },
    {
      name: region.fleet.name,
      command: process.execPath,
      args: [path.join(__dirname, "fleet", "main.js"), String(region.fleet.controlPort), ...region.fleet.targetPorts.map(String)],
    },
  ];
  return { specs, exporters, access, ca: ca.cert, federation, serverName };
}

function alertmanagerArgs(am: LocalAlertmanager, peers: readonly LocalAlertmanager[], configFile: string, webFile: string, version: string, label: string) {
  return [
    `--config.file=${configFile}`,
    `--web.config.file=${webFile}`,
    `--storage.path=${path.join(am.dir, "data")}`,
    `--web.listen-address=${address(am.webPort)}`,
    `--cluster.listen-address=${address(am.clusterPort)}`,
    `--cluster.advertise-address=${address(am.clusterPort)}`,
    ...peers.map((peer) => `--cluster.peer=${address(peer.clusterPort)}`),
    `--cluster.peer-timeout=${LOCAL_TIMING.peerTimeout}`,
    ...(alertmanagerFeatures(version).clusterLabel ? [`--cluster.label=${label}`] : []),
  ];
}

/** Writes every file of the run (TLS material, credentials, configs, rules) and returns the processes to start. */
export function renderTopology(plan: LocalPlan, binaries: Binaries, alertmanagerVersion: string): RenderedTopology {
  const pki = new Pki(path.join(plan.root, "pki"));
  const global = plan.global;
  const alertingCas = plan.regions.map((r) => ({ region: r.name, ca: pki.rootCa(`${r.name}-alerting-ca`, `${r.name} alerting CA`) }));
  const trust: AlertingTrust = { caByRegion: new Map(alertingCas.map((a) => [a.region, a.ca.cert])), users: new Map() };

  // One Alertmanager chain every region trusts: the leaf, then the intermediate as each region's CA signed it.
  const intermediate = pki.crossSignedIntermediate("alertmanager-intermediate", "Alertmanager intermediate CA", alertingCas.map((a) => a.ca));
  const amLeaf = pki.server("alertmanager", { cert: intermediate.certs[0], key: intermediate.key }, [ALERTMANAGER_TLS_SERVER_NAME, ALERTMANAGER.tlsServerName], [LOOPBACK]);
  const amChain = pki.bundle("alertmanager-chain.crt", [amLeaf.cert, ...intermediate.certs]);
  const amCaBundle = pki.bundle("alerting-cas.crt", alertingCas.map((a) => a.ca.cert));

  const targetsJson = JSON.stringify(alertmanagerTargets(global.alertmanagers.map((am) => address(am.webPort))), null, 2);
  const regions = plan.regions.map((r) => ({ region: r, ...renderRegion(r, pki, trust, targetsJson, binaries) }));

  const secretsDir = path.join(global.dir, "secrets");
  const federationAlerting = credentials(FEDERATION_ALERTING_USER, path.join(secretsDir, "alertmanager-password"));
  trust.users.set(federationAlerting.username, federationAlerting);

  const amConfigFile = write(
    path.join(global.dir, "alertmanager", "alertmanager.yml"),
    yaml(
      alertmanagerConfig({
        alerting: global.config.alerting,
        version: alertmanagerVersion,
        secretsDir,
        inlineWebhookUrls: { [global.config.alerting.defaultReceiver]: `http://${address(global.webhookPort)}/` },
      }),
    ),
  );
  const amWebFile = write(
    path.join(global.dir, "alertmanager", "web.yml"),
    yaml(alertmanagerWebConfig({ certFile: amChain, keyFile: amLeaf.key, users: Object.fromEntries([...trust.users.values()].map((u) => [u.username, u.bcryptHash])) })),
  );
  const amAccess: ServerAccess = { caFile: amCaBundle, username: federationAlerting.username, passwordFile: federationAlerting.passwordFile, url: "" };
  const alertmanagers = new Map<string, ServerAccess>();
  const amSpecs = global.alertmanagers.map((am): ProcessSpec => {
    alertmanagers.set(am.name, { ...amAccess, url: `https://${address(am.webPort)}` });
    return {
      name: am.name,
      command: binaries.alertmanager,
      args: alertmanagerArgs(am, global.alertmanagers, amConfigFile, amWebFile, alertmanagerVersion, meshLabel(global.config)),
    };
  });

  const rulesDir = path.join(global.dir, "rules");
  const alertedRegions = plan.regions.map((r) => ({ name: r.name, clusterName: r.config.cluster.name }));
  write(path.join(rulesDir, "global.yml"), yaml(withLocalAlertFor(federationRuleFile(alertedRegions))));
  const federationWeb = write(path.join(global.dir, "federation-web.yml"), yaml({}));
  const federation = new Map<string, ServerAccess>();
  const federationSpecs = global.federation.map((f): ProcessSpec => {
    const config = federationPrometheusConfig({
      clusterName: global.config.cluster.name,
      replicaLabel: FEDERATION.replicaLabel,
      replica: f.replica,
      scrapeInterval: LOCAL_TIMING.federationInterval,
      evaluationInterval: LOCAL_TIMING.evaluationInterval,
      rulesGlob: path.join(rulesDir, "*.yml"),
      regions: regions.map((r) => ({
        name: r.region.name,
        prometheusTargets: r.region.prometheus.map((p) => address(p.port)),
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
    });
    const configFile = write(path.join(f.dir, "prometheus.yml"), yaml(config));
    federation.set(f.name, { url: `http://${address(f.port)}` });
    return { name: f.name, command: binaries.prometheus, args: localPrometheusArgs(configFile, federationWeb, path.join(f.dir, "data"), f.port) };
  });

  return {
    startOrder: [[...regions.flatMap((r) => r.exporters), ...amSpecs], regions.flatMap((r) => r.specs), federationSpecs],
    prometheus: new Map(regions.flatMap((r) => [...r.access])),
    federation,
    alertmanagers,
  };
}
