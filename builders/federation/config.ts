import { parseDuration } from "../../config/duration";
import { PROTOBUF_FIRST } from "../prometheus/types";
import { INSTANCELESS_RULE_LEVELS, federationMatchers } from "./series";

/**
 * One Prometheus pod as the federation reaches it: through the region gateway, which serves every pod on one
 * address, each under its own path.
 */
export interface FederationTarget {
  /** `host:port` of the region gateway's load balancer. */
  readonly address: string;
  /** The pod's federation path on the gateway (`__metrics_path__`). */
  readonly metricsPath: string;
  /** The pod's name: the target's `instance`, since every pod of a region shares the address. */
  readonly name: string;
}

/** How the federation authenticates to a server it scrapes or alerts to: HTTPS, basic auth with a password file. */
export interface HttpsClient {
  readonly username: string;
  /** The password as a file the federation pods mount, never inline in the config. */
  readonly passwordFile: string;
  readonly caFile: string;
  /** A name in the server's certificate: targets are reached by address. */
  readonly tlsServerName: string;
}

/** One region as the federation Prometheus scrapes it (its server certificate's name, its federation user). */
export interface FederatedRegion extends HttpsClient {
  readonly name: string;
  /** Every Prometheus pod of the region (every shard, every replica), one target each. */
  readonly prometheusTargets: readonly FederationTarget[];
}

/** How the federation Prometheus reaches the Alertmanager mesh (and scrapes it for the health board). */
export interface AlertmanagerClient extends HttpsClient {
  /** `host:port` of every peer: alerts go to each one directly. */
  readonly targets: readonly string[];
}

/**
 * Where the federation finds the replicas of a global workload it scrapes: a DNS name listing every one (a
 * headless Service, however many the autoscaler runs), or their addresses (the local topology).
 */
export type ScrapedReplicas =
  | { readonly dnsName: string; readonly port: number }
  | { readonly addresses: readonly string[] };

/**
 * The Query Frontend as the federation scrapes it: every replica, over HTTPS with a user of the frontend's
 * web config, which asks every path (`/metrics` too) for basic auth.
 */
export interface QueryFrontendClient extends HttpsClient {
  readonly replicas: ScrapedReplicas;
}

export interface FederationConfigParams {
  readonly clusterName: string;
  readonly replicaLabel: string;
  /** Value of the replica label: `${POD_NAME}` in the cluster, which Prometheus 3 expands from the environment. */
  readonly replica: string;
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  readonly rulesGlob: string;
  /** The regions it scrapes: every sidecar-mode region. */
  readonly regions: readonly FederatedRegion[];
  /**
   * The remote-write regions: none is scraped (an agent serves no /federate); their Rulers write the recorded
   * series to this Prometheus' remote-write receiver instead.
   */
  readonly writingRegions?: readonly string[];
  readonly alertmanager: AlertmanagerClient;
  /** Thanos Query's HTTP port, plain HTTP inside the cluster (NetworkPolicies admit the federation). */
  readonly thanosQuery: ScrapedReplicas;
  readonly queryFrontend: QueryFrontendClient;
}

export const ALERTMANAGER_SCRAPE_JOB = "alertmanager";
export const THANOS_QUERY_SCRAPE_JOB = "thanos-query";
/** The thanos-mixin's selector of the frontend (`job=~".*thanos-query-frontend.*"`) matches it. */
export const QUERY_FRONTEND_SCRAPE_JOB = "thanos-query-frontend";

/**
 * The federation's own cluster, as an external label no regional series carries: Thanos sets a store's
 * external labels over the labels of every series it serves, so a federation label named `cluster` would
 * overwrite the regional `cluster` of each federated series seen through Thanos Query.
 */
export const FEDERATION_CLUSTER_LABEL = "federation_cluster";

export function federateJobName(region: string): string {
  return `federate-${region}`;
}

/**
 * The global federation Prometheus: one `federate-<region>` job per region with `honor_labels: true`, so
 * every series keeps the `region`, `shard` and `prometheus_replica` labels its regional Prometheus gave it,
 * and `honor_timestamps: false`, so a lost replica's series go stale at once (see federateJob).
 */
