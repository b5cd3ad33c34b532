/**
 * Writes every rendered config of a stack to a directory, for review and for promtool/amtool:
 *
 *   npm run render -- <stack> <dir> [--outputs <region>=<file.json> ...] [--check]
 *
 * --check runs the pinned promtool (`npm run setup`) over the rule files written, the teams' included: the
 * structure of a team's rule file is checked when the config loads, its PromQL only by promtool.
 *
 * A regional stack renders from its stack file alone. The global stack needs what its regions exported:
 * pass `pulumi stack output --json -s <region> > <file.json>` for each deployed region with --outputs;
 * a region without one is rendered from its own stack file, with documentation-range addresses
 * (192.0.2.0/24, RFC 5737) where its gateway's load balancer would be.
 */
import { loadProgramConfig } from "../tiers/load-config";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { findBinary } from "../local/binaries";
import { ALERTMANAGER_GLOBAL_USERS, FEDERATION_ALERTING_USER, QUERY_FRONTEND_USERS } from "../builders/global/layout";
import {
  type ExposedRegion,
  GLOBAL_FILES,
  type GlobalRegionView,
  regionsByIngestion,
  renderGlobalFiles,
} from "../builders/global/render";
import { RECEIVE_BUCKET } from "../builders/global/layout";
import { isRemoteWrite } from "../builders/regional/agent";
import { globalCertificates } from "../builders/global/certificates";
import { certificateRules } from "../builders/rules/certificates";
import { storeApiAliasAddresses, storeApiAliases } from "../builders/global/store-api-aliases";
import { dialledGatewayPorts } from "../builders/global/region-gateway-service";
import { gatewayExposure } from "../builders/regional/exposure";
import { GATEWAY_PORTS } from "../builders/gateway/routes";
import { gatewaySelector } from "../builders/regional/gateway";
import { FEDERATION_USERNAME, MONITORING_NAMESPACE, NAMES, REPLICA_LABEL } from "../builders/regional/layout";
import { regionalPlan } from "../builders/regional/plan";
import { renderRegionalFiles } from "../builders/regional/render";
import { toYaml } from "../builders/yaml";
import { type GlobalStackConfig, KUBERNETES_SECRET_KEYS, type RegionalStackConfig, type StackConfig } from "../config";
import { type ObjectStoreLocation, existingBucketLocation } from "../builders/cloud/object-store";
import { kubernetesSecretKeys } from "../config/cloud/kubernetes/rules";
import { PLATFORM_TRAITS } from "../builders/cloud/platforms";
import { rawConfigOf, readStackFile, receiverSecretKeys } from "../config/stack-file";

/** Stands where a deployed stack has a value it generates (a bcrypt hash, a bucket's random suffix). */
const GENERATED = "generated-at-deploy";
/** The certificates are issued at deploy: one time stands in for each expiry, the rules' shape is the same. */
const CERTIFICATES_EXPIRE = "2030-01-01T00:00:00Z";

function readStackConfig(stack: string): StackConfig {
  const values = readStackFile(stack);
  // Receivers' secrets are referenced by file in the rendered configs, never written: stand in for them.
  const secretKeys = [...receiverSecretKeys(values), ...kubernetesSecretKeys(values)];
  const standIns = Object.fromEntries(secretKeys.map((key) => [key, `<secret ${key}>`]));
  return loadProgramConfig(stack, rawConfigOf({ ...standIns, ...values }, secretKeys), process.cwd());
}

/**
 * The bucket the stack's Thanos (a region's, or the global stack's Receive) writes to: the one its cloud
 * creates, or the one it names, with its secrets stood in for.
 */
function renderedObjectStore(config: StackConfig, generatedName: string): ObjectStoreLocation {
  const provisioned = PLATFORM_TRAITS[config.cloud].provisioned;
  if (provisioned) return provisioned.objectStore(generatedName, config.region);
  const bucket = config.kubernetes?.bucket;
  if (!bucket) throw new Error(`stack '${config.stack}': config key 'monitoring:kubernetes.bucket' is not set`);
  const standIn = (key: keyof typeof KUBERNETES_SECRET_KEYS) => `<secret ${KUBERNETES_SECRET_KEYS[key]}>`;
  return existingBucketLocation(
    bucket,
    bucket.type === "s3"
      ? { accessKey: standIn("bucketAccessKey"), secretKey: standIn("bucketSecretKey") }
      : { serviceAccountJson: standIn("bucketServiceAccount") },
  );
}

function renderRegional(config: RegionalStackConfig): Record<string, string> {
  const bucket = `${config.namePrefix}-thanos-${GENERATED}`;
  const objectStore = renderedObjectStore(config, bucket);
  return renderRegionalFiles({ config, objectStore, certificatesExpire: CERTIFICATES_EXPIRE });
}

/** A region as the global tier sees it, from the region's exported outputs or, before it is deployed, its stack file. */
function regionView(name: string, index: number, outputsFile: string | undefined): GlobalRegionView {
  const outputs = outputsFile
    ? (JSON.parse(fs.readFileSync(outputsFile, "utf8")) as ExposedRegion["outputs"])
    : plannedOutputs(name, index);
  // A remote-write region's agents dial the tier: it has no gateway address.
  if (outputs.ingestionMode === "remote-write") return { outputs };
  // A load balancer's address is the cloud's to give: a documentation address stands in for it.
  const e = outputs.gatewayExposure;
  const host = e === undefined || e.type === "load-balancer" ? `192.0.2.${index + 1}` : e.host;
  const ports = dialledGatewayPorts(outputs);
  return {
    outputs,
    federationAddress: `${host}:${ports.federation}`,
    storeApiAddresses: storeApiAliasAddresses(storeApiAliases(outputs, host, ports.storeApi)),
  };
}

