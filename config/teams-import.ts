/**
 * The migration path for teams that already have prometheus-operator objects: ServiceMonitor, PodMonitor
 * and PrometheusRule (monitoring.coreos.com/v1, the Go types of pkg/apis/monitoring/v1 at v0.89) read from
 * YAML files, multi-document ones too, and turned into the very entries a team would write under
 * `teams[].services`, `teams[].pods` and `teams[].rules`. A field the stack does not map is an error that
 * names the file, the object, the field and what is mapped: silently dropping a relabeling or credentials
 * would scrape something else than the team expects.
 */
import * as YAML from "yaml";
import type { z } from "zod";
import { keyPath } from "./issues";
import { docOf, nodeAt } from "./schema-walk";
import { podMonitor, serviceMonitor } from "./teams-schema";

const API_VERSION = "monitoring.coreos.com/v1";
export const IMPORTED_KINDS = ["ServiceMonitor", "PodMonitor", "PrometheusRule"] as const;
type Kind = (typeof IMPORTED_KINDS)[number];

/** What each object's spec may set here, by the CRD's field names. */
const MAPPED = {
  serviceMonitorSpec: [
    "jobLabel",
    "targetLabels",
    "podTargetLabels",
    "selector",
    "namespaceSelector",
    "sampleLimit",
    "labelLimit",
  ],
  podMonitorSpec: ["jobLabel", "podTargetLabels", "selector", "namespaceSelector", "sampleLimit", "labelLimit"],
  endpoint: [
    "port",
    "targetPort",
    "path",
    "scheme",
    "params",
    "interval",
    "scrapeTimeout",
    "tlsConfig",
    "basicAuth",
    "authorization",
    "bearerTokenSecret",
    "honorLabels",
    "relabelings",
    "metricRelabelings",
  ],
  podEndpoint: [
    "port",
    "portNumber",
    "targetPort",
    "path",
    "scheme",
    "params",
    "interval",
    "scrapeTimeout",
    "tlsConfig",
    "basicAuth",
    "authorization",
    "bearerTokenSecret",
    "honorLabels",
    "relabelings",
    "metricRelabelings",
    "filterRunning",
  ],
  tlsConfig: ["ca", "cert", "keySecret", "serverName", "insecureSkipVerify"],
  secretOrConfigMap: ["secret", "configMap"],
  keySelector: ["name", "key"],
  basicAuth: ["username", "password"],
  authorization: ["type", "credentials"],
  relabeling: ["sourceLabels", "separator", "targetLabel", "regex", "modulus", "replacement", "action"],
  selector: ["matchLabels", "matchExpressions"],
  namespaceSelector: ["any", "matchNames"],
  metadata: ["name", "namespace", "labels", "annotations"],
  ruleSpec: ["groups"],
} as const;

/** Why fields a team may well have are not mapped, for the message that refuses them. */
const NOT_MAPPED_BECAUSE: Readonly<Record<string, string>> = {
  oauth2:
    "Prometheus 3.13 takes an OAuth2 client_id only written into its config (it has no client_id_file), so the client ID would leave its Secret or ConfigMap for this stack's Prometheus ConfigMap",
  caFile:
    "a path in the operator's Prometheus pod, which this stack's Prometheus does not have; name a Secret or ConfigMap with tlsConfig.ca",
  certFile:
    "a path in the operator's Prometheus pod, which this stack's Prometheus does not have; name a Secret or ConfigMap with tlsConfig.cert",
  keyFile:
    "a path in the operator's Prometheus pod, which this stack's Prometheus does not have; name a Secret with tlsConfig.keySecret",
  bearerTokenFile:
    "a path in the operator's Prometheus pod, which this stack's Prometheus does not have; name a Secret with authorization.credentials",
};

/** One imported object as the team's config entry it stands for. */
export type ImportedObject =
  | { readonly kind: "ServiceMonitor" | "PodMonitor"; readonly name: string; readonly entry: Record<string, unknown> }
  | { readonly kind: "PrometheusRule"; readonly name: string; readonly content: unknown };

/** A field of an imported object the stack cannot map, or a value it refuses; the message names all of it. */
export class ImportProblem extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

type Path = readonly (string | number)[];

/** Refuses the first key of `value` outside `mapped`, naming where it is and what is mapped there. */
function onlyMapped(
  value: unknown,
  mapped: readonly string[],
  at: Path,
  fail: (message: string) => never,
): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value)) fail(`${keyPath(at)} must be a map`);
  const extra = Object.keys(value).find((k) => !mapped.includes(k));
  if (extra !== undefined) {
    const why = NOT_MAPPED_BECAUSE[extra];
    fail(
      `sets ${keyPath([...at, extra])}, which this stack does not map (${why ? `${why}; ` : ""}mapped there: ${mapped.join(", ")})`,
    );
  }
  return value;
}

