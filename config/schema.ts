/**
 * The stack config's one schema. The TypeScript types (./types.ts), the validation (./load.ts), the
 * `config:` declarations of Pulumi.yaml and the config reference of docs/configuration.md (./docs.ts) all come
 * from it.
 *
 * A schema is built for a stack's identity (its name, cloud and region) because defaults and allowed values
 * depend on them: the zones of the region, the cloud's machine types. Rules that relate several keys
 * (retention per resolution, shards, capacity) are in ./rules.ts and run on what this schema returns.
 */
import { z } from "zod";
import { openToWorld, parseCidr } from "./cidr";
import {
  CLOUDS,
  CLOUD_TRAITS,
  type Cloud,
  defaultZones,
  machineTypeOf,
  otherClouds,
  perCloud,
  zoneBelongsTo,
} from "./clouds";
import { DEFAULTS } from "./defaults";
import { EXPLAINS } from "./issues";
import type { KeyPath } from "./paths";
import { QUANTITY } from "./quantity";
import { docOf, keysAt } from "./schema-walk";
import {
  MAX_INTERVAL,
  documented,
  duration,
  flag,
  int,
  list,
  oneOf,
  optionalSection,
  section,
  text,
  wholeNumber,
} from "./fields";
import { teamsSchema } from "./teams-schema";

export const TIERS = ["regional", "global"] as const;
/** How a region's samples reach the global tier (the `ingestion.mode` key). */
export const INGESTION_MODES = ["sidecar", "remote-write"] as const;
export type IngestionMode = (typeof INGESTION_MODES)[number];
export type Tier = (typeof TIERS)[number];
export const RELEASE_CHANNELS = ["RAPID", "REGULAR", "STABLE"] as const;
export const RECEIVER_TYPES = ["slack", "pagerduty", "webhook"] as const;
export const HEARTBEAT_TYPES = ["webhook", "opsgenie"] as const;
/** Receivers the Alertmanager config always has (for the Watchdog); no configured receiver may take their names. */
export const BUILT_IN_RECEIVERS = { drop: "null", heartbeat: "heartbeat" } as const;

/** Who the schema is built for: what the stack file cannot change about its own defaults. */
export interface StackIdentity {
  readonly stack: string;
  readonly cloud: Cloud;
  readonly region: string;
}

/** Shards a stack may ask for, or the expected load may need: each is a StatefulSet of its own. */
export const MAX_SHARDS = 64;

const HOUR = 3600;
const DAY = 24 * HOUR;

const NAME = {
  re: /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
  allowed: "lower-case letters, digits and dashes, starting with a letter, 2 to 40 characters",
};
const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const STACK_REFERENCE = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+\/([A-Za-z0-9_.-]+)$/;
/** Prometheus' label names, which Alertmanager's group_by and matchers take. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const MATCHER = /^[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"[^"]*"$/;
const RECEIVER_NAME = { re: /^[a-zA-Z0-9_-]+$/, allowed: "a receiver name of letters, digits, _ and -" };
/** The name of a secret config key (a receiver's, the heartbeat's, Grafana's OAuth client secret's). */
export const SECRET_KEY = /^[a-zA-Z][a-zA-Z0-9]*$/;
/** Prometheus' alert names are label values of `alertname`; the default alerts' are CamelCase words. */
const ALERT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The stack name made into a resource-name prefix (us-east stays us-east; My_Stack becomes my-stack). */
function defaultNamePrefix(stack: string): string {
  return stack.toLowerCase().replace(/[^a-z0-9-]/g, "-");
}

/** A key left out takes a default that depends on other keys; the schema's transform fills it in. */
function derivedDefault<T extends z.ZodType>(schema: T, defaultText: string) {
  return documented(schema.optional(), { ...docOf(schema)!, defaultText });
}

/** The same schema, documented for the reference in words that hold for every stack. */
function forReference<T extends z.ZodType>(schema: T, words: { allowedText?: string; defaultText?: string }): T {
  return documented(schema, { ...docOf(schema)!, ...words });
}

/** A string whose allowed values are only known from a check that can name what is wrong with this one. */
function checked(check: (value: string) => string | undefined, allowed: string, doc?: string) {
  return documented(
    z.string().superRefine((value, ctx) => {
      const problem = check(value);
      if (problem !== undefined)
        ctx.addIssue({ code: "custom", message: problem, input: value, params: { [EXPLAINS]: true } });
    }),
    { allowed, doc },
  );
}

function cidrList(what: string) {
  const allowed = `a list of IPv4 CIDRs such as 203.0.113.0/24 allowed to reach ${what}, which together leave some of the internet out`;
  const entry = documented(
    z.string().refine((cidr) => parseCidr(cidr)?.family === 4),
    { allowed: "an IPv4 CIDR such as 203.0.113.0/24" },
  );
  return documented(
    z
      .array(entry)
      .min(1)
      .superRefine((cidrs, ctx) => {
        const open = openToWorld(cidrs);
        if (open.length > 0) {
          const how = open.length === 1 ? `${open[0]} opens` : `${open.join(" and ")} together open`;
          ctx.addIssue({
            code: "custom",
            input: cidrs,
            message: `restricted CIDRs: ${how} ${what} to the whole internet`,
            params: { [EXPLAINS]: true },
          });
        }
      }),
    { allowed, doc: `Who may reach ${what}: never the whole internet.` },
  );
}

