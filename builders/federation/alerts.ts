import { REPLICA_LABEL } from "../../contracts/regional-outputs";
import { WATCHDOG_ALERT } from "../alertmanager/config";
import type { AlertingRule, RuleFile } from "../rules/types";
import { GRPC_SERVER_ERRORS } from "../rules/thanos";
import { QUERY_FRONTEND_HANDLER } from "../thanos/query-frontend";
import { ALERTMANAGER_SCRAPE_JOB, QUERY_FRONTEND_SCRAPE_JOB, THANOS_QUERY_SCRAPE_JOB, federateJobName } from "./config";
import { ESSENTIAL_SERIES, REGIONAL_RECORDING_RULES } from "./series";

/** A region as the global alerts name it. */
export interface AlertedRegion {
  readonly name: string;
  /** The region's Kubernetes cluster, the `cluster` label of the region's own alerts. */
  readonly clusterName: string;
  /**
   * A remote-write region has no federate job: its agents write to Receive and its Ruler pair writes the
   * recorded series to the federation. Sidecar (federated) unless said.
   */
  readonly remoteWrite?: boolean;
}

export const REGION_UNREACHABLE = "RegionUnreachable";
export const COMPACTOR_MISSING = "ThanosCompactMissing";
/** The `service` label of the missing-compactor alert. */
export const COMPACTOR_SERVICE = "thanos-compact";
/** The `service` label of the global alerts: what is lost is the region's Prometheus as the federation reaches it. */
export const FEDERATION_SERVICE = "federation";

/** The Alertmanager mesh as the federation Prometheus scrapes it. */
export interface AlertedMesh {
  /** Peers the mesh is configured with: each should see all of them. */
  readonly peers: number;
}

/** The alerts on the federation's scrapes of the global components: every replica down, or some. */
export const SCRAPE_ALERTS = {
  alertmanagerPeersDown: "AlertmanagerPeersDown",
  queryDown: "ThanosQueryIsDown",
  queryReplicasDown: "ThanosQueryReplicasDown",
  frontendDown: "ThanosQueryFrontendIsDown",
  frontendReplicasDown: "ThanosQueryFrontendReplicasDown",
} as const;

/** Share of a global component's scraped replicas that may fail their scrapes before someone should look (kube-prometheus' TargetDown: 10%). */
const REPLICAS_DOWN_RATIO = 0.1;

/** A global component the federation scrapes, as its scrape alerts name it. */
interface ScrapedComponent {
  /** Its scrape job: the alerts' `service` label, as on the component's other alerts. */
  readonly job: string;
  /** What the component is, to start a sentence: "Thanos Query". */
  readonly name: string;
  /** One of its replicas, in the plural: "Thanos Query replicas". */
  readonly replicas: string;
}

/**
 * Every replica of a global component fails the federation's scrapes, or none is discovered at all: the
 * thanos-mixin's `<Component>IsDown`. On the exact job: the mixin's `job=~".*thanos-query.*"` matches the
 * frontend's job too, so an answering frontend would hide a Query that is gone. While it fires, the
 * component's error and latency alerts have no series to fire on.
 */
function componentDown(c: ScrapedComponent, alert: string, impact: string): AlertingRule {
  return {
    alert,
    expr: `absent(up{job="${c.job}"} == 1)`,
    for: "5m",
    labels: { service: c.job, severity: "critical" },
    annotations: {
      summary: `${c.name} is down.`,
      description: `None of the ${c.replicas} has answered the federation's scrapes for 5 minutes, or none is discovered: ${impact}`,
    },
  };
}

/**
 * Some replicas of a global component fail the federation's scrapes: the share of its targets with
 * `up == 0` for 10 minutes, as kube-prometheus' TargetDown (and the regions' own) computes it. Only while another replica answers: every replica
 * failing is the component's critical alert (for the mesh, the heartbeat's silence).
 */
function replicasDown(c: ScrapedComponent, alert: string, impact: string): AlertingRule {
  const up = `up{job="${c.job}"}`;
  return {
    alert,
    expr: `count by (job) (${up} == 0) / count by (job) (${up}) > ${REPLICAS_DOWN_RATIO} and count by (job) (${up} == 1) > 0`,
    for: "10m",
    labels: { service: c.job, severity: "warning" },
    annotations: {
      summary: `Some ${c.replicas} fail the federation's scrapes.`,
      description: `{{ $value | humanizePercentage }} of the ${c.replicas} have failed the federation's scrapes for 10 minutes: ${impact}`,
    },
  };
}

