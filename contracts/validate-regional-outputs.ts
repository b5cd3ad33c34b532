import { CLOUDS } from "../config/clouds";
import { REGIONAL_OUTPUT_NAMES, type RegionalOutputs } from "./regional-outputs";

/**
 * Checks what a StackReference returned for a regional stack before the global tier builds anything from
 * it. A stack that was never deployed, was deployed by an older version, or is not a regional stack at all
 * stops the deployment with a message naming the global stack, the regional stack and the output.
 */
export function validateRegionalOutputs(
  globalStack: string,
  reference: string,
  raw: Record<string, unknown>,
): RegionalOutputs {
  const regionStack = reference.split("/").pop() ?? reference;
  const fail = (output: string, problem: string): never => {
    throw new Error(
      `stack '${globalStack}': regional stack '${reference}' output '${output}' ${problem}; ` +
        `deploy the region first (pulumi up -s ${regionStack}) with this program's regional tier`,
    );
  };
  for (const name of REGIONAL_OUTPUT_NAMES) {
    if (raw[name] === undefined || raw[name] === null) fail(name, "is missing");
  }
  if (raw.tier !== "regional") fail("tier", `is ${JSON.stringify(raw.tier)}, not "regional"`);
  if (raw.region !== regionStack) fail("region", `is ${JSON.stringify(raw.region)}, but the stack is '${regionStack}'`);
  if (!(CLOUDS as readonly unknown[]).includes(raw.cloud))
    fail("cloud", `is ${JSON.stringify(raw.cloud)}, not ${CLOUDS.map((c) => JSON.stringify(c)).join(" or ")}`);
  for (const name of [
    "kubeconfig",
    "tlsServerName",
    "tlsCaCert",
    "storeApiClientCert",
    "storeApiClientKey",
    "federationUsername",
    "federationPassword",
    "alertingCaCert",
    "alertingCaKey",
    "alertingUsername",
    "alertingPassword",
    "alertingPasswordHash",
    "namespace",
    "replicaLabel",
    "alertmanagerTargetsConfigMap",
    "alertmanagerTargetsKey",
  ] as const) {
    if (typeof raw[name] !== "string" || raw[name] === "") fail(name, "is not a non-empty string");
  }
  for (const name of ["tlsCaCert", "storeApiClientCert", "alertingCaCert"] as const) {
    if (!String(raw[name]).includes("-----BEGIN CERTIFICATE-----")) fail(name, "is not a PEM certificate");
  }
  for (const name of ["federationPort", "storeApiPort"] as const) {
    const port = raw[name];
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535)
      fail(name, `is ${JSON.stringify(port)}, not a port number`);
  }
  const egress = raw.egressCidrs;
  if (
    !Array.isArray(egress) ||
    egress.length === 0 ||
    egress.some((c) => typeof c !== "string" || !/^[\d.]+\/\d{1,2}$/.test(c))
  ) {
    fail("egressCidrs", "is not a non-empty list of CIDRs");
  }
  const pods = raw.prometheusPods;
  if (!Array.isArray(pods) || pods.length < 2) fail("prometheusPods", "is not a list of at least two pods");
  const podNames = new Set<string>();
  for (const pod of pods as unknown[]) {
    const p = pod as Record<string, unknown>;
    if (typeof p?.podName !== "string" || !Number.isInteger(p.shard) || !Number.isInteger(p.replica)) {
      fail("prometheusPods", `has an entry ${JSON.stringify(pod)} that is not {podName, shard, replica}`);
    }
    if (podNames.has(p.podName as string)) fail("prometheusPods", `lists pod '${p.podName}' twice`);
    podNames.add(p.podName as string);
  }
  for (const name of ["externalLabels", "gatewaySelector"] as const) {
    const labels = raw[name];
    if (
      typeof labels !== "object" ||
      Array.isArray(labels) ||
      Object.values(labels as object).some((v) => typeof v !== "string")
    ) {
      fail(name, "is not a map of label names to values");
    }
  }
  const expiries = raw.certificateExpiries;
  if (expiries !== undefined && expiries !== null) {
    if (
      typeof expiries !== "object" ||
      Array.isArray(expiries) ||
      Object.values(expiries as object).some((v) => typeof v !== "string" || Number.isNaN(Date.parse(v)))
    ) {
      fail("certificateExpiries", "is not a map of certificate names to RFC 3339 times");
    }
  }
  const annotations = raw.loadBalancerAnnotations;
  if (annotations !== undefined && annotations !== null) {
    if (
      typeof annotations !== "object" ||
      Array.isArray(annotations) ||
      Object.values(annotations as object).some((v) => typeof v !== "string")
    ) {
      fail("loadBalancerAnnotations", "is not a map of annotation names to values");
    }
  }
  const exposure = raw.gatewayExposure as Record<string, unknown> | undefined | null;
  if (exposure !== undefined && exposure !== null && !isGatewayExposure(exposure)) {
    fail(
      "gatewayExposure",
      "is not {type: load-balancer} or {type: node-port or address, host, federationPort, storeApiPort}",
    );
  }
  if (raw.ingestionMode !== undefined && raw.ingestionMode !== null && raw.ingestionMode !== "remote-write")
    fail("ingestionMode", "is not remote-write (a sidecar region exports no ingestionMode)");
  if ((raw.externalLabels as Record<string, string>).region !== regionStack) {
    fail(
      "externalLabels",
      `has region ${JSON.stringify((raw.externalLabels as Record<string, string>).region)}, not '${regionStack}'`,
    );
  }
  return raw as unknown as RegionalOutputs;
}

function isGatewayExposure(e: Record<string, unknown>): boolean {
  if (e.type === "load-balancer") return true;
  const port = (p: unknown) => Number.isInteger(p) && (p as number) > 0 && (p as number) < 65536;
  return (
    (e.type === "node-port" || e.type === "address") &&
    typeof e.host === "string" &&
    e.host !== "" &&
    port(e.federationPort) &&
    port(e.storeApiPort)
  );
}
