import type { StaticScrapeJob, Team } from "../../config/types";
import { teamJobs } from "../teams/jobs";
import { MONITORING_NAMESPACE, NAMES, PATHS, PORTS, REPLICA_LABEL } from "../regional/layout";
import { kubernetesJobs, scrapeTimeout, selfJobs, staticJobs, type ScrapeJobSettings } from "./scrape-jobs";
import type { ShardPosition } from "./sharding";
import { PROTOBUF_FIRST, type PrometheusConfig } from "./types";

/** Files the config points at; the defaults are the in-pod paths, the local topology passes its own. */
export interface PrometheusFiles {
  readonly rulesGlob: string;
  readonly federationPasswordFile: string;
  readonly tlsCaFile: string;
  readonly alertingPasswordFile: string;
  readonly alertingCaFile: string;
  readonly alertmanagerTargetsFile: string;
  readonly serviceAccountTokenFile: string;
  readonly serviceAccountCaFile: string;
  /** Where the copy of the teams' credentials and TLS material is mounted (builders/teams/credentials.ts). */
  readonly teamCredentialsDir: string;
}

export const IN_POD_FILES: PrometheusFiles = {
  rulesGlob: `${PATHS.rulesDir}/*.yaml`,
  federationPasswordFile: PATHS.federationPasswordFile,
  tlsCaFile: PATHS.tlsCaFile,
  alertingPasswordFile: PATHS.alertingPasswordFile,
  alertingCaFile: PATHS.alertingCaFile,
  alertmanagerTargetsFile: PATHS.alertmanagerTargetsFile,
  serviceAccountTokenFile: PATHS.serviceAccountToken,
  serviceAccountCaFile: PATHS.serviceAccountCa,
  teamCredentialsDir: PATHS.teamCredentialsDir,
};

export interface PrometheusConfigParams {
  /** The regional stack's name: the `region` external label. */
  readonly region: string;
  readonly cloud: string;
  readonly cluster: string;
  readonly position: ShardPosition;
  /** The replica label's value: `$(POD_NAME)` in a cluster (substituted per pod), a literal name elsewhere. */
  readonly replica: string;
  readonly scrapeInterval: string;
  readonly evaluationInterval: string;
  readonly sampleLimit: number;
  readonly labelLimit: number;
  /**
   * Scrape native histograms (protobuf asked for first) and keep the classic buckets of histograms exposed both
   * ways; false: classic histograms only, said explicitly so an upgrade of Prometheus' default changes nothing.
   */
  readonly nativeHistograms: boolean;
  readonly staticJobs: readonly StaticScrapeJob[];
  /** The teams' ServiceMonitor- and PodMonitor-shaped jobs (builders/teams/jobs.ts), discovered through Kubernetes. */
  readonly teams?: readonly Team[];
  /** Basic-auth user of the region's Prometheus web endpoint (federation, self-scrape). */
  readonly federationUsername: string;
  /** Name in the region's server certificate. */
  readonly tlsServerName: string;
  /** Basic-auth user this Prometheus presents to the global Alertmanagers. */
  readonly alertingUsername: string;
  /** Name in the Alertmanagers' certificates. */
  readonly alertmanagerServerName: string;
  /**
   * Where there is no Kubernetes API (the local topology): static jobs, sharded like the rest, standing in
   * for what the Kubernetes jobs would discover (node-exporter, the Thanos store gateways and compactor),
   * under the job names the alerts select on. Absent: the Kubernetes jobs.
   */
  readonly discoveredStandIns?: readonly StaticScrapeJob[];
  /** Where this Prometheus and its sidecar listen (defaults: the in-pod ports); no sidecar port, no sidecar job. */
  readonly localPorts?: { readonly web: number; readonly sidecarHttp?: number };
  readonly files?: PrometheusFiles;
}

