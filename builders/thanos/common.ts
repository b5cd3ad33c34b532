/**
 * The flags every Thanos component of the program shares, each built here once. A component builder names
 * its command and lists its flags in order, the shared groups from here among its own: the order is part of
 * the pod spec, and changing it would restart every pod.
 */
export type ThanosCommand = "sidecar" | "store" | "compact" | "query" | "query-frontend" | "receive" | "rule";

/** `thanos <command>`: JSON logs (what the clusters' log pipelines parse), then the component's flag groups. */
export function thanosArgs(command: ThanosCommand, ...groups: readonly (readonly string[])[]): string[] {
  return [command, "--log.format=json", ...groups.flat()];
}

/** Where a Thanos component serves gRPC and HTTP: every interface in a pod, loopback on a developer's machine. */
export interface ThanosListen {
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
}

export function listenArgs(listen: ThanosListen): string[] {
  return [`--grpc-address=${listen.host}:${listen.grpcPort}`, ...httpAddressArgs(`${listen.host}:${listen.httpPort}`)];
}

/** The HTTP server (metrics, probes, UI) of a component without a StoreAPI: `host:port`. */
export function httpAddressArgs(address: string): string[] {
  return [`--http-address=${address}`];
}

/** Server side of mutual TLS on a Thanos StoreAPI: a client certificate signed by `clientCaFile` is required. */
export interface GrpcServerTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly clientCaFile: string;
}

export function grpcServerTlsArgs(tls: GrpcServerTls): string[] {
  return [
    `--grpc-server-tls-cert=${tls.certFile}`,
    `--grpc-server-tls-key=${tls.keyFile}`,
    // Setting a client CA makes Thanos require and verify client certificates.
    `--grpc-server-tls-client-ca=${tls.clientCaFile}`,
  ];
}

/** The bucket, for the components that read or write it (the file is builders/thanos/objstore.ts's config). */
export function objstoreArgs(configFile: string): string[] {
  return [`--objstore.config-file=${configFile}`];
}
