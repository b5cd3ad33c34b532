/**
 * What makes the local topology fast: intervals in seconds instead of tens of seconds, so data and alerts
 * flow end to end in well under a minute. Everything else comes from the stacks' own config files.
 */
export const LOCAL_TIMING = {
  scrapeInterval: "1s",
  evaluationInterval: "1s",
  federationInterval: "2s",
  /** Prometheus drops an alert sent before file_sd has found the Alertmanagers and resends after this delay. */
  resendDelay: "2s",
  /** Every alert rule's `for`, so an induced alert fires in seconds rather than minutes. */
  alertFor: "3s",
  /**
   * The global alerts' `for`: longer than three federation scrapes, so one scrape a busy machine lets time out
   * (or the first one after the start) does not raise RegionUnreachable; and longer than the federation waits
   * at the start for Thanos Query and the frontend, which start after it (up to 7s seen on two busy cores), so
   * ThanosQueryIsDown and ThanosQueryFrontendIsDown stay pending; and longer than a remote-write region's first
   * recorded series take to reach it (its agents' first batch, its Rulers' first evaluation and their first
   * batch, each batch up to 5s: 15s seen), so its RegionUnreachable stays pending too.
   */
  globalAlertFor: "20s",
  groupWait: "1s",
  groupInterval: "5s",
  repeatInterval: "1h",
  /** The heartbeat's interval: the shortest the config allows. */
  heartbeatInterval: "30s",
  /** How long a peer waits for the peers before it in the mesh to notify before it does so itself. */
  peerTimeout: "2s",
  /**
   * Prometheus' min and max block duration (equal, as beside any uploading sidecar): the head is cut into a
   * block once it spans one and a half of these, and the sidecar ships it within its 30s sync, so blocks reach
   * the buckets within a minute of the start instead of after two hours.
   */
  blockDuration: "20s",
  /** The store gateways look for new blocks this often (3m in the clusters). */
  storeSyncInterval: "5s",
  /** The compactor runs again after this pause (5m in the clusters). */
  compactWaitInterval: "10s",
  /** Blocks younger than this are left to their uploader (30m in the clusters). */
  compactConsistencyDelay: "5s",
} as const;

/**
 * Default alerts the local regions leave out: their node_exporter reports the machine the topology runs on,
 * whose clock and disks are not the topology's to alert on (a container's clock is often not synchronised),
 * and the topology's shortened `for` turns predictions over a few seconds of data into noise.
 */
export const LOCAL_DISABLED_ALERTS = [
  "NodeClockNotSynchronising",
  "NodeClockSkewDetected",
  "NodeFilesystemSpaceFillingUp",
  "NodeFilesystemFilesFillingUp",
  "NodeMemoryHighUtilization",
];

export const LOCAL_REGIONS = ["us-east", "eu-west"] as const;
export const GLOBAL_STACK = "global";
/**
 * Each regional Prometheus keeps this little, so the e2e tests can ask for data only the store gateways
 * still have; nothing here outlives a run. The config's minimum (6h) protects the clusters' 2h blocks.
 */
export const LOCAL_RETENTION = "2m";
/** Job name of the synthetic service fleet in every region. */
export const FLEET_JOB = "synthetic-service";
export const LOCAL_RECEIVER = "local-webhook";

export interface LocalOptions {
  readonly shards: number;
  readonly targetsPerRegion: number;
  readonly basePort: number;
  /** Where the endpoints JSON is written. */
  readonly endpointsFile: string;
  /** The regions to run, a subset of LOCAL_REGIONS (default: all); the global tier federates only these. */
  readonly regions?: readonly string[];
  /**
   * The regions among those run whose `ingestion.mode` is remote-write: agents writing to the global tier's
   * Thanos Receive, their rules evaluated by a Ruler pair (default: none, every region in sidecar mode, as the
   * tests and the benchmark that read the regions' sidecars, store gateways and buckets need).
   */
  readonly remoteWriteRegions?: readonly string[];
  /** Scrape and rule evaluation interval of the regional Prometheus (default: LOCAL_TIMING's), for loads that 1s cannot carry. */
  readonly regionalInterval?: string;
  /**
   * Min and max block duration of the regional Prometheus (default: LOCAL_TIMING's 20s). A benchmark that sizes
   * memory sets the clusters' 2h, so the head and the WAL keep every sample of the run as in a cluster.
   */
  readonly blockDuration?: string;
  /**
   * Scheduling priority of every process (nice, 0-19; default 0). The quick benchmark runs the phases that only
   * count and weigh below the one whose checks are timings (alert latency, answers within the client's timeout).
   */
  readonly niceness?: number;
  /**
   * The Alertmanager peers' `--cluster.peer-timeout` (default: LOCAL_TIMING's 2s, so a lost peer's alerts still
   * arrive within the checks' waits). The benchmark's full run sets the clusters' value to measure duplicates.
   */
  readonly peerTimeout?: string;
}

/** What `npm start` runs in remote-write mode: one region in each mode, us-east dialled and eu-west writing out. */
export const RUNNER_REMOTE_WRITE_REGIONS: readonly string[] = ["eu-west"];

export const DEFAULT_OPTIONS: LocalOptions = {
  shards: 1,
  targetsPerRegion: 12,
  basePort: 19090,
  endpointsFile: ".local/endpoints.json",
};