export function federationPrometheusConfig(p: FederationConfigParams) {
  if (p.regions.length + (p.writingRegions?.length ?? 0) === 0)
    throw new Error("the federation Prometheus needs at least one region");
  return {
    global: {
      scrape_interval: p.scrapeInterval,
      evaluation_interval: p.evaluationInterval,
      external_labels: { [FEDERATION_CLUSTER_LABEL]: p.clusterName, [p.replicaLabel]: p.replica },
    },
    rule_files: [p.rulesGlob],
    alerting: {
      // Both federation replicas send the same alert; without their replica label the mesh sees one.
      alert_relabel_configs: [{ action: "labeldrop", regex: p.replicaLabel }],
      alertmanagers: [
        {
          api_version: "v2",
          ...httpsClient(p.alertmanager),
          static_configs: [{ targets: [...p.alertmanager.targets] }],
        },
      ],
    },
    scrape_configs: [
      ...p.regions.map((region) => federateJob(region, federateScrapeTimeout(p.scrapeInterval))),
      {
        job_name: ALERTMANAGER_SCRAPE_JOB,
        ...httpsClient(p.alertmanager),
        static_configs: [{ targets: [...p.alertmanager.targets] }],
      },
      { job_name: THANOS_QUERY_SCRAPE_JOB, ...discovery(p.thanosQuery) },
      { job_name: QUERY_FRONTEND_SCRAPE_JOB, ...httpsClient(p.queryFrontend), ...discovery(p.queryFrontend.replicas) },
    ],
  };
}

/**
 * Cross-region scrapes of pre-aggregated series are slower than local ones: they get two thirds of the
 * interval (20s of 30s), and Prometheus rejects a timeout longer than the interval.
 */
export function federateScrapeTimeout(scrapeInterval: string): string {
  const seconds = parseDuration(scrapeInterval);
  if (!seconds) throw new Error(`federation scrape interval '${scrapeInterval}' is not a positive Prometheus duration`);
  const ms = Math.floor((seconds * 1000 * 2) / 3);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

function federateJob(region: FederatedRegion, scrapeTimeout: string) {
  if (region.prometheusTargets.length === 0)
    throw new Error(`region '${region.name}' has no Prometheus pod to federate`);
  return {
    job_name: federateJobName(region.name),
    honor_labels: true,
    // The federation's own scrape time, not the sample's time in the region: only then does a failed scrape
    // of a lost replica write stale markers for its series (Prometheus marks no staleness for samples with
    // explicit timestamps), so its last values vanish at once instead of lingering for the 5-minute lookback.
    honor_timestamps: false,
    metrics_path: "/federate",
    params: { "match[]": federationMatchers() },
    // /federate serves native histograms (the regions' `region:*` histogram rules) over protobuf only, and
    // leaves them out of a text answer: the job asks for protobuf first and keeps them.
    scrape_protocols: PROTOBUF_FIRST,
    scrape_native_histograms: true,
    scrape_timeout: scrapeTimeout,
    ...httpsClient(region),
    // One group per pod: each sets its own path and instance (they all share the gateway's address).
    static_configs: region.prometheusTargets.map((t) => ({
      targets: [t.address],
      labels: { __metrics_path__: t.metricsPath, instance: t.name },
    })),
    metric_relabel_configs: [
      // Recording-rule series have no instance label, so the target's address would be attached and differ
      // between the two replicas of a shard; the replica label alone must tell them apart.
      {
        source_labels: ["__name__"],
        regex: `(${INSTANCELESS_RULE_LEVELS.join("|")}):.+`,
        target_label: "instance",
        replacement: "",
      },
    ],
  };
}

function discovery(replicas: ScrapedReplicas) {
  return "dnsName" in replicas
    ? { dns_sd_configs: [{ names: [replicas.dnsName], type: "A", port: replicas.port }] }
    : { static_configs: [{ targets: [...replicas.addresses] }] };
}

function httpsClient(c: HttpsClient) {
  return {
    scheme: "https",
    basic_auth: { username: c.username, password_file: c.passwordFile },
    tls_config: { ca_file: c.caFile, server_name: c.tlsServerName },
  };
}
