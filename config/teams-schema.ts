/**
 * The `teams` key of the stack config (part of ./schema.ts): what a team brings to the stack. One entry shape
 * on every stack; each tier reads its own part, and ./teams-rules.ts refuses the other tier's:
 *
 * - regional stacks: the Services (`services`, ServiceMonitor-shaped) and Pods (`pods`, PodMonitor-shaped)
 *   to scrape, rule files (`rules`), and a directory of ServiceMonitor/PodMonitor/PrometheusRule YAML to
 *   import (`importDir`);
 * - the global stack: dashboards (`dashboards`), receivers and routes (`receivers`, `receiver`, `routes`).
 *
 * A team onboarded in every region has the same entry in each regional stack file; the files it names are
 * shared, since every path is inside the project directory.
 */
import { z } from "zod";
import { DEFAULTS } from "./defaults";
import { MAX_INTERVAL, documented, duration, flag, int, list, oneOf, section, text } from "./fields";

/** The label the stack puts on every series of a team's jobs and on every one of its rules. */
export const TEAM_LABEL = "team";

const TEAM_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
/** Kubernetes object and namespace names (DNS-1123 labels and subdomains). */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** Kubernetes label keys (an optional DNS prefix, a name) and values. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/;
const PROMETHEUS_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** The keys of a Secret's or ConfigMap's data. */
const DATA_KEY = /^[-._a-zA-Z0-9]{1,253}$/;
/** An HTTP authentication scheme (RFC 9110 token). */
const AUTH_SCHEME = /^[A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*$/;
/** A relative path inside the project directory: no leading slash, no `..` segment. */
const PROJECT_PATH = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9_./-]+$/;

export const RELABEL_ACTIONS = [
  "replace",
  "keep",
  "drop",
  "hashmod",
  "labelmap",
  "labeldrop",
  "labelkeep",
  "lowercase",
  "uppercase",
  "keepequal",
  "dropequal",
] as const;
export const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

function projectPath(what: string, ending = "", doc?: string) {
  return text(
    new RegExp(`${PROJECT_PATH.source.slice(0, -1)}${ending}$`),
    `a path of ${what} relative to the project directory, without '..'`,
    doc,
  );
}

function stringMap(key: RegExp, value: RegExp, allowed: string, doc: string) {
  return documented(z.record(z.string().regex(key), z.string().regex(value)), { allowed, doc }).default({});
}

/** A key of a Secret or ConfigMap in the monitor's namespace, as Kubernetes' SecretKeySelector and ConfigMapKeySelector write it. */
function keySelector(what: "Secret" | "ConfigMap", doc: string) {
  return section(
    {
      name: text(OBJECT_NAME, `the name of a ${what} in the monitor's namespace`, `The ${what}.`),
      key: text(DATA_KEY, `a key of the ${what}'s data (letters, digits, '-', '_' and '.')`, "The key of its data."),
    },
    doc,
  );
}

/** A key of a Secret or of a ConfigMap (the CRD's SecretOrConfigMap): exactly one of the two. */
function secretOrConfigMap(doc: string) {
  return section(
    {
      secret: keySelector("Secret", "A key of a Secret.").optional(),
      configMap: keySelector("ConfigMap", "A key of a ConfigMap.").optional(),
    },
    doc,
  ).optional();
}

function relabeling() {
  return section(
    {
      sourceLabels: list(
        text(PROMETHEUS_LABEL, "a label name"),
        "a list of label names",
        "Labels whose values are joined and matched.",
      ).optional(),
      separator: documented(z.string(), {
        allowed: "a string",
        doc: "What joins the source labels' values.",
      }).optional(),
      targetLabel: text(
        PROMETHEUS_LABEL,
        "a label name",
        "The label a replace, hashmod or case action writes.",
      ).optional(),
      regex: documented(z.string(), {
        allowed: "an RE2 regular expression",
        doc: "What the joined values must match (anchored).",
      }).optional(),
      modulus: int(1, 1_000_000, "hashmod only: the modulus.").optional(),
      replacement: documented(z.string(), {
        allowed: "a string, $1 for the first group",
        doc: "What a replace writes.",
      }).optional(),
      action: documented(z.enum(RELABEL_ACTIONS), {
        allowed: `one of ${RELABEL_ACTIONS.map((a) => `'${a}'`).join(", ")}`,
        doc: "The relabel action (Prometheus' relabel_config).",
      }).default("replace"),
    },
    "A relabeling step, as ServiceMonitor and PodMonitor write it (camelCase fields of Prometheus' relabel_config).",
  );
}

