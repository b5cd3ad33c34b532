/**
 * A probe that asks a Prometheus-toolkit server's /-/healthy or /-/ready with promtool, logged in through an
 * HTTP client config (basic auth, the server's CA and name): for servers whose every path asks for
 * credentials, which an httpGet probe could only send from the pod spec, in clear text to whoever reads it.
 */
import { localClientConfig } from "./web";

/** What a probe's Secret holds, by file name: its client config, the probe user's password, the server's CA. */
export const PROBE_FILES = { clientConfig: "client.yaml", password: "password", ca: "ca.crt" } as const;

/** The client config a probe reads where its Secret is mounted (`dir`): the probe user's basic auth, the server verified by its CA and name. */
export function probeClientConfig(dir: string, username: string, serverName: string) {
  return localClientConfig({
    username,
    passwordFile: `${dir}/${PROBE_FILES.password}`,
    caFile: `${dir}/${PROBE_FILES.ca}`,
    serverName,
  });
}

export interface PromtoolCheckParams {
  /** `promtool` as the container runs it (the Prometheus image has it on PATH), or a local path. */
  readonly promtool: string;
  /** The server's own address, such as https://localhost:9090. */
  readonly url: string;
  /** The client config (builders/prometheus/web.ts localClientConfig) with the probe's credentials. */
  readonly clientConfigFile: string;
}

export function promtoolCheckCommand(check: "healthy" | "ready", p: PromtoolCheckParams): string[] {
  return [p.promtool, "check", check, `--url=${p.url}`, `--http.config.file=${p.clientConfigFile}`];
}

/**
 * The command of a container that only carries a readiness probe for its pod (a pod is Ready when each of its
 * containers is): it waits, and ends at once on SIGTERM, which a shell as PID 1 would otherwise ignore.
 */
export const WAIT_FOR_TERM = [
  "sh",
  "-c",
  "trap 'kill $! 2>/dev/null; exit 0' TERM; while true; do sleep 3600 & wait $!; done",
];
