import { listenArgs, thanosArgs, ThanosListen } from "./common";

/**
 * Thanos Query of the global tier: one endpoint group per region (every Prometheus pod's sidecar and the
 * store gateway, reached by load-balancer address), each with that region's mutual-TLS client material.
 * Endpoints come from `--endpoint.sd-config-file` (the per-endpoint `client_config` of cmd/thanos/endpointset.go,
 * which Thanos parses leniently: a misspelled key is ignored and the endpoint silently dialled in cleartext,
 * which is why the local topology runs this file through real mutual TLS);
 * the deprecated `--endpoint`, `--store.sd-files` and `--grpc-client-tls-*` flags are never used.
 */
export interface RegionStoreEndpoints {
  readonly region: string;
  /** `host:port` of every StoreAPI of the region: each Prometheus pod's sidecar and the store gateway. */
  readonly addresses: readonly string[];
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  readonly serverName: string;
}

/**
 * `inCluster` are StoreAPIs in the global cluster itself (the federation Prometheus sidecars), reached
 * without TLS inside the cluster network.
 */
export function endpointSdConfig(regions: readonly RegionStoreEndpoints[], inCluster: readonly string[] = []) {
  if (regions.length === 0) throw new Error("Thanos Query needs the StoreAPIs of at least one region");
  return {
    endpoints: [...inCluster.map((address) => ({ address, strict: false })), ...regions.flatMap((r) => {
      if (r.addresses.length === 0) throw new Error(`region '${r.region}' has no StoreAPI address`);
      return r.addresses.map((address) => ({
        address,
        // Not strict: a region that is down must not keep Query from answering about the others.
        strict: false,
        client_config: {
          server_name: r.serverName,
          tls_config: { enabled: true, cert_file: r.certFile, key_file: r.keyFile, ca_file: r.caFile },
        },
      }));
    })],
  };
}

export interface ThanosQueryArgsParams {
  readonly endpointConfigFile: string;
  /** The replica labels of every region's Prometheus pods: series differing only in them are one series. */
  readonly replicaLabels: readonly string[];
  readonly listen: ThanosListen;
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
  ]);
}
