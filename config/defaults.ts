/**
 * What every component runs with unless a stack says otherwise, by component. config/schema.ts gives each
 * config key its default from here (and so Pulumi.yaml's `config:` section and docs/configuration.md's reference,
 * which `npm run config:docs` writes from the schema); the builders read the settings that are not keys.
 * Defaults that depend on the stack's cloud and region (zones, machine types, database classes) are with
 * the cloud's facts in ./cloud/.
 */
export const DEFAULTS = {
  cluster: {
    kubernetesVersion: "1.33",
    vpcCidr: "10.0.0.0/16",
    minNodes: 3,
    /** maxNodes, unless given: this many, or minNodes when that is more. */
    maxNodesAtLeast: 6,
    nodeDiskGiB: 100,
    releaseChannel: "REGULAR",
  },
  prometheus: {
    replicas: 2,
    shards: "auto",
    scrapeInterval: "30s",
    evaluationInterval: "30s",
    retention: "24h",
    sampleLimit: 50_000,
    labelLimit: 64,
    nativeHistograms: true,
  },
  staticJob: { metricsPath: "/metrics", scheme: "http" },
  /** A team's ServiceMonitor- or PodMonitor-shaped endpoint (config/teams-schema.ts). */
  teamEndpoint: { path: "/metrics", scheme: "http", authorizationType: "Bearer" },
  expectedLoad: { targets: 200, seriesPerTarget: 1000 },
  bucketRetention: { raw: "30d", fiveMinutes: "180d", oneHour: "2y" },
  /** HAProxy holds connections, not data: a small request covers federation scrapes and StoreAPI streams. */
  gateway: { resources: { cpuRequest: "100m", memoryRequest: "64Mi", memoryLimit: "256Mi" } },
  /** Where a region on a cluster the user runs is reached (kubernetes.exposure), unless its stack says. */
  exposure: { type: "load-balancer" as const, nodePorts: { federation: 30943, storeApi: 30901 } },
  /** The interval and delays are Thanos' own defaults, written out so the pod spec says what runs. */
  storeGateway: { replicas: 2, syncInterval: "3m" },
  compactor: { waitInterval: "5m", consistencyDelay: "30m" },
  /**
   * How a region's samples reach the global tier (ingestion.mode): its sidecars' StoreAPIs and /federate, or
   * Prometheus in agent mode writing to the global tier's Thanos Receive. The agent keeps its write-ahead log
   * for `walRetention` while Receive cannot be reached, and sends it on when the link is back.
   */
  ingestion: { mode: "sidecar" as const, walRetention: "4h" },
  /**
   * Thanos Receive in the global tier, for the remote-write regions: `replicas` pods in one hashring, each
   * sample written to 3 of them (RECEIVE.replicationFactor, not a key: fewer loses samples with one pod). The
   * per-tenant limits bound each region's requests (Thanos' request limits; 0 is no limit) and their
   * concurrency.
   */
  receive: {
    replicas: 3,
    retention: "24h",
    limits: { requestSeries: 20_000, requestSamples: 100_000, requestBytes: 4 * 1024 * 1024, maxConcurrency: 30 },
    resources: { cpuRequest: "500m", memoryRequest: "2Gi", memoryLimit: "4Gi" },
    /** Each pod's volume: its TSDB of `retention` (24h by default) for every tenant, and its write-ahead log. */
    diskGiB: 50,
    /**
     * What reads Receive's bucket, sized as a region's of about a million series would be (builders/sizing):
     * the global tier knows no region's load, and both scale with the blocks queried, not with ingestion.
     */
    storeGateway: {
      cpuRequest: "750m",
      cpuLimit: "1500m",
      memoryRequest: "1536Mi",
      memoryLimit: "2304Mi",
      diskGiB: 10,
      // A quarter of the request each for the index and the chunk cache, as builders/sizing gives a region's.
      indexCacheSizeMiB: 384,
      chunkCacheSizeMiB: 384,
    },
    compactor: { cpuRequest: "500m", cpuLimit: "1000m", memoryRequest: "2048Mi", memoryLimit: "3072Mi", diskGiB: 50 },
  },
  /** The Thanos Ruler pair evaluating each remote-write region's rules (an agent evaluates none). */
  ruler: { resources: { cpuRequest: "100m", memoryRequest: "256Mi", memoryLimit: "1Gi" } },
  /** The global federation Prometheus scrapes and evaluates at one interval. */
  federation: {
    replicas: 2,
    interval: "30s",
    /** It holds the regions' pre-aggregated series only; the sidecar ships its blocks. */
    resources: { cpuRequest: "500m", memoryRequest: "2Gi", memoryLimit: "4Gi" },
    sidecarResources: { cpuRequest: "100m", memoryRequest: "256Mi", memoryLimit: "1Gi" },
  },
  query: {
    minReplicas: 2,
    /** maxReplicas, unless given: this many, or minReplicas when that is more. */
    maxReplicasAtLeast: 6,
    resources: { cpuRequest: "250m", memoryRequest: "1Gi", memoryLimit: "2Gi" },
  },
  /**
   * memcached for the frontends' results: two replicas, so a restart loses half the cache, not all of it. Each
   * holds `memoryMiB` of items; its request covers that and memcached's own connection and slab overhead.
   */
  resultsCache: {
    replicas: 2,
    memoryMiB: 512,
    /** Thanos' defaults: a day per cached extent, and memcached's own 1 MiB largest item. */
    expiration: "24h",
    maxItemSize: "1MiB",
    resources: { cpuRequest: "100m", memoryRequest: "640Mi", memoryLimit: "768Mi" },
  },
  queryFrontend: {
    splitInterval: "24h",
    /** The local topology's one frontend keeps its results in memory, up to this much. */
    responseCacheSize: "512MB",
    /** In the clusters the results live in memcached (resultsCache): a frontend holds the queries in flight. */
    resources: { cpuRequest: "250m", memoryRequest: "512Mi", memoryLimit: "1Gi" },
    /** The container that carries its readiness probe: a shell waiting, and promtool every 10 s. */
    readyCheckResources: { cpuRequest: "10m", memoryRequest: "32Mi", memoryLimit: "64Mi" },
  },
  alertmanager: {
    replicas: 3,
    groupBy: ["alertname", "cluster", "service"],
    groupWait: "30s",
    groupInterval: "5m",
    repeatInterval: "4h",
    heartbeatInterval: "1m",
    slackChannel: "#alerts",
    opsgenieApiUrl: "https://api.opsgenie.com",
    resources: { cpuRequest: "100m", memoryRequest: "256Mi", memoryLimit: "512Mi" },
  },
  grafana: {
    minReplicas: 3,
    /** maxReplicas, unless given: this many, or minReplicas when that is more. */
    maxReplicasAtLeast: 6,
    resources: { cpuRequest: "200m", memoryRequest: "256Mi", memoryLimit: "1Gi" },
    sso: {
      name: "SSO",
      /** `groups` is the scope Okta, Dex, Authelia and Keycloak's groups client scope release the groups claim under. */
      scopes: ["openid", "email", "profile", "groups"],
      groupsClaim: "groups",
    },
  },
  database: { storageGiB: 50, backupRetentionDays: 7, postgresVersion: "16" },
  /** Inside the leaf certificates' 30-day early-renewal window, so a monthly `pulumi up` keeps it quiet. */
  certificateWarningDays: 14,
  alerts: {
    /**
     * The README names no public repository yet: the default is the project's name on GitHub, where this
     * repository's docs/runbooks.md is published. A fork or a mirror sets alerts.runbookBaseUrl to its own copy.
     */
    runbookBaseUrl: "https://github.com/multicloud-monitoring/multicloud-monitoring/blob/main/docs/runbooks.md",
  },
} as const;