/** A Secret's or ConfigMap's key selector, checked for fields this stack does not map (`optional`). */
function keySelector(value: unknown, at: Path, fail: (message: string) => never): Record<string, unknown> | undefined {
  return value === undefined ? undefined : onlyMapped(value, MAPPED.keySelector, at, fail);
}

/** tlsConfig with its Secret and ConfigMap references, as the schema takes them. */
function tlsEntry(value: unknown, at: Path, fail: (message: string) => never): Record<string, unknown> {
  const { ca, cert, keySecret, ...rest } = onlyMapped(value, MAPPED.tlsConfig, at, fail);
  const source = (v: unknown, field: string) => {
    if (v === undefined) return undefined;
    const { secret, configMap } = onlyMapped(v, MAPPED.secretOrConfigMap, [...at, field], fail);
    return defined({
      secret: keySelector(secret, [...at, field, "secret"], fail),
      configMap: keySelector(configMap, [...at, field, "configMap"], fail),
    });
  };
  return defined({
    ...rest,
    ca: source(ca, "ca"),
    cert: source(cert, "cert"),
    keySecret: keySelector(keySecret, [...at, "keySecret"], fail),
  });
}

/**
 * basicAuth and authorization as the schema takes them; bearerTokenSecret, which the CRD deprecates for
 * authorization, becomes the authorization it stands for (a Bearer token from a Secret).
 */
function authenticationEntry(
  e: Record<string, unknown>,
  at: Path,
  fail: (message: string) => never,
): Record<string, unknown> {
  const { basicAuth, authorization, bearerTokenSecret } = e;
  if (authorization !== undefined && bearerTokenSecret !== undefined) {
    fail(
      `sets both ${keyPath([...at, "authorization"])} and ${keyPath([...at, "bearerTokenSecret"])}, which the operator refuses too (bearerTokenSecret is the deprecated form of authorization)`,
    );
  }
  const auth = (v: unknown, field: string, keys: readonly string[]) => {
    if (v === undefined) return undefined;
    const fields = onlyMapped(v, keys, [...at, field], fail);
    return Object.fromEntries(
      Object.entries(fields).map(([k, sel]) => [k, k === "type" ? sel : keySelector(sel, [...at, field, k], fail)]),
    );
  };
  const bearer = keySelector(bearerTokenSecret, [...at, "bearerTokenSecret"], fail);
  return defined({
    basicAuth: auth(basicAuth, "basicAuth", MAPPED.basicAuth),
    authorization: bearer
      ? { type: "Bearer", credentials: bearer }
      : auth(authorization, "authorization", MAPPED.authorization),
  });
}

/** The object without its undefined fields. */
function defined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

function relabelings(list: unknown, at: Path, fail: (message: string) => never): unknown[] | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) fail(`${keyPath(at)} must be a list`);
  return list.map((r, i) => {
    const step = onlyMapped(r, MAPPED.relabeling, [...at, i], fail);
    // The CRD accepts `Replace` as well as `replace`; Prometheus' names are lower-case.
    return typeof step.action === "string" ? { ...step, action: step.action.toLowerCase() } : step;
  });
}

function endpointEntry(
  kind: "ServiceMonitor" | "PodMonitor",
  value: unknown,
  at: Path,
  fail: (message: string) => never,
): Record<string, unknown> {
  const pod = kind === "PodMonitor";
  const e = onlyMapped(value, pod ? MAPPED.podEndpoint : MAPPED.endpoint, at, fail);
  // Pod targets are always running ones here (pod jobs drop pending and finished pods).
  if (e.filterRunning === false)
    fail(
      `sets ${keyPath([...at, "filterRunning"])} to false, which this stack does not map (pod jobs scrape running pods only)`,
    );
  const {
    portNumber,
    filterRunning: _running,
    tlsConfig,
    basicAuth: _basic,
    authorization: _authorization,
    bearerTokenSecret: _bearer,
    relabelings: targets,
    metricRelabelings: series,
    ...rest
  } = e;
  const entry: Record<string, unknown> = { ...rest, ...authenticationEntry(e, at, fail) };
  if (portNumber !== undefined) entry.targetPort = portNumber;
  if (tlsConfig !== undefined) entry.tlsConfig = tlsEntry(tlsConfig, [...at, "tlsConfig"], fail);
  const relabeled = relabelings(targets, [...at, "relabelings"], fail);
  if (relabeled) entry.relabelings = relabeled;
  const metricRelabeled = relabelings(series, [...at, "metricRelabelings"], fail);
  if (metricRelabeled) entry.metricRelabelings = metricRelabeled;
  return entry;
}

