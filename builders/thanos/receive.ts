/**
 * Thanos Receive, the global tier's ingestion for the remote-write regions: every pod is a router and an
 * ingestor at once (a hashring file plus its own `--receive.local-endpoint`): it takes remote-write requests,
 * writes each series to `replicationFactor` pods of the hashring (itself among them, or forwarding over gRPC
 * inside the cluster, as the federation sidecars serve Thanos Query: NetworkPolicies admit only the Receive
 * pods and Query), keeps them in a TSDB per tenant and uploads 2h blocks to its own bucket, and serves them
 * to Thanos Query on its StoreAPI. One kind of pod instead of a router Deployment in front of ingestors: with
 * three to a few dozen pods the extra hop and its second hashring buy nothing, and every pod is the same.
 *
 * The tenant is the region, read from the Common Name of the client certificate the region's agent presents
 * (`--receive.tenant-certificate-field`): a region cannot write as another, and no header can say otherwise.
 */
import { type GrpcServerTls, listenArgs, objstoreArgs, thanosArgs, type ThanosListen } from "./common";

/** Each sample is written to this many Receive pods: one may be lost, or restarted, without losing a sample. */
export const RECEIVE_REPLICATION_FACTOR = 3;
/** The label Receive puts on every series with the writing region's name (Thanos' default, written out). */
export const RECEIVE_TENANT_LABEL = "tenant_id";
/** The hashring's only entry: every tenant, every pod. */
export const RECEIVE_HASHRING = "default";

export interface ReceiveHashringEndpoint {
  /** `host:port` of the pod's gRPC server, equal to its `--receive.local-endpoint`. */
  readonly address: string;
}

export type ReceiveHashrings = readonly {
  readonly hashring: string;
  readonly algorithm: "ketama";
  readonly endpoints: readonly string[];
}[];

/** The hashrings file: one ring of every pod, consistent hashing (ketama) so adding a pod moves few series. */
export function receiveHashrings(
  endpoints: readonly ReceiveHashringEndpoint[],
  replicationFactor: number = RECEIVE_REPLICATION_FACTOR,
): ReceiveHashrings {
  const addresses = endpoints.map((e) => e.address);
  if (addresses.length < replicationFactor)
    throw new Error(
      `Thanos Receive: a hashring of ${addresses.length} pods cannot write each sample to ${replicationFactor} of them`,
    );
  const twice = addresses.find((a, i) => addresses.indexOf(a) !== i);
  if (twice !== undefined) throw new Error(`Thanos Receive: '${twice}' is in the hashring twice`);
  return [{ hashring: RECEIVE_HASHRING, algorithm: "ketama", endpoints: [...addresses] }];
}

/** A tenant's limits on each remote-write request; 0 is no limit (Thanos' own meaning). */
export interface RequestLimits {
  readonly requestSeries: number;
  readonly requestSamples: number;
  readonly requestBytes: number;
}

export interface ReceiveLimitsParams {
  readonly maxConcurrency: number;
  readonly tenants: readonly string[];
  readonly limits: RequestLimits;
}

function requestLimits(l: RequestLimits) {
  return { size_bytes_limit: l.requestBytes, series_limit: l.requestSeries, samples_limit: l.requestSamples };
}

/**
 * The limits file (`--receive.limits-config-file`, pkg/receive/limiter_config.go): every region a tenant of
 * its own with the configured request limits, and a default that refuses the rest, so a certificate of a
 * region the global stack does not list writes nothing of size.
 */
export function receiveLimitsConfig(p: ReceiveLimitsParams) {
  if (p.tenants.length === 0) throw new Error("Thanos Receive: no tenant (remote-write region) to write");
  return {
    write: {
      global: { max_concurrency: p.maxConcurrency },
      default: { request: { size_bytes_limit: 1, series_limit: 1, samples_limit: 1 } },
      tenants: Object.fromEntries(p.tenants.map((tenant) => [tenant, { request: requestLimits(p.limits) }])),
    },
  };
}

export interface ReceiveArgsParams {
  /** gRPC: the StoreAPI Thanos Query reads and the forwarding between pods, inside the cluster. */
  readonly listen: ThanosListen;
  /** The remote-write server: HTTPS; a client certificate signed by `clientCaFile` is required. */
  readonly remoteWriteAddress: string;
  readonly remoteWriteTls: GrpcServerTls;
  readonly tsdbPath: string;
  readonly retention: string;
  readonly objstoreConfigFile: string;
  readonly hashringsFile: string;
  readonly limitsConfigFile: string;
  /** This pod's own address in the hashring file. */
  readonly localEndpoint: string;
  /** The label unique per pod (Thanos Query deduplicates the replicated series on it) and its value. */
  readonly replicaLabel: { readonly name: string; readonly value: string };
  readonly replicationFactor: number;
  /**
   * Where Receive's Cap'n Proto replication server listens (it always does, Thanos' default 0.0.0.0:19391,
   * though replication here is gRPC): processes sharing one host each need their own.
   */
  readonly capnprotoAddress?: string;
}

export function receiveArgs(p: ReceiveArgsParams): string[] {
  if (p.replicationFactor < RECEIVE_REPLICATION_FACTOR)
    throw new Error(
      `Thanos Receive: a replication factor of ${p.replicationFactor} loses samples when one pod is lost; ${RECEIVE_REPLICATION_FACTOR} at least`,
    );
  return thanosArgs(
    "receive",
    listenArgs(p.listen),
    [
      `--remote-write.address=${p.remoteWriteAddress}`,
      `--remote-write.server-tls-cert=${p.remoteWriteTls.certFile}`,
      `--remote-write.server-tls-key=${p.remoteWriteTls.keyFile}`,
      // A client CA makes Receive require and verify the agent's certificate, whose CN is the tenant.
      `--remote-write.server-tls-client-ca=${p.remoteWriteTls.clientCaFile}`,
      `--tsdb.path=${p.tsdbPath}`,
      `--tsdb.retention=${p.retention}`,
      `--label=${p.replicaLabel.name}="${p.replicaLabel.value}"`,
    ],
    objstoreArgs(p.objstoreConfigFile),
    [
      `--receive.hashrings-file=${p.hashringsFile}`,
      "--receive.hashrings-algorithm=ketama",
      `--receive.local-endpoint=${p.localEndpoint}`,
      `--receive.replication-factor=${p.replicationFactor}`,
      "--receive.tenant-certificate-field=commonName",
      `--receive.tenant-label-name=${RECEIVE_TENANT_LABEL}`,
      `--receive.limits-config-file=${p.limitsConfigFile}`,
      ...(p.capnprotoAddress ? [`--receive.capnproto-address=${p.capnprotoAddress}`] : []),
    ],
  );
}
