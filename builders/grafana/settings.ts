import type { GrafanaSsoSettings } from "../../config/types";
import { ssoEnv } from "./sso";

/**
 * Grafana's settings as the environment variables its pods run with (`GF_<SECTION>_<KEY>`, which override
 * grafana.ini): HTTPS with the tier's certificate, the managed PostgreSQL, sessions and the remote cache in
 * it, unified alerting as one HA cluster, single sign-on where the stack has it (./sso.ts), nothing anonymous
 * and nothing phoning home. The database's address and names are `V`: known as the stack deploys (Pulumi
 * outputs), plain strings for a review.
 */
export interface GrafanaEnvParams<V> {
  readonly port: number;
  readonly certFile: string;
  readonly keyFile: string;
  readonly domain: string;
  readonly database: { readonly host: V; readonly name: V; readonly user: V };
  readonly provisioningDir: string;
  readonly dataDir: string;
  /** `host:port` of the headless Service listing every replica, and this replica's own gossip address. */
  readonly alertingPeers: string;
  readonly alertingAddress: string;
  /** Single sign-on, if the stack has it; its client secret is bound by the component, from a Secret. */
  readonly sso?: GrafanaSsoSettings;
}

export function grafanaEnv<V>(p: GrafanaEnvParams<V>): Record<string, string | V> {
  return {
    GF_SERVER_PROTOCOL: "https",
    GF_SERVER_HTTP_PORT: String(p.port),
    GF_SERVER_CERT_FILE: p.certFile,
    GF_SERVER_CERT_KEY: p.keyFile,
    GF_SERVER_DOMAIN: p.domain,
    GF_SERVER_ROOT_URL: `https://${p.domain}/`,
    GF_DATABASE_TYPE: "postgres",
    GF_DATABASE_HOST: p.database.host,
    GF_DATABASE_NAME: p.database.name,
    GF_DATABASE_USER: p.database.user,
    GF_DATABASE_SSL_MODE: "require",
    // Sessions (user_auth_token) always live in the database; the remote cache goes there too, so nothing a
    // user depends on stays in one replica's memory.
    GF_REMOTE_CACHE_TYPE: "database",
    GF_SECURITY_ADMIN_USER: "admin",
    GF_SECURITY_COOKIE_SECURE: "true",
    GF_AUTH_ANONYMOUS_ENABLED: "false",
    GF_ANALYTICS_REPORTING_ENABLED: "false",
    GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
    // Logs go to stdout only: the root filesystem is read-only.
    GF_LOG_MODE: "console",
    GF_PATHS_PROVISIONING: p.provisioningDir,
    GF_PATHS_DATA: p.dataDir,
    GF_UNIFIED_ALERTING_HA_PEERS: p.alertingPeers,
    GF_UNIFIED_ALERTING_HA_LISTEN_ADDRESS: p.alertingAddress,
    GF_UNIFIED_ALERTING_HA_ADVERTISE_ADDRESS: p.alertingAddress,
    ...ssoEnv(p.sso),
  };
}