/** The external labels of one Prometheus pod: the same for every replica of a region except the replica label. */
export function externalLabels(
  p: Pick<PrometheusConfigParams, "region" | "cloud" | "cluster" | "position" | "replica">,
): Record<string, string> {
  return {
    region: p.region,
    cloud: p.cloud,
    cluster: p.cluster,
    shard: String(p.position.shard),
    [REPLICA_LABEL]: p.replica,
  };
}

/** The Prometheus configuration of one shard and replica of a region. */
export function prometheusConfig(p: PrometheusConfigParams): PrometheusConfig {
  const files = p.files ?? IN_POD_FILES;
  const settings: ScrapeJobSettings = {
    position: p.position,
    sampleLimit: p.sampleLimit,
    labelLimit: p.labelLimit,
    monitoringNamespace: MONITORING_NAMESPACE,
    serviceAccountTokenFile: files.serviceAccountTokenFile,
    serviceAccountCaFile: files.serviceAccountCaFile,
    nodeExporterName: NAMES.nodeExporter,
    kubeStateMetricsName: NAMES.kubeStateMetrics,
    thanosWorkloadNames: [NAMES.storeGateway, NAMES.compactor],
  };
  const self = selfJobs(settings, {
    port: p.localPorts?.web ?? PORTS.prometheusWeb,
    sidecarHttpPort: p.localPorts ? p.localPorts.sidecarHttp : PORTS.thanosHttp,
    username: p.federationUsername,
    passwordFile: files.federationPasswordFile,
    caFile: files.tlsCaFile,
    serverName: p.tlsServerName,
  });
  const discovered = p.discoveredStandIns ? staticJobs(p.discoveredStandIns, settings) : kubernetesJobs(settings);
  // Without a Kubernetes API (discoveredStandIns) nothing discovers the teams' targets.
  const teams = p.discoveredStandIns ? [] : teamJobs(p.teams ?? [], settings, files.teamCredentialsDir);
  const scrapeConfigs = [...self, ...discovered, ...staticJobs(p.staticJobs, settings), ...teams];
  const names = scrapeConfigs.map((job) => job.job_name);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate)
    throw new Error(
      `scrape job '${duplicate}' is defined twice: static jobs must not reuse a built-in job name (${names.join(", ")})`,
    );
  return {
    global: {
      scrape_interval: p.scrapeInterval,
      scrape_timeout: scrapeTimeout(p.scrapeInterval),
      evaluation_interval: p.evaluationInterval,
      external_labels: externalLabels(p),
      ...histogramScraping(p.nativeHistograms),
    },
    rule_files: [files.rulesGlob],
    alerting: {
      // Replicas of a shard send the same alerts; without their replica label the Alertmanagers see one.
      alert_relabel_configs: [{ regex: REPLICA_LABEL, action: "labeldrop" }],
      alertmanagers: [
        {
          scheme: "https",
          api_version: "v2",
          timeout: "10s",
          basic_auth: { username: p.alertingUsername, password_file: files.alertingPasswordFile },
          tls_config: { ca_file: files.alertingCaFile, server_name: p.alertmanagerServerName },
          // Every Alertmanager of the mesh is listed (no load balancer in between); the global stack writes
          // the list into a ConfigMap that Prometheus mounts as optional, so a region runs before it exists.
          file_sd_configs: [{ files: [files.alertmanagerTargetsFile], refresh_interval: "1m" }],
        },
      ],
    },
    scrape_configs: scrapeConfigs,
  };
}

/**
 * The global scrape settings for histograms. Native ones arrive only over protobuf; the classic `_bucket`
 * series of a histogram a target exposes both ways are kept (`always_scrape_classic_histograms`), because
 * dashboards and rules written for them (`histogram_quantile(..., sum by (le) (...))`) would otherwise go empty.
 */
export function histogramScraping(native: boolean): Partial<PrometheusConfig["global"]> {
  return native
    ? { scrape_protocols: PROTOBUF_FIRST, scrape_native_histograms: true, always_scrape_classic_histograms: true }
    : { scrape_native_histograms: false };
}