/**
 * Alerts the federation Prometheus evaluates about the regions it federates, one pair per region so an
 * absent region is named. Both alerts of a pair are `RegionUnreachable` with the same `cluster` and `service`,
 * so while the critical one fires the Alertmanagers' critical-inhibits-warning rule silences the warning.
 * The federation also sees every shard of a region at once, so it is where a missing compactor can be told
 * from a shard that does not scrape it. The Watchdog proves the federation's own path to the Alertmanager
 * mesh; the regional one proves only the region's.
 */
export function globalAlertRules(regions: readonly AlertedRegion[], mesh: AlertedMesh): RuleFile<AlertingRule> {
  return {
    groups: [
      {
        name: "global-federation-alerts",
        rules: [...regions.flatMap(regionAlerts), watchdog()],
      },
      alertmanagerAlerts(ALERTMANAGER_SCRAPE_JOB, mesh),
      thanosQueryAlerts(THANOS_QUERY_SCRAPE_JOB),
      queryFrontendAlerts(QUERY_FRONTEND_SCRAPE_JOB),
    ],
  };
}

/** Share of notifications to one integration that may fail before someone should look (the alertmanager-mixin's 1%). */
const FAILED_NOTIFICATIONS_RATIO = 0.01;

/**
 * Alerts on the Alertmanager mesh, written after what the alertmanager-mixin covers. Only the federation
 * scrapes the peers; its `service` label groups the mesh's alerts apart from the regions'. No alert says the
 * whole mesh is down: no peer would deliver it. The Watchdogs then stop reaching the heartbeat receiver, and
 * the heartbeat service outside the stack pages on their silence (`alerting.heartbeat`).
 */
function alertmanagerAlerts(job: string, mesh: AlertedMesh) {
  const am = `job="${job}"`;
  const peers: ScrapedComponent = { job, name: "The Alertmanager mesh", replicas: "Alertmanager peers" };
  // Failures carry a `reason` the totals do not: summed away, each failure ratio is one per peer and integration.
  const failedRatio = `sum without (reason) (rate(alertmanager_notifications_failed_total{${am}}[5m])) / rate(alertmanager_notifications_total{${am}}[5m])`;
  const labels = { service: ALERTMANAGER_SCRAPE_JOB };
  return {
    name: "alertmanager",
    rules: [
      {
        alert: "AlertmanagerFailedReload",
        expr: `max_over_time(alertmanager_config_last_reload_successful{${am}}[5m]) == 0`,
        for: "10m",
        labels: { ...labels, severity: "critical" as const },
        annotations: {
          summary: "An Alertmanager failed to reload its configuration.",
          description:
            "{{ $labels.instance }} has rejected its configuration for 10 minutes: it runs on the last one it accepted, and the next restart fails.",
        },
      },
      {
        alert: "AlertmanagerMembersInconsistent",
        // Against the configured count, not the peers' own view: a lost peer lowers what every other one sees.
        expr: `max_over_time(alertmanager_cluster_members{${am}}[5m]) < ${mesh.peers}`,
        for: "15m",
        labels: { ...labels, severity: "critical" as const },
        annotations: {
          summary: "An Alertmanager does not see every peer of the mesh.",
          description: `{{ $labels.instance }} has seen {{ $value }} of the mesh's ${mesh.peers} peers for 15 minutes: notifications may be duplicated or silences lost.`,
        },
      },
      {
        alert: "AlertmanagerFailedToSendAlerts",
        expr: `${failedRatio} > ${FAILED_NOTIFICATIONS_RATIO}`,
        for: "5m",
        labels: { ...labels, severity: "warning" as const },
        annotations: {
          summary: "An Alertmanager fails to send notifications.",
          description:
            "{{ $labels.instance }} fails to send {{ $value | humanizePercentage }} of its notifications to {{ $labels.integration }}.",
        },
      },
      {
        alert: "AlertmanagerClusterFailedToSendAlerts",
        // Every peer failing the same integration: it is the receiver (or its credentials), not one peer.
        expr: `min by (integration) (${failedRatio}) > ${FAILED_NOTIFICATIONS_RATIO}`,
        for: "5m",
        labels: { ...labels, severity: "critical" as const },
        annotations: {
          summary: "Every Alertmanager fails to send notifications to one integration.",
          description:
            "The mesh fails to send at least {{ $value | humanizePercentage }} of its notifications to {{ $labels.integration }}: alerts routed there do not arrive.",
        },
      },
      // A peer that gossips but refuses the federation's scrape (its credentials, its certificate) is not
      // missing from the mesh: only its scrapes say the federation no longer sees its reloads and failures.
      replicasDown(
        peers,
        SCRAPE_ALERTS.alertmanagerPeersDown,
        "the federation sees neither their reloads nor their failed notifications, and Prometheus may fail to send alerts to them too.",
      ),
    ],
  };
}