/** A ServiceMonitor or PodMonitor as the `teams[].services` or `teams[].pods` entry that scrapes the same targets. */
function monitorEntry(
  kind: "ServiceMonitor" | "PodMonitor",
  name: string,
  namespace: string | undefined,
  spec: unknown,
  fail: (message: string) => never,
): Record<string, unknown> {
  const endpointsKey = kind === "ServiceMonitor" ? "endpoints" : "podMetricsEndpoints";
  const s = onlyMapped(
    spec,
    [...(kind === "ServiceMonitor" ? MAPPED.serviceMonitorSpec : MAPPED.podMonitorSpec), endpointsKey],
    ["spec"],
    fail,
  );
  const endpoints = s[endpointsKey];
  if (!Array.isArray(endpoints) || endpoints.length === 0) fail(`has no spec.${endpointsKey}`);
  const selector = onlyMapped(s.selector, MAPPED.selector, ["spec", "selector"], fail);
  const namespaces = onlyMapped(s.namespaceSelector, MAPPED.namespaceSelector, ["spec", "namespaceSelector"], fail);
  // As the operator does: without a namespace selector a monitor looks in its own namespace.
  const namespaceSelector =
    namespaces.any === true || Array.isArray(namespaces.matchNames) || namespace === undefined
      ? namespaces
      : { matchNames: [namespace] };
  const { endpoints: _e, podMetricsEndpoints: _p, ...rest } = s;
  return {
    ...rest,
    name,
    // The monitor's Secrets and ConfigMaps are in its own namespace, as the operator reads them.
    ...(namespace !== undefined ? { namespace } : {}),
    selector,
    namespaceSelector,
    endpoints: endpoints.map((e, i) => endpointEntry(kind, e, ["spec", endpointsKey, i], fail)),
  };
}

/** The entry through the same schema the stack file's entries take: defaults filled, values checked. */
function checkedEntry(
  schema: z.ZodType,
  entry: Record<string, unknown>,
  specPath: (path: Path) => string,
  fail: (message: string) => never,
): Record<string, unknown> {
  const parsed = schema.safeParse(entry);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0];
  const path = issue.path as (string | number)[];
  const node = nodeAt(schema, path);
  return fail(
    `has ${specPath(path)} = ${JSON.stringify(valueAt(entry, path))}; allowed there: ${(node && docOf(node)?.allowed) ?? issue.message}`,
  );
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, k) => (isObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[k] : undefined),
    value,
  );
}

/** Where a field of the entry sits in the CRD object, for the message (endpoints stay podMetricsEndpoints). */
function crdPath(kind: "ServiceMonitor" | "PodMonitor", path: Path): string {
  const [first, ...rest] = path;
  if (first === "name" || first === "namespace") return `metadata.${first}`;
  const renamed = first === "endpoints" && kind === "PodMonitor" ? "podMetricsEndpoints" : first;
  return keyPath(["spec", renamed, ...rest]);
}

/** Every object of one YAML text; `file` is the path the messages name. */
export function importObjects(file: string, text: string): ImportedObject[] {
  const docs = YAML.parseAllDocuments(text);
  const objects: ImportedObject[] = [];
  docs.forEach((doc, index) => {
    const where = docs.length > 1 ? `${file} (document ${index + 1})` : file;
    if (doc.errors.length > 0) throw new ImportProblem(`${where} is not YAML: ${doc.errors[0].message.split("\n")[0]}`);
    const object = doc.toJS() as unknown;
    if (object === null || object === undefined) return;
    if (!isObject(object)) throw new ImportProblem(`${where} holds no Kubernetes object`);
    const kind = object.kind as Kind;
    if (!IMPORTED_KINDS.includes(kind) || object.apiVersion !== API_VERSION) {
      throw new ImportProblem(
        `${where} holds a ${String(object.apiVersion)} ${String(object.kind)}; importable: ${IMPORTED_KINDS.join(", ")} of ${API_VERSION}`,
      );
    }
    const metadata = isObject(object.metadata) ? object.metadata : {};
    const name = typeof metadata.name === "string" ? metadata.name : "";
    const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
    const fail = (message: string): never => {
      throw new ImportProblem(`${where}: ${kind} '${namespace ? `${namespace}/` : ""}${name}' ${message}`);
    };
    if (name === "") fail("has no metadata.name");
    onlyMapped(object.metadata, MAPPED.metadata, ["metadata"], fail);
    onlyMapped(object, ["apiVersion", "kind", "metadata", "spec"], [], fail);
    if (kind === "PrometheusRule") {
      const spec = onlyMapped(object.spec, MAPPED.ruleSpec, ["spec"], fail);
      objects.push({ kind, name, content: { groups: spec.groups ?? [] } });
      return;
    }
    const schema = kind === "ServiceMonitor" ? serviceMonitor() : podMonitor();
    const entry = checkedEntry(
      schema,
      monitorEntry(kind, name, namespace, object.spec, fail),
      (path) => crdPath(kind, path),
      fail,
    );
    objects.push({ kind, name, entry });
  });
  return objects;
}
