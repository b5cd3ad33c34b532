/**
 * Prometheus' web endpoint: HTTPS with basic auth (the `--web.config.file`), and the HTTP client config
 * everything in the pod uses to reach it on localhost (Thanos sidecar, probes).
 */

export interface WebConfigParams {
  readonly certFile: string;
  readonly keyFile: string;
  readonly username: string;
  /** bcrypt hash of the user's password (`RandomPassword.bcryptHash`); the password itself never appears. */
  readonly passwordBcryptHash: string;
}

export function webConfig(p: WebConfigParams) {
  if (!/^\$2[aby]?\$\d{2}\$/.test(p.passwordBcryptHash)) {
    throw new Error("web config: basic_auth_users needs a bcrypt hash ($2a$/$2b$/$2y$), not a password");
  }
  return {
    tls_server_config: { cert_file: p.certFile, key_file: p.keyFile, min_version: "TLS12" },
    basic_auth_users: { [p.username]: p.passwordBcryptHash },
  };
}

export interface LocalClientParams {
  readonly username: string;
  readonly passwordFile: string;
  readonly caFile: string;
  /** The certificate is issued for the region's server name, not for localhost. */
  readonly serverName: string;
}

/**
 * HTTP client config (prometheus/common format, read by Thanos' `--prometheus.http-client-file` and
 * promtool's `--http.config.file`) for reaching the pod's own Prometheus.
 */
export function localClientConfig(p: LocalClientParams) {
  return {
    basic_auth: { username: p.username, password_file: p.passwordFile },
    tls_config: { ca_file: p.caFile, server_name: p.serverName },
  };
}