function machineType(cloud: Cloud) {
  const facts = CLOUD_TRAITS[cloud];
  const allowed = `${facts.nouns.machineType} whose capacity this program knows, such as ${facts.defaultMachineType} (the list is in config/cloud/${cloud}.ts)`;
  return checked(
    (value) => {
      if (machineTypeOf(cloud, value)) return undefined;
      const other = otherClouds(cloud).find((c) => machineTypeOf(c, value));
      return other
        ? `'${value}' is ${CLOUD_TRAITS[other].nouns.machineType}, not ${facts.nouns.machineType}; ${allowed}`
        : allowed;
    },
    allowed,
    "Node machine type (EC2 instance type or GCE machine type); a Prometheus pod must fit on one node.",
  );
}

function databaseClass(cloud: Cloud) {
  const facts = CLOUD_TRAITS[cloud];
  const allowed = `${facts.nouns.databaseClass} such as ${facts.databaseClass.example}`;
  return checked(
    (value) => {
      if (facts.databaseClass.re.test(value)) return undefined;
      const other = otherClouds(cloud)
        .map((c) => CLOUD_TRAITS[c])
        .find((traits) => traits.databaseClass.re.test(value));
      return other
        ? `'${value}' is ${other.nouns.databaseClass}, not ${facts.nouns.databaseClass}; ${allowed}`
        : allowed;
    },
    allowed,
    "RDS instance class (aws) or Cloud SQL tier (gcp).",
  );
}

/** A key of the clusters the program creates, which a stack on a cluster it does not create may not set. */
function notOnExistingClusters(what: string) {
  return documented(z.array(z.string()).max(0), {
    allowed: `no value on a stack whose cluster the program does not create: ${what} is the cluster's own`,
  }).default([]);
}

function clusterSchema({ cloud, region }: StackIdentity) {
  const zonesDefault = defaultZones(cloud, region);
  const example = zonesDefault[0] ?? CLOUD_TRAITS[cloud].zoneName(region, "a");
  const zone = documented(
    z.string().refine((name) => zoneBelongsTo(cloud, region, name)),
    { allowed: `a zone of ${region} (such as ${example})`, allowedText: "a zone of the region" },
  );
  const zones = forReference(
    list(zone, `a list of at least three distinct zones of ${region}`, "Zones nodes and pods spread across.", 0),
    {
      allowedText: "a list of at least three distinct zones of the region",
      defaultText: "three zones of the region (a region with fewer has none)",
    },
  );
  return optionalSection(
    section(
      {
        name: derivedDefault(text(NAME.re, NAME.allowed, "Cluster name."), "<namePrefix>-monitoring"),
        kubernetesVersion: text(
          /^1\.\d{2}$/,
          'a Kubernetes minor version such as "1.33"',
          "Kubernetes minor version.",
        ).default(DEFAULTS.cluster.kubernetesVersion),
        // A region without three zones of its own has no default: the stack lists its zones.
        zones: zonesDefault.length >= 3 ? zones.default(zonesDefault) : zones,
        vpcCidr: text(
          /^10\.(25[0-5]|2[0-4]\d|1?\d?\d)\.0\.0\/16$/,
          "a private /16 such as 10.20.0.0/16",
          "The network's address range, carved into node, pod and service ranges.",
        ).default(DEFAULTS.cluster.vpcCidr),
        nodes: section(
          {
            machineType: forReference(machineType(cloud).default(CLOUD_TRAITS[cloud].defaultMachineType), {
              allowedText: "a machine type of the stack's cloud whose capacity config/cloud/<cloud>.ts lists",
              defaultText: perCloud((traits) => traits.defaultMachineType),
            }),
            minNodes: int(1, 1000, "Nodes at least, across all zones.").default(DEFAULTS.cluster.minNodes),
            maxNodes: derivedDefault(
              int(1, 1000, "Nodes at most, across all zones."),
              `the larger of ${DEFAULTS.cluster.maxNodesAtLeast} and minNodes`,
            ),
            diskGiB: int(20, 16384, "Node disk size.").default(DEFAULTS.cluster.nodeDiskGiB),
          },
          "The node pool.",
        ).prefault({}),
        // A cluster the program does not create keeps its own API access rules: the key is refused there.
        apiAllowedCidrs: CLOUD_TRAITS[cloud].createsInfrastructure
          ? cidrList("the Kubernetes API")
          : notOnExistingClusters("the Kubernetes API access"),
        releaseChannel: oneOf(RELEASE_CHANNELS, "GCP only: the GKE release channel.").default(
          DEFAULTS.cluster.releaseChannel,
        ),
      },
      "The Kubernetes cluster.",
    ),
  );
}

export const EXPOSURE_TYPES = ["load-balancer", "node-port", "address"] as const;
export const NETWORK_POLICY_ENFORCEMENT = ["enforced", "not-enforced"] as const;

/** Secret config keys a Kubernetes stack reads beside its schema's keys, each set with `pulumi config set --secret`. */
export const KUBERNETES_SECRET_KEYS = {
  kubeconfig: "kubeconfig",
  bucketAccessKey: "bucketAccessKey",
  bucketSecretKey: "bucketSecretKey",
  bucketServiceAccount: "bucketServiceAccount",
  databasePassword: "databasePassword",
} as const;

