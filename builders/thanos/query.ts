import { type GrpcServerTls, grpcServerTlsArgs, listenArgs, thanosArgs, type ThanosListen } from "./common";

/**
 * Thanos Query of the global tier: every region's StoreAPIs (each Prometheus pod's sidecar and the store
 * gateway), all reached through the region gateway on one port and told apart by TLS server name, each with
 * that region's mutual-TLS client material and its own `server_name` (the SNI the gateway routes on).
 * Thanos keys endpoints by address and drops a second endpoint with the same one (removeDuplicateEndpointSpecs
 * in cmd/thanos/endpointset.go), so each StoreAPI gets its own address, which leads to the same gateway.
 * Endpoints come from `--endpoint.sd-config-file` (the per-endpoint `client_config` of cmd/thanos/endpointset.go,
 * which Thanos parses leniently: a misspelled key is ignored and the endpoint silently dialled in cleartext,
 * which is why the local topology runs this file through real mutual TLS);
 * the deprecated `--endpoint`, `--store.sd-files` and `--grpc-client-tls-*` flags are never used.
 */
export interface StoreApiEndpoint {
  /** `host:port`, unique among all endpoints. */
  readonly address: string;
  /** The TLS server name sent (SNI) and verified. */
  readonly serverName: string;
}

export interface RegionStoreEndpoints {
  readonly region: string;
  /** Every StoreAPI of the region: each Prometheus pod's sidecar and the store gateway. */
  readonly endpoints: readonly StoreApiEndpoint[];
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
}

/**
 * `inCluster` are StoreAPIs in the global cluster itself (the federation Prometheus sidecars, Thanos Receive
 * and its bucket's store gateways), reached without TLS inside the cluster network.
 */
export function endpointSdConfig(regions: readonly RegionStoreEndpoints[], inCluster: readonly string[] = []) {
  const all = [...inCluster, ...regions.flatMap((r) => r.endpoints.map((e) => e.address))];
  if (all.length === 0) throw new Error("Thanos Query needs at least one StoreAPI");
  const repeated = all.filter((a, i) => all.indexOf(a) !== i);
  if (repeated.length > 0)
    throw new Error(
      `Thanos Query would drop all but one endpoint at ${[...new Set(repeated)].join(", ")}: each StoreAPI needs its own address`,
    );
  return {
    endpoints: [
      ...inCluster.map((address) => ({ address, strict: false })),
      ...regions.flatMap((r) => {
        if (r.endpoints.length === 0) throw new Error(`region '${r.region}' has no StoreAPI address`);
        return r.endpoints.map((e) => ({
          address: e.address,
          // Not strict: a region that is down must not keep Query from answering about the others.
          strict: false,
          client_config: {
            server_name: e.serverName,
            tls_config: { enabled: true, cert_file: r.certFile, key_file: r.keyFile, ca_file: r.caFile },
          },
        }));
      }),
    ],
  };
}

export interface ThanosQueryArgsParams {
  readonly endpointConfigFile: string;
  /** The replica labels of every region's Prometheus pods: series differing only in them are one series. */
  readonly replicaLabels: readonly string[];
  readonly listen: ThanosListen;
  /**
   * `local` (the default): this Query fans out to every StoreAPI and evaluates PromQL itself, pulling every
   * matching series across regions. `distributed` (Thanos' experimental distributed engine): its endpoints are
   * leaf Queriers, one per region, each evaluating the query's parts over its own region's StoreAPIs, so only
   * partial results cross regions; it needs the Thanos PromQL engine.
   */
  readonly mode?: "local" | "distributed";
  /**
   * The PromQL engine: Prometheus' (Thanos' default) or Thanos' own (`thanos`, vectorised; the distributed mode
   * needs it). The benchmark's query path measures both on the same data.
   */
  readonly promqlEngine?: "prometheus" | "thanos";
  /** In distributed mode, the external labels that tell the leaves apart (`--query.partition-label`), e.g. `region`. */
  readonly partitionLabels?: readonly string[];
  /** A leaf Querier's StoreAPI, reached by the root across regions: mutual TLS as every region's StoreAPIs. */
  readonly grpcServerTls?: GrpcServerTls;
}

export function thanosQueryArgs(p: ThanosQueryArgsParams): string[] {
  const replicaLabels = [...new Set(p.replicaLabels)];
  if (replicaLabels.length === 0) throw new Error("Thanos Query needs the replica label to deduplicate on");
  return thanosArgs("query", listenArgs(p.listen), [
    `--endpoint.sd-config-file=${p.endpointConfigFile}`,
    ...replicaLabels.map((label) => `--query.replica-label=${label}`),
    "--deduplication.func=penalty",
    "--query.auto-downsampling",
    // A region that cannot answer yields a warning and the other regions' data, not an error.
    "--query.partial-response",
    ...(p.mode === "distributed" || p.promqlEngine === "thanos" ? ["--query.promql-engine=thanos"] : []),
    ...(p.mode === "distributed"
      ? ["--query.mode=distributed", ...(p.partitionLabels ?? []).map((label) => `--query.partition-label=${label}`)]
      : []),
    ...(p.grpcServerTls ? grpcServerTlsArgs(p.grpcServerTls) : []),
  ]);
}

/**
 * A Thanos Query that sees one tenant only: the Receive series a remote-write region wrote (their
 * `tenantLabel` equal to `tenant`). Every query is rewritten with that matcher (`--query.enforce-tenancy`,
 * the tenant the default since the region's Ruler sends no tenant header), so a recording rule's `sum(...)`
 * adds up that region alone, as the region's own Prometheus would.
 */
export interface TenantQueryArgsParams extends ThanosQueryArgsParams {
  readonly tenant: string;
  readonly tenantLabel: string;
}

export function tenantQueryArgs(p: TenantQueryArgsParams): string[] {
  return [
    ...thanosQueryArgs(p),
    "--query.enforce-tenancy",
    `--query.tenant-label-name=${p.tenantLabel}`,
    `--query.default-tenant-id=${p.tenant}`,
  ];
}