function regionAlerts(region: AlertedRegion): AlertingRule[] {
  return region.remoteWrite ? remoteWriteRegionAlerts(region) : federatedRegionAlerts(region);
}

/** Every regional Prometheus (and every Ruler of a remote-write region) records job:up:count whenever the region answers. */
function regionAnswers(region: AlertedRegion): string {
  return `${REGIONAL_RECORDING_RULES.targetsScraped}{region="${region.name}"}`;
}

function regionLabels(region: AlertedRegion) {
  return { region: region.name, cluster: region.clusterName, service: FEDERATION_SERVICE };
}

function federatedRegionAlerts(region: AlertedRegion): AlertingRule[] {
  const up = `up{job="${federateJobName(region.name)}"}`;
  const answers = regionAnswers(region);
  const labels = regionLabels(region);
  return [
    {
      alert: REGION_UNREACHABLE,
      // `or on()` keeps one series even when both sides fire, so the rule labels never collide.
      expr: `absent(${up} == 1) or on() absent(${answers})`,
      for: "5m",
      labels: { ...labels, severity: "critical" },
      annotations: {
        summary: `Region ${region.name} is unreachable from the global federation.`,
        description: `No Prometheus pod of ${region.name} has been federated, or none serves the region's recording rules, for 5 minutes: its global series and dashboards are missing.`,
      },
    },
    {
      alert: REGION_UNREACHABLE,
      expr: `count(${up} == 0) > 0`,
      for: "10m",
      labels: { ...labels, severity: "warning" },
      annotations: {
        summary: `Some Prometheus pods of region ${region.name} are unreachable from the global federation.`,
        description: `{{ $value }} Prometheus pod(s) of ${region.name} have failed every federation scrape for 10 minutes: the region runs without a spare replica.`,
      },
    },
    {
      alert: COMPACTOR_MISSING,
      // The compactor exports thanos_compact_halted from its start, so the series is absent only when no
      // compactor is scraped: scaled to zero, deleted, crash-looping or unschedulable. Only while the region
      // answers: an unreachable region is RegionUnreachable.
      expr: `absent(${ESSENTIAL_SERIES.compactorHalted}{region="${region.name}"}) and on() count(${answers}) > 0`,
      for: "15m",
      labels: { region: region.name, cluster: region.clusterName, service: COMPACTOR_SERVICE, severity: "critical" },
      annotations: {
        summary: `Region ${region.name} runs no Thanos compactor.`,
        description: `No compactor of ${region.name} has been scraped for 15 minutes: its bucket is neither compacted, downsampled nor trimmed to its retention, and nothing says so but this alert.`,
      },
    },
  ];
}

/**
 * A remote-write region is never scraped: what reaches the federation is its Ruler pair's recorded series,
 * evaluated over what its agents wrote to Receive. They stop when the region's samples stop arriving (its
 * link, its agents, Receive) or its Rulers stop; one Ruler's series stopping leaves the region without a
 * spare. It runs no compactor of its own (Receive's bucket has the global tier's), hence no such alert.
 */
