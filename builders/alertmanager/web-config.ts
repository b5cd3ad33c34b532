/**
 * The `--web.config.file` of Alertmanager (and of every Prometheus-toolkit server): HTTPS only, and basic
 * auth for every client, each region and the global federation Prometheus under its own user name.
 */
export interface WebConfigParams {
  readonly certFile: string;
  readonly keyFile: string;
  /** User name to bcrypt hash of its password. */
  readonly users: Readonly<Record<string, string>>;
}

export function webConfig(p: WebConfigParams) {
  if (Object.keys(p.users).length === 0) throw new Error("a web config needs at least one basic-auth user");
  for (const [user, hash] of Object.entries(p.users)) {
    if (!/^\$2[aby]?\$\d\d\$/.test(hash))
      throw new Error(`basic-auth user '${user}' needs a bcrypt hash, not a plain password`);
  }
  return {
    tls_server_config: { cert_file: p.certFile, key_file: p.keyFile, min_version: "TLS12" },
    basic_auth_users: { ...p.users },
  };
}
