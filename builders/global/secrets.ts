import type { GlobalStackConfig } from "../../config/types";
import { receiverSecretFiles } from "../alertmanager/config";
import { TLS_SECRET_KEYS } from "../k8s/tls-secret";

/**
 * The secret config keys the global stack reads (each set with `pulumi config set --secret`): every
 * receiver's and the heartbeat's `secretKey`, and Grafana's OAuth client secret's.
 */
export function secretConfigKeys(config: GlobalStackConfig): string[] {
  const sso = config.grafana.sso === undefined ? [] : [config.grafana.sso.secretKey];
  return [...new Set([...receiverSecretFiles(config.alerting, config.teams), ...sso])];
}

/**
 * Keys of the Kubernetes Secrets the global tier mounts, which are also the file names the rendered configs
 * read. One place, so a config never points at a file the component did not mount.
 */
export const SECRET_FILES = {
  /** Federation Prometheus: the region's basic-auth password and the CA of its server certificates. */
  federationPassword: (region: string) => `region-${region}-federation-password`,
  regionCa: (region: string) => `region-${region}-ca.crt`,
  /** Thanos Query: the region's StoreAPI client certificate and key (mutual TLS). */
  storeApiClientCert: (region: string) => `region-${region}-client.crt`,
  storeApiClientKey: (region: string) => `region-${region}-client.key`,
  /** Federation Prometheus as an Alertmanager client. */
  alertmanagerPassword: "alertmanager-password",
  alertmanagerCa: "alertmanager-ca.crt",
  /** Grafana's basic-auth password for the Query Frontend. */
  queryFrontendPassword: "query-frontend-password",
  /** Federation Prometheus as a scraper of the Query Frontend: its user's password and the CA of its certificate. */
  queryFrontendScrapePassword: "query-frontend-scrape-password",
  queryFrontendCa: "query-frontend-ca.crt",
  /** A `kubernetes.io/tls` Secret's keys. */
  tlsCert: TLS_SECRET_KEYS.cert,
  tlsKey: TLS_SECRET_KEYS.key,
  /** CA that signed the certificates users and Grafana see (Grafana, Query Frontend). */
  ingressCa: TLS_SECRET_KEYS.ca,
} as const;