function remoteWriteRegionAlerts(region: AlertedRegion): AlertingRule[] {
  const answers = regionAnswers(region);
  const labels = regionLabels(region);
  return [
    {
      alert: REGION_UNREACHABLE,
      expr: `absent(${answers})`,
      for: "5m",
      labels: { ...labels, severity: "critical" },
      annotations: {
        summary: `Region ${region.name} writes nothing the global tier can read.`,
        description: `No recorded series of ${region.name} has reached the federation for 5 minutes: its agents cannot reach Thanos Receive, or its Rulers do not run. Its global series and dashboards are missing; its agents keep their write-ahead log and resend it once the link is back.`,
      },
    },
    {
      alert: REGION_UNREACHABLE,
      expr: `count(count by (${REPLICA_LABEL}) (${answers})) < 2`,
      for: "10m",
      labels: { ...labels, severity: "warning" },
      annotations: {
        summary: `One Ruler of region ${region.name} writes nothing to the federation.`,
        description: `Only {{ $value }} Ruler of ${region.name} has written the region's recorded series for 10 minutes: its rules are evaluated without a spare.`,
      },
    },
  ];
}

/** The thanos-mixin's latency bounds of Thanos Query: 40s for an instant query, 90s for a range query (99th percentile). */
const QUERY_LATENCY_SECONDS = { query: 40, query_range: 90 } as const;
/** Share of a Thanos HTTP handler's requests that may fail with a server error (the thanos-mixin's 5%). */
const HTTP_ERROR_RATIO = 0.05;

/** The share of the HTTP requests `selector` picks that fail with a server error, by `by`. */
function httpErrorRatio(selector: string, by: string): string {
  return `sum by (${by}) (rate(http_requests_total{${selector}, code=~"5.."}[5m])) / sum by (${by}) (rate(http_requests_total{${selector}}[5m]))`;
}

/** The 99th percentile of the HTTP requests `selector` picks, above `seconds`, while there are requests at all. */
function httpLatencyAbove(selector: string, seconds: number): string {
  return (
    `histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket{${selector}}[5m]))) > ${seconds}` +
    ` and sum by (job) (rate(http_request_duration_seconds_count{${selector}}[5m])) > 0`
  );
}

/**
 * Alerts on Thanos Query, the global view Grafana and users read through the Query Frontend, written after
 * what the thanos-mixin covers. Summed over the replicas the autoscaler runs: one replica's errors are a
 * share of the whole.
 */
function thanosQueryAlerts(job: string) {
  const q = `job="${job}"`;
  const query: ScrapedComponent = { job, name: "Thanos Query", replicas: "Thanos Query replicas" };
  const labels = { service: THANOS_QUERY_SCRAPE_JOB };
  const latency = (handler: keyof typeof QUERY_LATENCY_SECONDS, alert: string, what: string): AlertingRule => ({
    alert,
    expr: httpLatencyAbove(`${q}, handler="${handler}"`, QUERY_LATENCY_SECONDS[handler]),
    for: "10m",
    labels: { ...labels, severity: "critical" },
    annotations: {
      summary: `Thanos Query answers ${what} slowly.`,
      description: `The 99th percentile of ${what} takes {{ $value | humanize }}s, above ${QUERY_LATENCY_SECONDS[handler]}s: dashboards time out.`,
    },
  });
  return {
    name: "thanos-query",
    rules: [
      {
        alert: "ThanosQueryHttpRequestErrorRateHigh",
        expr: `${httpErrorRatio(`${q}, handler=~"query|query_range"`, "job, handler")} > ${HTTP_ERROR_RATIO}`,
        for: "5m",
        labels: { ...labels, severity: "critical" as const },
        annotations: {
          summary: "Thanos Query fails queries.",
          description:
            "{{ $value | humanizePercentage }} of the {{ $labels.handler }} requests to Thanos Query fail: dashboards and the global view are broken.",
        },
      },
      {
        alert: "ThanosQueryGrpcClientErrorRate",
        expr:
          `sum by (job) (rate(grpc_client_handled_total{${q}, grpc_code=~"${GRPC_SERVER_ERRORS}"}[5m]))` +
          ` / sum by (job) (rate(grpc_client_started_total{${q}}[5m])) > 0.05`,
        for: "5m",
        labels: { ...labels, severity: "warning" as const },
        annotations: {
          summary: "Thanos Query's requests to the StoreAPIs fail.",
          description:
            "{{ $value | humanizePercentage }} of Thanos Query's requests to the regions' sidecars and store gateways fail: answers are partial.",
        },
      },
      {
        alert: "ThanosQueryHighDNSFailures",
        expr:
          `sum by (job) (rate(thanos_query_endpoints_dns_failures_total{${q}}[5m]))` +
          ` / sum by (job) (rate(thanos_query_endpoints_dns_lookups_total{${q}}[5m])) > 0.01`,
        for: "15m",
        labels: { ...labels, severity: "warning" as const },
        annotations: {
          summary: "Thanos Query fails to resolve its StoreAPI endpoints.",
          description:
            "{{ $value | humanizePercentage }} of Thanos Query's DNS lookups of its endpoints fail: the regions behind them are missing from queries.",
        },
      },
      latency("query", "ThanosQueryInstantLatencyHigh", "instant queries"),
      latency("query_range", "ThanosQueryRangeLatencyHigh", "range queries"),
      componentDown(
        query,
        SCRAPE_ALERTS.queryDown,
        "the Query Frontend has nothing to send queries to, so Grafana's dashboards and the global view are down.",
      ),
      replicasDown(
        query,
        SCRAPE_ALERTS.queryReplicasDown,
        "the others answer every query, without a spare, and the failing ones' errors and latency go unseen.",
      ),
    ],
  };
}