const K8S_NAME = {
  re: /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/,
  allowed: "a Kubernetes object name (lower-case letters, digits, dashes and dots)",
};
const ENDPOINT = {
  re: /^[A-Za-z0-9.-]+(:\d{1,5})?$/,
  allowed: "a host or host:port without a scheme, such as s3.example.internal:9000",
};

/** What every stack on a cluster the user already runs says about that cluster. */
function kubernetesClusterShape() {
  return {
    storageClass: text(
      K8S_NAME.re,
      `${K8S_NAME.allowed} of a StorageClass the cluster has`,
      "The StorageClass of every volume; leave it out for the cluster's default StorageClass.",
    ).optional(),
    egressCidrs: cidrList("the other tier's endpoints from this cluster's pods"),
    loadBalancerAnnotations: documented(z.record(z.string().regex(/^[A-Za-z0-9./-]+$/), z.string()), {
      allowed: "a map of annotation names to values",
      doc: "Annotations every LoadBalancer Service of the stack carries, for the cluster's load balancer implementation (MetalLB's address pool, kube-vip, a cloud controller).",
    }).default({}),
    networkPolicies: oneOf(
      NETWORK_POLICY_ENFORCEMENT,
      "enforced: the cluster's network plugin enforces NetworkPolicies (Calico, Cilium, most managed clusters); not-enforced: it does not (flannel alone, for one): the stack still creates them, and says once which listeners then only TLS and passwords guard.",
    ).default("enforced"),
  };
}

/** How the global tier reaches a region's gateway on a cluster the user runs; the Service is the global stack's, as on a cloud. */
function kubernetesExposureSchema() {
  return section(
    {
      type: oneOf(
        EXPOSURE_TYPES,
        `load-balancer: a LoadBalancer Service the cluster's implementation serves; node-port: a NodePort Service, dialled at host (node ports ${DEFAULTS.exposure.nodePorts.federation} and ${DEFAULTS.exposure.nodePorts.storeApi} unless given); address: a ClusterIP Service, which a route of your own (an ingress controller's TLS passthrough, an appliance) leads host's ports to.`,
      ).default(DEFAULTS.exposure.type),
      host: text(
        /^[A-Za-z0-9.:-]+$/,
        "a host name or an IP address",
        "node-port and address only: where the global tier dials the region (a node's address or a name resolving to the nodes; your route's address).",
      ).optional(),
      federationPort: int(
        1,
        65535,
        "node-port and address only: the port federation is dialled at (a node port in the cluster's range, by default 30000-32767; your route's port, by default the gateway's own).",
      ).optional(),
      storeApiPort: int(
        1,
        65535,
        "node-port and address only: the port the StoreAPIs are dialled at, as federationPort.",
      ).optional(),
    },
    "How the global tier reaches this region's gateway: the one endpoint of the region it dials.",
  ).prefault({});
}

/** One sentence for both tiers' `kubernetes.bucket`, since the reference lists the key once. */
const KUBERNETES_BUCKET_DOC =
  "Regional: the bucket Thanos writes to (required). Global: the bucket Thanos Receive writes to, required only when a region's ingestion.mode is remote-write.";

/** A bucket on any S3-compatible or GCS endpoint; its credentials are secret config keys. */
function kubernetesBucketSchema(doc: string) {
  return section(
    {
      type: oneOf(
        ["s3", "gcs"] as const,
        `s3 (any S3-compatible store; secret keys ${KUBERNETES_SECRET_KEYS.bucketAccessKey} and ${KUBERNETES_SECRET_KEYS.bucketSecretKey}) or gcs (secret key ${KUBERNETES_SECRET_KEYS.bucketServiceAccount}: a service-account key's JSON).`,
      ),
      name: text(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        "a bucket name (3 to 63 lower-case letters, digits, dots and dashes)",
        "The bucket, which must exist.",
      ),
      endpoint: text(ENDPOINT.re, ENDPOINT.allowed, "S3 only: the store's address.").optional(),
      region: text(
        /^[a-z0-9-]+$/,
        "an S3 region name such as us-east-1",
        "S3 only: the region the store signs requests for.",
      ).default("us-east-1"),
      insecure: flag("S3 only: plain HTTP, for a store inside a trusted network only.").default(false),
    },
    doc,
  );
}

/** The global stack's existing PostgreSQL for Grafana; its password is a secret config key. */
function kubernetesDatabaseSchema() {
  return section(
    {
      host: text(/^[A-Za-z0-9.-]+$/, "a host name or address", "The PostgreSQL server."),
      port: int(1, 65535, "Its port.").default(5432),
      name: text(/^[a-z_][a-z0-9_]{0,62}$/, "a PostgreSQL database name", "The database, which must exist.").default(
        "grafana",
      ),
      user: text(
        /^[a-z_][a-z0-9_]{0,62}$/,
        "a PostgreSQL role name",
        `The role Grafana logs in as; its password is the secret key ${KUBERNETES_SECRET_KEYS.databasePassword}.`,
      ).default("grafana"),
    },
    "Grafana's PostgreSQL, reached over TLS.",
  );
}

function kubernetesSection<T extends z.ZodRawShape>(tierShape: T) {
  return section(
    { ...kubernetesClusterShape(), ...tierShape },
    `Kubernetes only: the cluster the user already runs, reached with the kubeconfig in the secret key ${KUBERNETES_SECRET_KEYS.kubeconfig}.`,
  ).optional();
}