function endpoint() {
  return section(
    {
      port: text(
        PORT_NAME,
        "a port name (lower-case letters, digits and dashes, at most 15 characters)",
        "Name of the Service port (services) or container port (pods) to scrape.",
      ).optional(),
      targetPort: documented(z.union([z.string().regex(PORT_NAME), z.int().min(1).max(65535)]), {
        allowed: "a container port name or number from 1 to 65535",
        doc: "The pods' container port, by name or number, where no port name is given.",
      }).optional(),
      path: text(/^\//, "a path starting with /", "The path metrics are served on.").default(
        DEFAULTS.teamEndpoint.path,
      ),
      interval: duration({
        minSeconds: 1,
        ...MAX_INTERVAL,
        doc: "The endpoint's own scrape interval (default: prometheus.scrapeInterval).",
      }).optional(),
      scrapeTimeout: duration({
        minSeconds: 1,
        doc: "The endpoint's scrape timeout, at most its interval.",
      }).optional(),
      scheme: oneOf(["http", "https"] as const, "How targets are reached.").default(DEFAULTS.teamEndpoint.scheme),
      tlsConfig: section(
        {
          ca: secretOrConfigMap("The CA that verifies the target's certificate (default: the system's CAs)."),
          cert: secretOrConfigMap("The client certificate Prometheus presents (with keySecret)."),
          keySecret: keySelector("Secret", "The client certificate's private key.").optional(),
          serverName: text(
            /^[A-Za-z0-9.-]+$/,
            "a DNS name",
            "The name the target's certificate must carry.",
          ).optional(),
          insecureSkipVerify: flag("Accept any certificate (for targets with self-signed ones).").default(false),
        },
        "TLS towards the target (https), its material from Secrets and ConfigMaps of the monitor's namespace.",
      ).optional(),
      basicAuth: section(
        {
          username: keySelector("Secret", "The user name."),
          password: keySelector("Secret", "The password."),
        },
        "HTTP basic authentication, both parts from Secrets of the monitor's namespace.",
      ).optional(),
      authorization: section(
        {
          type: text(
            AUTH_SCHEME,
            "an HTTP authentication scheme such as Bearer (not Basic: that is basicAuth)",
            "The scheme of the Authorization header.",
          ).default(DEFAULTS.teamEndpoint.authorizationType),
          credentials: keySelector("Secret", "The credentials sent after the scheme (a token)."),
        },
        "An Authorization header, its credentials from a Secret of the monitor's namespace.",
      ).optional(),
      honorLabels: flag("Keep the target's own labels where they clash with the target labels (never `team`).").default(
        false,
      ),
      params: documented(z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/), z.array(z.string()).min(1)), {
        allowed: "an object of URL parameter names to lists of values",
        doc: "URL parameters of the scrape request.",
      }).optional(),
      relabelings: documented(z.array(relabeling()), {
        allowed: "a list of relabelings",
        doc: "Relabelings of the targets, before the stack adds team and shard.",
      }).default([]),
      metricRelabelings: documented(z.array(relabeling()), {
        allowed: "a list of relabelings",
        doc: "Relabelings of the scraped series (drop what nobody queries).",
      }).default([]),
    },
    "A port to scrape, as a ServiceMonitor endpoint or PodMonitor podMetricsEndpoint writes it.",
  );
}

/** Labels of Kubernetes objects a monitor copies onto its targets. */
function copiedLabels(object: "Service" | "Pod") {
  return list(
    text(LABEL_KEY, "a Kubernetes label key"),
    "a list of Kubernetes label keys",
    `Labels of the ${object} copied onto its targets, named as Prometheus names them (every character but letters, digits and _ becomes _).`,
  ).default([]);
}

