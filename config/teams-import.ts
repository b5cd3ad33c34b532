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
import { monitor } from "./teams-schema";

const API_VERSION = "monitoring.coreos.com/v1";
export const IMPORTED_KINDS = ["ServiceMonitor", "PodMonitor", "PrometheusRule"] as const;
type Kind = (typeof IMPORTED_KINDS)[number];

/** What each object's spec may set here, by the CRD's field names. */
const MAPPED = {
  monitorSpec: ["jobLabel", "selector", "namespaceSelector", "sampleLimit", "labelLimit"],
  endpoint: ["port", "targetPort", "path", "scheme", "params", "interval", "scrapeTimeout", "tlsConfig", "honorLabels", "relabelings", "metricRelabelings"],
  podEndpoint: ["port", "portNumber", "targetPort", "path", "scheme", "params", "interval", "scrapeTimeout", "tlsConfig", "honorLabels", "relabelings", "metricRelabelings", "filterRunning"],
  tlsConfig: ["serverName", "insecureSkipVerify"],
  relabeling: ["sourceLabels", "separator", "targetLabel", "regex", "modulus", "replacement", "action"],
  selector: ["matchLabels", "matchExpressions"],
  namespaceSelector: ["any", "matchNames"],
  metadata: ["name", "namespace", "labels", "annotations"],
  ruleSpec: ["groups"],
} as const;

/** One imported object as the team's config entry it stands for. */
export type ImportedObject =
  | { readonly kind: "ServiceMonitor" | "PodMonitor"; readonly name: string; readonly entry: Record<string, unknown> }
  | { readonly kind: "PrometheusRule"; readonly name: string; readonly content: unknown };

/** A field of an imported object the stack cannot map, or a value it refuses; the message names all of it. */
export class ImportProblem extends Error {}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

type Path = readonly (string | number)[];

/** Refuses the first key of `value` outside `mapped`, naming where it is and what is mapped there. */
function onlyMapped(value: unknown, mapped: readonly string[], at: Path, fail: (message: string) => never): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value)) fail(`${keyPath(at)} must be a map`);
  const extra = Object.keys(value).find((k) => !mapped.includes(k));
  if (extra !== undefined) fail(`sets ${keyPath([...at, extra])}, which this stack does not map (mapped there: ${mapped.join(", ")})`);
  return value;
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

function endpointEntry(kind: "ServiceMonitor" | "PodMonitor", value: unknown, at: Path, fail: (message: string) => never): Record<string, unknown> {
  const pod = kind === "PodMonitor";
  const e = onlyMapped(value, pod ? MAPPED.podEndpoint : MAPPED.endpoint, at, fail);
  // Pod targets are always running ones here (pod jobs drop pending and finished pods).
  if (e.filterRunning === false) fail(`sets ${keyPath([...at, "filterRunning"])} to false, which this stack does not map (pod jobs scrape running pods only)`);
  const { portNumber, filterRunning: _running, tlsConfig, relabelings: targets, metricRelabelings: series, ...rest } = e;
  const entry: Record<string, unknown> = { ...rest };
  if (portNumber !== undefined) entry.targetPort = portNumber;
  if (tlsConfig !== undefined) entry.tlsConfig = onlyMapped(tlsConfig, MAPPED.tlsConfig, [...at, "tlsConfig"], fail);
  const relabeled = relabelings(targets, [...at, "relabelings"], fail);
  if (relabeled) entry.relabelings = relabeled;
  const metricRelabeled = relabelings(series, [...at, "metricRelabelings"], fail);
  if (metricRelabeled) entry.metricRelabelings = metricRelabeled;
  return entry;
}

/** A ServiceMonitor or PodMonitor as the `teams[].services` or `teams[].pods` entry that scrapes the same targets. */
function monitorEntry(kind: "ServiceMonitor" | "PodMonitor", name: string, namespace: string | undefined, spec: unknown, fail: (message: string) => never): Record<string, unknown> {
  const endpointsKey = kind === "ServiceMonitor" ? "endpoints" : "podMetricsEndpoints";
  const s = onlyMapped(spec, [...MAPPED.monitorSpec, endpointsKey], ["spec"], fail);
  const endpoints = s[endpointsKey];
  if (!Array.isArray(endpoints) || endpoints.length === 0) fail(`has no spec.${endpointsKey}`);
  const selector = onlyMapped(s.selector, MAPPED.selector, ["spec", "selector"], fail);
  const namespaces = onlyMapped(s.namespaceSelector, MAPPED.namespaceSelector, ["spec", "namespaceSelector"], fail);
  // As the operator does: without a namespace selector a monitor looks in its own namespace.
  const namespaceSelector = namespaces.any === true || Array.isArray(namespaces.matchNames) || namespace === undefined ? namespaces : { matchNames: [namespace] };
  const { endpoints: _e, podMetricsEndpoints: _p, ...rest } = s;
  return {
    ...rest,
    name,
    selector,
    namespaceSelector,
    endpoints: endpoints.map((e, i) => endpointEntry(kind, e, ["spec", endpointsKey, i], fail)),
  };
}

/** The entry through the same schema the stack file's entries take: defaults filled, values checked. */
function checkedEntry(schema: z.ZodType, entry: Record<string, unknown>, specPath: (path: Path) => string, fail: (message: string) => never): Record<string, unknown> {
  const parsed = schema.safeParse(entry);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const issue = parsed.error.issues[0];
  const path = issue.path as (string | number)[];
  const node = nodeAt(schema, path);
  return fail(`has ${specPath(path)} = ${JSON.stringify(valueAt(entry, path))}; allowed there: ${(node && docOf(node)?.allowed) ?? issue.message}`);
}

function valueAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (isObject(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[k] : undefined), value);
}

/** Where a field of the entry sits in the CRD object, for the message (endpoints stay podMetricsEndpoints). */
function crdPath(kind: "ServiceMonitor" | "PodMonitor", path: Path): string {
  const [first, ...rest] = path;
  if (first === "name") return "metadata.name";
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
      throw new ImportProblem(`${where} holds a ${String(object.apiVersion)} ${String(object.kind)}; importable: ${IMPORTED_KINDS.join(", ")} of ${API_VERSION}`);
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
    const schema = monitor(kind === "ServiceMonitor" ? "Services" : "Pods");
    const entry = checkedEntry(schema, monitorEntry(kind, name, namespace, object.spec, fail), (path) => crdPath(kind, path), fail);
    objects.push({ kind, name, entry });
  });
  return objects;
}