/** The rule group of the Query Frontend's alerts. */
export const QUERY_FRONTEND_ALERT_GROUP = "thanos-query-frontend";

/**
 * Alerts on the Query Frontend, where Grafana and users enter the global view, after the thanos-mixin's
 * Thanos Query alerts: the mixin (v0.42.4) has no alert of the frontend's own (its IsDown alerts leave the
 * frontend out too), nor any on its results cache, whose failures the frontend counts as misses and answers
 * from Query. One handler serves every path, so one error ratio and one latency cover them, with the mixin's
 * range-query bound (the frontend exists to split and cache range queries). They fire beside Query's when
 * Query fails, and alone when the frontend cannot reach Query at all (Query then sees no request to fail).
 */
function queryFrontendAlerts(job: string) {
  const frontend = `job="${job}", handler="${QUERY_FRONTEND_HANDLER}"`;
  const replicas: ScrapedComponent = { job, name: "The Thanos Query Frontend", replicas: "Query Frontend replicas" };
  const labels = { service: QUERY_FRONTEND_SCRAPE_JOB };
  return {
    name: QUERY_FRONTEND_ALERT_GROUP,
    rules: [
      {
        alert: "ThanosQueryFrontendHttpRequestErrorRateHigh",
        expr: `${httpErrorRatio(frontend, "job")} > ${HTTP_ERROR_RATIO}`,
        for: "5m",
        labels: { ...labels, severity: "critical" as const },
        annotations: {
          summary: "The Thanos Query Frontend fails requests.",
          description:
            "{{ $value | humanizePercentage }} of the requests to the Query Frontend fail with a server error: Grafana's dashboards and the global view are broken.",
        },
      },
      {
        alert: "ThanosQueryFrontendLatencyHigh",
        expr: httpLatencyAbove(frontend, QUERY_LATENCY_SECONDS.query_range),
        for: "10m",
        labels: { ...labels, severity: "critical" as const },
        annotations: {
          summary: "The Thanos Query Frontend answers slowly.",
          description: `The 99th percentile of the Query Frontend's requests takes {{ $value | humanize }}s, above ${QUERY_LATENCY_SECONDS.query_range}s: dashboards time out.`,
        },
      },
      // The frontend asks its scrapes for basic auth: a password the federation no longer shares fails them
      // all, and with them every series its error and latency alerts read.
      componentDown(
        replicas,
        SCRAPE_ALERTS.frontendDown,
        "either every replica is gone, and with them Grafana's dashboards and the global view, or the federation's credentials no longer match (the scrape error says which); either way the frontend's error and latency alerts cannot fire.",
      ),
      replicasDown(
        replicas,
        SCRAPE_ALERTS.frontendReplicasDown,
        "the others serve every request, without a spare, and the failing ones' errors and latency go unseen.",
      ),
    ],
  };
}

function watchdog(): AlertingRule {
  return {
    alert: WATCHDOG_ALERT,
    expr: "vector(1)",
    labels: { service: FEDERATION_SERVICE, severity: "none" },
    annotations: {
      summary: "Always firing: proves the global federation's alerting pipeline works end to end.",
      description: "If this alert stops arriving, alerts about lost regions are not being delivered.",
    },
  };
}