/** The fields ServiceMonitors and PodMonitors share: those before the labels they copy, and those after. */
function monitorFields(what: "Services" | "Pods") {
  const object = what === "Services" ? "Service" : "Pod";
  const expression = section(
    {
      key: text(LABEL_KEY, "a Kubernetes label key", "The label."),
      operator: oneOf(SELECTOR_OPERATORS, "How the label is matched."),
      values: list(
        text(LABEL_VALUE, "a Kubernetes label value"),
        "a list of label values",
        "Values (In and NotIn only).",
      ).default([]),
    },
    "A label selector requirement.",
  );
  const head = {
    name: text(
      OBJECT_NAME,
      "a Kubernetes object name (lower-case letters, digits, dashes and dots)",
      "Name of the monitor, unique in the team: the job is named after it.",
    ),
    namespace: text(
      NAMESPACE,
      "a Kubernetes namespace name",
      "The monitor's own namespace, as its object's metadata.namespace: where the Secrets and ConfigMaps its endpoints name are (default: the team's first namespace).",
    ).optional(),
    namespaceSelector: section(
      {
        any: flag("Every namespace of the cluster.").default(false),
        matchNames: list(
          text(NAMESPACE, "a Kubernetes namespace name"),
          "a list of namespace names",
          "These namespaces.",
        ).default([]),
      },
      "Where the monitor looks; neither key: the team's namespaces.",
    ).prefault({}),
    selector: section(
      {
        matchLabels: stringMap(
          LABEL_KEY,
          LABEL_VALUE,
          "an object of Kubernetes label keys to values",
          "Labels the object carries.",
        ),
        matchExpressions: documented(z.array(expression), {
          allowed: "a list of label selector requirements",
          doc: "Requirements the object's labels meet.",
        }).default([]),
      },
      `Labels of the ${what} to scrape (every one in the namespaces when empty).`,
    ).prefault({}),
    jobLabel: text(
      LABEL_KEY,
      "a Kubernetes label key",
      `A label of the ${object} whose value becomes the job label.`,
    ).optional(),
  };
  const tail = {
    sampleLimit: int(
      1,
      10_000_000,
      "Per-target sample_limit, at most prometheus.sampleLimit (its default).",
    ).optional(),
    labelLimit: int(1, 1000, "Per-target label_limit, at most prometheus.labelLimit (its default).").optional(),
    endpoints: documented(z.array(endpoint()).min(1), {
      allowed: "a list of at least one endpoint",
      doc: "The ports to scrape.",
    }),
  };
  return { head, tail };
}

/** A key of a Secret or ConfigMap that an endpoint's credentials or TLS material come from, and where the endpoint names it. */
export interface EndpointKey {
  readonly field:
    | "tlsConfig.ca"
    | "tlsConfig.cert"
    | "tlsConfig.keySecret"
    | "basicAuth.username"
    | "basicAuth.password"
    | "authorization.credentials";
  readonly kind: "secret" | "configMap";
  readonly name: string;
  readonly key: string;
}

type KeySelector = { readonly name: string; readonly key: string };
type SecretOrConfigMap = { readonly secret?: KeySelector; readonly configMap?: KeySelector };
interface EndpointCredentials {
  readonly tlsConfig?: {
    readonly ca?: SecretOrConfigMap;
    readonly cert?: SecretOrConfigMap;
    readonly keySecret?: KeySelector;
  };
  readonly basicAuth?: { readonly username: KeySelector; readonly password: KeySelector };
  readonly authorization?: { readonly credentials: KeySelector };
}