/** The tier key; a tier's own schema admits only its own name, so the config types tell the tiers apart. */
function tierField<const T extends readonly [Tier, ...Tier[]]>(tiers: T) {
  return documented(z.enum(tiers), {
    allowed: `one of ${TIERS.map((t) => `'${t}'`).join(", ")}`,
    doc: "Which tier this stack is: regional (cluster, bucket, Prometheus + Thanos) or global (federation, Query, Alertmanager, Grafana).",
  });
}

/** Keys every stack has, whatever its tier. */
function baseShape(identity: StackIdentity) {
  return {
    tier: tierField(TIERS),
    cloud: oneOf(
      CLOUDS,
      `${CLOUDS.join(", ")}: either tier runs on any of them; kubernetes deploys into a cluster the stack does not create.`,
    ),
    region: text(
      /^[a-z0-9-]+$/,
      "the cloud's region name",
      `The cloud's region name, such as ${perCloud((traits) => traits.exampleRegion, " or ")}.`,
    ),
    gcpProject: derivedDefault(
      text(
        /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
        "the ID of the GCP project that owns this stack (6-30 lower-case letters, digits and dashes)",
        "GCP only: the project ID that owns the stack's resources.",
      ),
      "required on GCP stacks, none on AWS ones",
    ),
    namePrefix: forReference(
      text(NAME.re, NAME.allowed, "Prefix of resource names.").default(defaultNamePrefix(identity.stack)),
      { defaultText: "the stack name" },
    ),
    cluster: clusterSchema(identity),
    certificateWarningDays: int(
      1,
      180,
      "Days before any certificate the stack issued expires that CertificateExpiresSoon fires.",
    ).default(DEFAULTS.certificateWarningDays),
    alerts: section(
      {
        disabled: list(
          text(ALERT_NAME, "an alert name such as KubePodCrashLooping"),
          "a list of alert names",
          "Default alerts this stack does not evaluate, by name (docs/runbooks.md lists them); the Watchdog and the alerts that warn before data or access is lost cannot be disabled.",
        ).default([]),
        runbookBaseUrl: text(
          /^https?:\/\/[^\s#]+$/,
          "an http(s) URL without a fragment, such as https://example.com/docs/runbooks.md",
          "The runbooks page every alert's runbook_url points into, at the alert's own anchor (a copy of docs/runbooks.md).",
        ).default(DEFAULTS.alerts.runbookBaseUrl),
      },
      "The stack's default alerts.",
    ).prefault({}),
    teams: teamsSchema({ receiver: receiverSchema(), route: routeSchema() }),
  };
}

function staticJobSchema() {
  const target = text(/^[A-Za-z0-9.-]+:\d{1,5}$/, "a host:port target");
  return section(
    {
      job: text(
        /^[a-zA-Z_][a-zA-Z0-9_-]*$/,
        "a Prometheus job name (letters, digits, _ and -)",
        "Job name, unique among static jobs.",
      ),
      targets: list(target, "a list of at least one host:port target", "Targets to scrape.", 1),
      shard: int(0, 63, "Pins the job to one shard (functional sharding) instead of hashmod sharding.").optional(),
      scrapeInterval: duration({ minSeconds: 1, ...MAX_INTERVAL, doc: "The job's own scrape interval." }).optional(),
      metricsPath: text(/^\//, "a path starting with /", "The path metrics are served on.").default(
        DEFAULTS.staticJob.metricsPath,
      ),
      scheme: oneOf(["http", "https"] as const, "How targets are reached.").default(DEFAULTS.staticJob.scheme),
    },
    "A target list that is not discovered through Kubernetes.",
  );
}

/** Three 2h blocks: what the Thanos sidecar needs kept to upload after an outage. */
export const MIN_LOCAL_RETENTION = 3 * 2 * HOUR;

function prometheusSchema() {
  const quantity = (what: string, example: string, doc: string) =>
    text(QUANTITY, `a Kubernetes ${what} quantity such as ${example}`, doc);
  return section(
    {
      replicas: int(2, 10, "Identical replicas of every shard, deduplicated by Thanos Query.").default(
        DEFAULTS.prometheus.replicas,
      ),
      shards: documented(z.union([z.literal("auto"), wholeNumber(1, MAX_SHARDS)]), {
        allowed: `auto, or a whole number from 1 to ${MAX_SHARDS}`,
        doc: `auto: as many as the expected load needs (at most ${MAX_SHARDS}). A number is at most expectedLoad.targets (plus the shards static jobs are pinned to): a shard beyond the targets scrapes nothing.`,
      }).default(DEFAULTS.prometheus.shards),
      retiringShards: documented(z.array(wholeNumber(1, MAX_SHARDS - 1)), {
        allowed: `a list of shard numbers from 1 to ${MAX_SHARDS - 1}, each at least the shard count`,
        doc: "Shards taken out of `shards` that stay deployed, scraping no target, until their last samples are in the bucket (two block durations, 4h); remove them from the list after that.",
      }).default([]),
      scrapeInterval: duration({ minSeconds: 1, ...MAX_INTERVAL, doc: "How often every target is scraped." }).default(
        DEFAULTS.prometheus.scrapeInterval,
      ),
      evaluationInterval: duration({ minSeconds: 1, ...MAX_INTERVAL, doc: "How often rules are evaluated." }).default(
        DEFAULTS.prometheus.evaluationInterval,
      ),
      retention: duration({
        minSeconds: MIN_LOCAL_RETENTION,
        why: "three 2h blocks, so the Thanos sidecar can upload after an outage",
        doc: "Local TSDB retention.",
      }).default(DEFAULTS.prometheus.retention),
      sampleLimit: int(100, 10_000_000, "Per-job sample_limit.").default(DEFAULTS.prometheus.sampleLimit),
      labelLimit: int(10, 1000, "Per-job label_limit.").default(DEFAULTS.prometheus.labelLimit),
      nativeHistograms: flag(
        "Scrape native histograms where targets expose them (the protobuf format is asked for first). The classic buckets of a histogram exposed both ways are kept, since dashboards read them; false scrapes classic histograms only.",
      ).default(DEFAULTS.prometheus.nativeHistograms),
      staticJobs: documented(z.array(staticJobSchema()), {
        allowed: "a list of static jobs",
        doc: "Static scrape jobs.",
      }).default([]),
      overrides: section(
        {
          cpu: quantity(
            "CPU",
            "500m or 2",
            "CPU of each Prometheus container; a value below the sizing function's request for the expected load is warned of.",
          ).optional(),
          memory: quantity(
            "memory",
            "4Gi",
            "Memory of each Prometheus container; a value below the sizing function's request for the expected load is warned of.",
          ).optional(),
          diskGiB: int(
            10,
            65536,
            "Volume of each Prometheus pod. Its retention size (80% of it) must hold three 2h blocks of a shard's samples, and a volume that holds less than prometheus.retention is warned of.",
          ).optional(),
        },
        "Per-pod overrides of the sizing function's figures (request and limit).",
      ).prefault({}),
    },
    "The Prometheus shards and replicas.",
  ).prefault({});
}

function ingestionSchema() {
  return section(
    {
      mode: oneOf(
        INGESTION_MODES,
        "sidecar: every Prometheus pod carries a Thanos sidecar the global tier dials (StoreAPI, /federate) through the region gateway; remote-write: for a cluster that can only send out, Prometheus runs in agent mode and writes to the global tier's Thanos Receive, whose Thanos Ruler evaluates the region's rules (README: Ingestion modes).",
      ).default(DEFAULTS.ingestion.mode),
      receiveEndpoint: text(
        ENDPOINT.re,
        ENDPOINT.allowed,
        "remote-write only: the global tier's Thanos Receive ingress (host:port, its `receiveEndpoint` is dialled at this name or address), required there.",
      ).optional(),
      walRetention: duration({
        minSeconds: 30 * 60,
        why: "a link lost for less than half an hour must not lose samples",
        doc: "remote-write only: how long an outage of the link to Receive the agent's write-ahead log bridges (--storage.agent.retention.max-time).",
      }).default(DEFAULTS.ingestion.walRetention),
    },
    "How the region's samples reach the global tier.",
  ).prefault({});
}

/** The compactor makes 5m blocks from 40h of raw data and 1h blocks from 10d of 5m data, and refuses shorter retention. */
const MIN_RAW_RETENTION = 40 * HOUR;
const MIN_FIVE_MINUTE_RETENTION = 10 * DAY;

/** Keys the config holds under another name than the stack file's (the regional transform below renames them). */
const RENAMED_KEYS: Readonly<Record<string, string>> = { expectedLoad: "load" };

/** A stack file's key path as the config names it: `expectedLoad.targets` is `load.targets`. */
export function configPath(path: KeyPath): KeyPath {
  const [first, ...rest] = path;
  return typeof first === "string" && Object.hasOwn(RENAMED_KEYS, first) ? [RENAMED_KEYS[first], ...rest] : path;
}

export function regionalSchema(identity: StackIdentity) {
  return z
    .strictObject({
      ...baseShape(identity),
      tier: tierField(["regional"] as const),
      prometheus: prometheusSchema(),
      expectedLoad: section(
        {
          targets: int(1, 10_000_000, "Scrape targets in the region.").default(DEFAULTS.expectedLoad.targets),
          seriesPerTarget: int(1, 1_000_000, "Active series per target.").default(
            DEFAULTS.expectedLoad.seriesPerTarget,
          ),
        },
        "The load the region's Prometheus must carry; sizes shards, requests and disks.",
      ).prefault({}),
      bucketRetention: section(
        {
          raw: duration({
            minSeconds: MIN_RAW_RETENTION,
            why: "the compactor downsamples to 5m after 40h",
            forever: true,
            doc: "Raw samples.",
          }).default(DEFAULTS.bucketRetention.raw),
          fiveMinutes: duration({
            minSeconds: MIN_FIVE_MINUTE_RETENTION,
            why: "the compactor downsamples to 1h after 10d",
            forever: true,
            doc: "5m downsamples.",
          }).default(DEFAULTS.bucketRetention.fiveMinutes),
          oneHour: duration({
            minSeconds: MIN_FIVE_MINUTE_RETENTION,
            why: "at least as long as the 5m resolution",
            forever: true,
            doc: "1h downsamples.",
          }).default(DEFAULTS.bucketRetention.oneHour),
        },
        "How long the bucket keeps each resolution, each at least as long as the finer one before it.",
      ).prefault({}),
      storeGatewayReplicas: int(2, 20, "Thanos Store Gateway replicas.").default(DEFAULTS.storeGateway.replicas),
      ingestion: ingestionSchema(),
      kubernetes: kubernetesSection({
        bucket: kubernetesBucketSchema(KUBERNETES_BUCKET_DOC),
        exposure: kubernetesExposureSchema(),
      }),
    })
    .transform(({ expectedLoad, ...config }) => ({
      ...config,
      stack: identity.stack,
      cluster: { ...config.cluster, ...resolvedCluster(config.namePrefix, config.cluster) },
      load: expectedLoad,
    }));
}

function resolvedCluster<N extends { minNodes: number; maxNodes?: number }>(
  namePrefix: string,
  cluster: { name?: string; nodes: N },
) {
  return {
    name: cluster.name ?? `${namePrefix}-monitoring`,
    nodes: {
      ...cluster.nodes,
      maxNodes: cluster.nodes.maxNodes ?? Math.max(DEFAULTS.cluster.maxNodesAtLeast, cluster.nodes.minNodes),
    },
  };
}

/** Replicas an autoscaler moves between: `defaults.minReplicas` is also the least a stack may ask for. */
interface ScalingDefaults {
  readonly minReplicas: number;
  readonly maxReplicasAtLeast: number;
}

function scalingShape(defaults: ScalingDefaults) {
  return {
    minReplicas: int(defaults.minReplicas, 50, "Replicas at least.").default(defaults.minReplicas),
    maxReplicas: derivedDefault(
      int(defaults.minReplicas, 100, "Replicas at most."),
      `the larger of ${defaults.maxReplicasAtLeast} and minReplicas`,
    ),
  };
}

function resolvedScaling(
  { minReplicas, maxReplicas }: { minReplicas: number; maxReplicas?: number },
  defaults: ScalingDefaults,
) {
  return { minReplicas, maxReplicas: maxReplicas ?? Math.max(defaults.maxReplicasAtLeast, minReplicas) };
}

/** An Alertmanager receiver: the stack's own (alerting.receivers) and the teams' (teams[].receivers). */
export function receiverSchema() {
  return section(
    {
      name: text(RECEIVER_NAME.re, RECEIVER_NAME.allowed, "Receiver name, unique."),
      type: oneOf(RECEIVER_TYPES, "Where notifications go."),
      secretKey: text(
        SECRET_KEY,
        "the name of a secret config key holding the receiver's URL or key",
        "The secret config key holding the receiver's URL or key.",
      ),
      channel: derivedDefault(
        text(/^[#@][\w-]+$/, "a Slack channel such as #alerts", "Slack only."),
        DEFAULTS.alertmanager.slackChannel,
      ),
    },
    "An Alertmanager receiver.",
  );
}

/** A route below the default one, or below a team's route. */
export function routeSchema() {
  return section(
    {
      receiver: text(RECEIVER_NAME.re, RECEIVER_NAME.allowed, "The receiver of the alerts this route matches."),
      matchers: list(
        text(MATCHER, 'a matcher such as severity="critical"'),
        "a list of matchers",
        "Alertmanager label matchers.",
      ).default([]),
      continue: flag("Whether later routes see the alert too.").default(false),
    },
    "A route below the default one.",
  );
}

/** Slack receivers post to the default channel unless they name one; no other type has one. */
export function withChannel<R extends { type: string; channel?: string }>(r: R): R {
  return { ...r, channel: r.type === "slack" ? (r.channel ?? DEFAULTS.alertmanager.slackChannel) : undefined };
}

function alertingSchema() {
  const receiver = receiverSchema();
  const route = routeSchema();
  const heartbeat = section(
    {
      type: oneOf(
        HEARTBEAT_TYPES,
        "webhook pings a heartbeat URL (Healthchecks.io, Dead Man's Snitch, Cronitor, Better Stack); opsgenie pings Opsgenie's heartbeat API.",
      ),
      secretKey: text(
        SECRET_KEY,
        "the name of a secret config key holding the heartbeat URL or API key",
        "The secret config key holding the heartbeat's URL (webhook) or API key (opsgenie).",
      ),
      // Alertmanager resends the Watchdog at most this often; the heartbeat service should allow a few missed.
      interval: duration({ minSeconds: 30, doc: "How often the Watchdog is sent on." }).default(
        DEFAULTS.alertmanager.heartbeatInterval,
      ),
      name: derivedDefault(
        text(/^[\w .-]+$/, "the name of the Opsgenie heartbeat", "Opsgenie only: the heartbeat's name."),
        "required for opsgenie",
      ),
      apiUrl: derivedDefault(
        text(
          /^https:\/\/[a-z0-9.-]+$/,
          "an https:// base URL such as https://api.eu.opsgenie.com",
          "Opsgenie only: the API's base URL.",
        ),
        DEFAULTS.alertmanager.opsgenieApiUrl,
      ),
    },
    "The dead man's switch: where the always-firing Watchdog goes, so a service outside the stack pages someone when the pings stop.",
  );
  return section(
    {
      replicas: documented(
        wholeNumber(3, 9).refine((n) => n % 2 === 1),
        {
          allowed: "an odd number from 3 to 9 (a gossip mesh needs a majority)",
          doc: "Alertmanager mesh peers.",
        },
      ).default(DEFAULTS.alertmanager.replicas),
      heartbeat: heartbeat.optional(),
      receivers: documented(z.array(receiver).min(1), {
        allowed: "a list of at least one receiver",
        doc: "Receivers: name, type, secretKey, channel.",
      }),
      defaultReceiver: derivedDefault(
        text(RECEIVER_NAME.re, RECEIVER_NAME.allowed, "Receiver of the root route."),
        "the first receiver",
      ),
      routes: documented(z.array(route), {
        allowed: "a list of routes",
        doc: "Routes: receiver, matchers, continue.",
      }).default([]),
      groupBy: list(
        text(LABEL_NAME, "a label name"),
        "a list of label names",
        "Labels that group alerts into one notification.",
      ).default([...DEFAULTS.alertmanager.groupBy]),
      groupWait: duration({ minSeconds: 0, doc: "How long a new group waits for more alerts." }).default(
        DEFAULTS.alertmanager.groupWait,
      ),
      // Alertmanager refuses a zero group_interval or repeat_interval.
      groupInterval: duration({
        minSeconds: 1,
        doc: "How long a group waits before it notifies of new alerts.",
      }).default(DEFAULTS.alertmanager.groupInterval),
      repeatInterval: duration({ minSeconds: 1, doc: "How long before a notification is sent again." }).default(
        DEFAULTS.alertmanager.repeatInterval,
      ),
    },
    "The Alertmanager mesh, its receivers and routes.",
  );
}

/** Thanos Receive for the remote-write regions: the hashring and each region's (tenant's) limits. */
function receiveSchema() {
  const limit = (max: number, doc: string) => int(0, max, `${doc} 0 is no limit.`);
  const { limits } = DEFAULTS.receive;
  return section(
    {
      replicas: int(
        3,
        30,
        "Thanos Receive pods in the hashring; every sample is written to 3 of them (a replication factor of 3, so one pod may be lost without losing a sample).",
      ).default(DEFAULTS.receive.replicas),
      retention: duration({
        minSeconds: 2 * HOUR,
        why: "Receive uploads a block every 2h and must hold it until then",
        doc: "How long Receive keeps samples locally (the bucket keeps them on).",
      }).default(DEFAULTS.receive.retention),
      tenantLimits: section(
        {
          requestSeries: limit(10_000_000, "Series one remote-write request of a region may carry.").default(
            limits.requestSeries,
          ),
          requestSamples: limit(100_000_000, "Samples one request may carry.").default(limits.requestSamples),
          requestBytes: limit(1024 * 1024 * 1024, "Bytes one request may carry.").default(limits.requestBytes),
          maxConcurrency: int(1, 10_000, "Remote-write requests a Receive pod handles at once.").default(
            limits.maxConcurrency,
          ),
        },
        "The limits every remote-write region (a tenant: the region's name) writes under.",
      ).prefault({}),
    },
    "Thanos Receive, for the regions whose ingestion.mode is remote-write (none: none runs).",
  ).prefault({});
}

/** Grafana's organization roles a group can be given; Grafana server admin is never handed out by a group. */
export const GRAFANA_ROLES = ["Viewer", "Editor", "Admin"] as const;

/** A group name the role mapping can quote in Grafana's JMESPath (a backslash there escapes the closing quote). */
const GROUP_NAME = {
  re: /^[^\\\p{Cc}]{1,256}$/u,
  allowed: "a group name of 1 to 256 characters without a backslash or a control character",
};
const ROLES_ALLOWED = `a map of at least one group name to its Grafana role (${GRAFANA_ROLES.join(", ")}); ${GROUP_NAME.allowed}`;
const HTTPS_URL = /^https:\/\/[^\s/$.?#][^\s]*$/;

/**
 * Single sign-on through Grafana's generic OAuth (OpenID Connect): every field the provider needs is
 * required, so an incomplete provider stops the run; its client secret is read from a secret config key.
 */
function grafanaSsoSchema() {
  const endpoint = (what: string, example: string) =>
    text(HTTPS_URL, `an https:// URL such as ${example}`, `The identity provider's ${what}.`);
  return section(
    {
      name: text(
        /^[\w .-]{1,40}$/,
        "up to 40 letters, digits, spaces, dots, dashes and underscores",
        "The login button's label: Sign in with <name>.",
      ).default(DEFAULTS.grafana.sso.name),
      clientId: text(
        /^[\x21-\x7e]{1,255}$/,
        "the client ID the identity provider issued (printable characters, no spaces)",
        "The OAuth client ID Grafana signs in with.",
      ),
      secretKey: text(
        SECRET_KEY,
        "the name of a secret config key holding the OAuth client secret",
        "The secret config key holding the client secret (pulumi config set --secret <key> <secret>).",
      ),
      authUrl: endpoint(
        "authorization endpoint (authorization_endpoint of its /.well-known/openid-configuration)",
        "https://idp.example.com/oauth2/v1/authorize",
      ),
      tokenUrl: endpoint("token endpoint (token_endpoint)", "https://idp.example.com/oauth2/v1/token"),
      userInfoUrl: endpoint("userinfo endpoint (userinfo_endpoint)", "https://idp.example.com/oauth2/v1/userinfo"),
      scopes: documented(
        z.array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/)).refine((scopes) => scopes.includes("openid")),
        {
          allowed: "a list of OAuth scopes that includes openid",
          doc: "Scopes Grafana asks for: openid and those that release the email, the profile and the groups claim.",
        },
      ).default([...DEFAULTS.grafana.sso.scopes]),
      groupsClaim: text(
        /^[\x21-\x7e]{1,128}$/,
        "a claim name such as groups (printable characters, no spaces)",
        "The claim of the ID token or userinfo that lists the user's groups (a top-level claim; dots are part of its name).",
      ).default(DEFAULTS.grafana.sso.groupsClaim),
      roles: documented(
        z.record(z.string(), oneOf(GRAFANA_ROLES)).superRefine((roles, ctx) => {
          const groups = Object.keys(roles);
          const bad = groups.find((group) => !GROUP_NAME.re.test(group));
          if (groups.length === 0 || bad !== undefined)
            ctx.addIssue({
              code: "custom",
              input: roles,
              message: `${bad === undefined ? "" : `${JSON.stringify(bad)} is no group name the role mapping can quote; `}${ROLES_ALLOWED}`,
              params: { [EXPLAINS]: true },
            });
        }),
        {
          allowed: ROLES_ALLOWED,
          doc: "The Grafana role each group gives, the highest of a user's groups winning; a user in none of them cannot sign in.",
        },
      ),
      loginForm: flag(
        "Whether Grafana shows its username and password form: off, only the admin's break-glass path (docs/security.md) needs it.",
      ).default(false),
    },
    "Single sign-on through Grafana's generic OAuth (OpenID Connect); without it, only the generated admin logs in.",
  );
}

export function globalSchema(identity: StackIdentity) {
  const regions = list(
    text(STACK_REFERENCE, "a regional stack as org/project/stack"),
    "a list of at least one regional stack as org/project/stack",
    "The regional stacks to wire.",
    1,
  );
  return z
    .strictObject({
      ...baseShape(identity),
      tier: tierField(["global"] as const),
      regions,
      federationReplicas: int(2, 5, "Replicas of the global federation Prometheus.").default(
        DEFAULTS.federation.replicas,
      ),
      alerting: alertingSchema(),
      grafana: section(
        {
          domain: text(
            HOST_NAME,
            "a DNS name such as grafana.example.com",
            "The DNS name users reach Grafana at; its certificate is issued for it.",
          ),
          ...scalingShape(DEFAULTS.grafana),
          sso: grafanaSsoSchema().optional(),
        },
        "Grafana.",
      ),
      query: section(scalingShape(DEFAULTS.query), "Thanos Query replicas.").prefault({}),
      receive: receiveSchema(),
      database: section(
        {
          instanceClass: forReference(
            databaseClass(identity.cloud).default(CLOUD_TRAITS[identity.cloud].defaultDatabaseClass),
            {
              allowedText: perCloud(
                (traits) => `${traits.nouns.databaseClass} such as ${traits.databaseClass.example}`,
              ),
              defaultText: perCloud((traits) => traits.defaultDatabaseClass),
            },
          ),
          storageGiB: int(20, 65536, "Storage size.").default(DEFAULTS.database.storageGiB),
          backupRetentionDays: int(7, 35, "Days automated backups are kept.").default(
            DEFAULTS.database.backupRetentionDays,
          ),
          postgresVersion: text(
            /^1[4-7]$/,
            'a PostgreSQL major version from 14 to 17, such as "16"',
            "PostgreSQL major version.",
          ).default(DEFAULTS.database.postgresVersion),
        },
        "Grafana's managed Postgres.",
      ).prefault({}),
      ingressAllowedCidrs: cidrList("Grafana and Thanos Query"),
      kubernetes: kubernetesSection({
        database: kubernetesDatabaseSchema(),
        bucket: kubernetesBucketSchema(KUBERNETES_BUCKET_DOC).optional(),
      }),
    })
    .transform((config) => ({
      ...config,
      stack: identity.stack,
      cluster: { ...config.cluster, ...resolvedCluster(config.namePrefix, config.cluster) },
      regions: config.regions.map((stackReference) => ({
        name: STACK_REFERENCE.exec(stackReference)![1],
        stackReference,
      })),
      alerting: {
        ...config.alerting,
        defaultReceiver: config.alerting.defaultReceiver ?? config.alerting.receivers[0].name,
        receivers: config.alerting.receivers.map(withChannel),
        heartbeat: config.alerting.heartbeat && {
          ...config.alerting.heartbeat,
          apiUrl:
            config.alerting.heartbeat.type === "opsgenie"
              ? (config.alerting.heartbeat.apiUrl ?? DEFAULTS.alertmanager.opsgenieApiUrl)
              : undefined,
        },
      },
      teams: config.teams.map((team) => ({ ...team, receivers: team.receivers.map(withChannel) })),
      grafana: { ...config.grafana, ...resolvedScaling(config.grafana, DEFAULTS.grafana) },
      query: resolvedScaling(config.query, DEFAULTS.query),
    }));
}

export type RegionalSchema = ReturnType<typeof regionalSchema>;
export type GlobalSchema = ReturnType<typeof globalSchema>;

/** The schema of a tier: the one whose keys a stack of that tier may set. */
export function tierSchema(tier: Tier, identity: StackIdentity): RegionalSchema | GlobalSchema {
  return tier === "regional" ? regionalSchema(identity) : globalSchema(identity);
}

/** For what does not depend on the stack's identity: the keys of a tier, where a key lives. */
export const ANY_IDENTITY: StackIdentity = {
  stack: "any",
  cloud: CLOUDS[0],
  region: CLOUD_TRAITS[CLOUDS[0]].exampleRegion,
};

const TIER_KEYS = new Map<Tier, string[]>();

export function tierKeys(tier: Tier): string[] {
  if (!TIER_KEYS.has(tier)) TIER_KEYS.set(tier, keysAt(tierSchema(tier, ANY_IDENTITY), []));
  return TIER_KEYS.get(tier)!;
}
