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

/** Where a Thanos component listens: every interface in a pod, loopback on a developer's machine. */
export interface ThanosListen {
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
}

export function listenArgs(listen: ThanosListen): string[] {
  return [`--grpc-address=${listen.host}:${listen.grpcPort}`, `--http-address=${listen.host}:${listen.httpPort}`];
}