/** Every Secret and ConfigMap key an endpoint names, in the order of its fields. */
export function endpointKeys(endpoint: EndpointCredentials): EndpointKey[] {
  const tls = endpoint.tlsConfig;
  const either = (field: EndpointKey["field"], source: SecretOrConfigMap | undefined): EndpointKey[] =>
    source?.secret
      ? [{ field, kind: "secret", ...source.secret }]
      : source?.configMap
        ? [{ field, kind: "configMap", ...source.configMap }]
        : [];
  const secret = (field: EndpointKey["field"], selector: KeySelector | undefined): EndpointKey[] =>
    selector ? [{ field, kind: "secret", name: selector.name, key: selector.key }] : [];
  return [
    ...either("tlsConfig.ca", tls?.ca),
    ...either("tlsConfig.cert", tls?.cert),
    ...secret("tlsConfig.keySecret", tls?.keySecret),
    ...secret("basicAuth.username", endpoint.basicAuth?.username),
    ...secret("basicAuth.password", endpoint.basicAuth?.password),
    ...secret("authorization.credentials", endpoint.authorization?.credentials),
  ];
}

/** A ServiceMonitor's spec, as a team writes it in the stack file (or imports it). */
export function serviceMonitor() {
  const { head, tail } = monitorFields("Services");
  return section(
    { ...head, targetLabels: copiedLabels("Service"), podTargetLabels: copiedLabels("Pod"), ...tail },
    "Services to scrape, and how (the spec of a ServiceMonitor).",
  );
}

/** A PodMonitor's spec, as a team writes it in the stack file (or imports it). */
export function podMonitor() {
  const { head, tail } = monitorFields("Pods");
  return section(
    { ...head, podTargetLabels: copiedLabels("Pod"), ...tail },
    "Pods to scrape, and how (the spec of a PodMonitor).",
  );
}

function team<R extends z.ZodType, T extends z.ZodType>(shapes: { receiver: R; route: T }) {
  return section(
    {
      name: text(
        TEAM_NAME,
        "lower-case letters, digits and dashes, starting with a letter, 2 to 40 characters",
        "The team: the `team` label of its series and alerts, its Grafana folder.",
      ),
      namespaces: list(
        text(NAMESPACE, "a Kubernetes namespace name"),
        "a list of Kubernetes namespace names",
        "Regional: the namespaces the team's workloads run in.",
      ).default([]),
      services: documented(z.array(serviceMonitor()), {
        allowed: "a list of ServiceMonitor specs",
        doc: "Regional: Services to scrape through their endpoints.",
      }).default([]),
      pods: documented(z.array(podMonitor()), {
        allowed: "a list of PodMonitor specs",
        doc: "Regional: Pods to scrape.",
      }).default([]),
      rules: list(
        projectPath("a Prometheus rule file (.yaml or .yml)", "\\.ya?ml"),
        "a list of Prometheus rule files (.yaml or .yml) relative to the project directory",
        "Regional: the team's recording and alerting rule files.",
      ).default([]),
      importDir: projectPath(
        "a directory",
        "",
        "Regional: a directory of ServiceMonitor, PodMonitor and PrometheusRule YAML files to import.",
      ).optional(),
      dashboards: list(
        projectPath("a dashboard JSON file", "\\.json"),
        "a list of Grafana dashboard JSON files relative to the project directory",
        "Global: dashboards for the team's Grafana folder.",
      ).default([]),
      receivers: documented(z.array(shapes.receiver), {
        allowed: "a list of receivers",
        doc: "Global: the team's receivers (name, type, secretKey, channel).",
      }).default([]),
      receiver: text(
        /^[a-zA-Z0-9_-]+$/,
        "a receiver name of letters, digits, _ and -",
        "Global: the receiver of the team's alerts no team route matches (default: its first receiver).",
      ).optional(),
      routes: documented(z.array(shapes.route), {
        allowed: "a list of routes",
        doc: "Global: routes below the team's route (receiver, matchers, continue).",
      }).default([]),
      continue: flag("Global: whether the stack's own routes see the team's alerts too.").default(false),
    },
    "A team and what it brings.",
  );
}

export function teamsSchema<R extends z.ZodType, T extends z.ZodType>(shapes: { receiver: R; route: T }) {
  return documented(z.array(team(shapes)), {
    allowed: "a list of teams",
    doc: "Teams that bring their own scrape targets and rules (regional stacks), dashboards and alert routes (global stack).",
  }).default([]);
}
