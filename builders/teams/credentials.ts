/**
 * The teams' credentials and TLS material, as files. Every Secret or ConfigMap key an endpoint names lives in
 * its monitor's namespace, as with prometheus-operator; the regional Prometheus cannot mount another
 * namespace's Secret, so the component copies each key into one Secret of the monitoring namespace, which
 * the Prometheus pods mount read-only, and the scrape jobs point at the files by their path there. Prometheus
 * reads these files on every scrape (password, token) or TLS handshake (CA, certificate, key), so a copy that
 * changes reaches it without a restart.
 */
import { createHash } from "node:crypto";
import { endpointKeys } from "../../config/teams-schema";
import type { Team, TeamEndpoint } from "../../config/types";
import type { ScrapeConfig } from "../prometheus/types";
import { teamJobName } from "./names";

/** One key of a Secret or ConfigMap in a team's namespace. */
export interface CredentialSource {
  readonly kind: "secret" | "configMap";
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
}

/** The fields of a scrape job that say how Prometheus reaches and authenticates to a target. */
export type HttpClientFields = Pick<ScrapeConfig, "tls_config" | "basic_auth" | "authorization">;

/** The longest key a Secret's data may have. */
const MAX_DATA_KEY = 253;

/**
 * The copy's key (and file name) of one source: `<kind>_<namespace>_<name>_<key>`, as the operator names its
 * TLS assets. Names and namespaces hold no `_`, so no two sources share one; a name too long for a Secret
 * key keeps its start and ends in a hash of the whole.
 */
export function credentialFileName(source: CredentialSource): string {
  const name = `${source.kind}_${source.namespace}_${source.name}_${source.key}`;
  if (name.length <= MAX_DATA_KEY) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 16);
  return `${name.slice(0, MAX_DATA_KEY - hash.length - 1)}-${hash}`;
}

/** Where each of an endpoint's fields reads from: a key in the monitor's namespace. */
function sourcesOf(
  namespace: string | undefined,
  endpoint: TeamEndpoint,
): { field: string; source: CredentialSource }[] {
  const keys = endpointKeys(endpoint);
  // The config refuses a monitor that names a key but has no namespace (config/teams-rules.ts).
  if (keys.length > 0 && namespace === undefined)
    throw new Error(
      `an endpoint reads ${keys[0].field} from ${keys[0].kind} '${keys[0].name}' of a monitor without a namespace`,
    );
  return keys.map(({ field, kind, name, key }) => ({ field, source: { kind, namespace: namespace!, name, key } }));
}

/** One key the copy holds: where it comes from, its file name, and the first job and field that read it (for messages). */
export interface CredentialFile {
  readonly source: CredentialSource;
  readonly fileName: string;
  readonly usedBy: string;
}

/** Every source the teams' endpoints read, each once, in the order of the teams, monitors and endpoints. */
export function teamCredentialFiles(teams: readonly Team[]): CredentialFile[] {
  const files = new Map<string, CredentialFile>();
  for (const team of teams) {
    for (const kind of ["services", "pods"] as const) {
      for (const monitor of team[kind]) {
        monitor.endpoints.forEach((endpoint, i) => {
          for (const { field, source } of sourcesOf(monitor.namespace, endpoint)) {
            const fileName = credentialFileName(source);
            if (!files.has(fileName))
              files.set(fileName, {
                source,
                fileName,
                usedBy: `job '${teamJobName(team.name, kind, monitor.name, i)}' (${field})`,
              });
          }
        });
      }
    }
  }
  return [...files.values()];
}

/**
 * The TLS and authentication fields of one endpoint's job, every credential a file under `credentialsDir`
 * (where the copy is mounted). Exported on its own so a job of any kind can carry it.
 */
export function endpointHttpClient(
  namespace: string | undefined,
  endpoint: TeamEndpoint,
  credentialsDir: string,
): HttpClientFields {
  const file = new Map(
    sourcesOf(namespace, endpoint).map(({ field, source }) => [
      field,
      `${credentialsDir}/${credentialFileName(source)}`,
    ]),
  );
  const tls = endpoint.tlsConfig;
  const auth = endpoint.authorization;
  return {
    ...(tls
      ? {
          tls_config: {
            ...(file.has("tlsConfig.ca") ? { ca_file: file.get("tlsConfig.ca") } : {}),
            ...(file.has("tlsConfig.cert")
              ? { cert_file: file.get("tlsConfig.cert"), key_file: file.get("tlsConfig.keySecret") }
              : {}),
            ...(tls.serverName ? { server_name: tls.serverName } : {}),
            ...(tls.insecureSkipVerify ? { insecure_skip_verify: true } : {}),
          },
        }
      : {}),
    ...(endpoint.basicAuth
      ? {
          basic_auth: { username_file: file.get("basicAuth.username"), password_file: file.get("basicAuth.password")! },
        }
      : {}),
    ...(auth ? { authorization: { type: auth.type, credentials_file: file.get("authorization.credentials")! } } : {}),
  };
}