/** A region's outputs before it is deployed, from its stack file. */
function plannedOutputs(name: string, index: number): ExposedRegion["outputs"] {
  const config = readStackConfig(name);
  if (config.tier !== "regional")
    throw new Error(`stack '${name}' is listed as a region but its tier is '${config.tier}'`);
  const plan = regionalPlan(config);
  const placeholderCert = `-----BEGIN CERTIFICATE-----\n${GENERATED}\n-----END CERTIFICATE-----\n`;
  return {
    tier: "regional",
    region: name,
    cloud: config.cloud,
    cloudRegion: config.region,
    clusterName: config.cluster.name,
    egressCidrs: [`198.51.100.${index + 1}/32`],
    namespace: MONITORING_NAMESPACE,
    bucketName: `${config.namePrefix}-thanos-${GENERATED}`,
    externalLabels: { region: name, cloud: config.cloud, cluster: config.cluster.name },
    replicaLabel: REPLICA_LABEL,
    prometheusPods: plan.pods,
    gatewaySelector: gatewaySelector(config.namePrefix),
    federationPort: GATEWAY_PORTS.federation,
    storeApiPort: GATEWAY_PORTS.storeApi,
    tlsServerName: plan.tlsServerName,
    tlsCaCert: placeholderCert,
    federationUsername: FEDERATION_USERNAME,
    alertingCaCert: placeholderCert,
    alertingUsername: plan.alertingUsername,
    alertmanagerTargetsConfigMap: NAMES.alertmanagerTargetsConfigMap,
    alertmanagerTargetsKey: NAMES.alertmanagerTargetsKey,
    gatewayExposure: gatewayExposure(config.kubernetes?.exposure, GATEWAY_PORTS),
    ...(isRemoteWrite(config) ? { ingestionMode: "remote-write" as const } : {}),
  };
}

/** Receive's bucket as the global stack's cloud creates it, when a region writes to Receive. */
function receiveObjectStore(config: GlobalStackConfig, regions: readonly GlobalRegionView[]) {
  if (regionsByIngestion(regions).writing.length === 0) return {};
  return {
    receiveObjectStore: renderedObjectStore(config, `${config.namePrefix}-${RECEIVE_BUCKET.purpose}-${GENERATED}`),
  };
}

function renderGlobal(config: GlobalStackConfig, outputFiles: Record<string, string>): Record<string, string> {
  const regions = config.regions.map((r, i) => regionView(r.name, i, outputFiles[r.name]));
  const receives = regionsByIngestion(regions).writing.length > 0;
  const hash = `$2y$10$${"0".repeat(53)}`;
  const end = CERTIFICATES_EXPIRE;
  const ends = {
    ingressCa: end,
    queryFrontend: end,
    grafana: end,
    alertmanagerIntermediate: end,
    alertmanagerServer: end,
    alertmanagerCrossSigned: Object.fromEntries(regions.map((r) => [r.outputs.region, end])),
    ...(receives ? { receiveServer: end } : {}),
  };
  const certificates = certificateRules(
    globalCertificates(
      ends,
      regions.map((r) => r.outputs),
    ),
    config.certificateWarningDays,
    config.alerts,
  );
  const files = renderGlobalFiles(config, regions, {
    alertmanagerHosts: Array.from({ length: config.alerting.replicas }, (_, i) => `192.0.2.${200 + i}`),
    alertmanagerUsers: Object.fromEntries(
      [...regions.map((r) => r.outputs.alertingUsername), ...ALERTMANAGER_GLOBAL_USERS].map((user) => [user, hash]),
    ),
    queryFrontendUsers: Object.fromEntries(QUERY_FRONTEND_USERS.map((user) => [user, hash])),
    federationAlertingUser: FEDERATION_ALERTING_USER,
    ...receiveObjectStore(config, regions),
  });
  return { ...files, [GLOBAL_FILES.federationCertificateRules]: toYaml(certificates) };
}

function parseArgs(argv: string[]): { stack: string; dir: string; outputs: Record<string, string>; check: boolean } {
  const positional: string[] = [];
  const outputs: Record<string, string> = {};
  let check = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--check") check = true;
    else if (argv[i] === "--outputs") {
      const [region, file] = (argv[++i] ?? "").split("=");
      if (!region || !file)
        throw new Error("--outputs takes <region>=<file.json> (from pulumi stack output --json -s <region>)");
      outputs[region] = file;
    } else positional.push(argv[i]);
  }
  if (positional.length !== 2)
    throw new Error("usage: npm run render -- <stack> <dir> [--outputs <region>=<file.json> ...] [--check]");
  return { stack: positional[0], dir: positional[1], outputs, check };
}

function main(): void {
  const { stack, dir, outputs, check } = parseArgs(process.argv.slice(2));
  const config = readStackConfig(stack);
  const files = config.tier === "regional" ? renderRegional(config) : renderGlobal(config, outputs);
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(dir, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
  }
  process.stdout.write(`${Object.keys(files).length} files of stack '${stack}' written to ${dir}\n`);
  if (check)
    checkRules(
      Object.keys(files)
        .filter((f) => /(^|\/)rules\//.test(f))
        .map((f) => path.join(dir, f)),
    );
}

/** promtool check rules over the written rule files; its report is printed, and a failure fails the command. */
function checkRules(ruleFiles: readonly string[]): void {
  if (ruleFiles.length === 0) return;
  const result = spawnSync(findBinary("promtool"), ["check", "rules", ...ruleFiles], { encoding: "utf8" });
  process.stdout.write(`${result.stdout}${result.stderr}`);
  if (result.status !== 0)
    throw new Error(`promtool check rules failed on the rendered rule files (exit ${result.status})`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`render: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
