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

export interface ThanosListen {
  readonly grpcPort: number;
  readonly httpPort: number;
}

export function listenArgs(listen: ThanosListen): string[] {
  return [`--grpc-address=0.0.0.0:${listen.grpcPort}`, `--http-address=0.0.0.0:${listen.httpPort}`];
}
