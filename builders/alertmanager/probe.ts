/**
 * How an Alertmanager's probes check what it serves: every HTTP path asks for basic auth (its web config), and
 * an httpGet probe could only send a password from the pod spec, in clear text to anyone who may read it. So
 * the probe runs the image's own `amtool` against the API, over the server's TLS, with a password the pod
 * mounts from a Secret: it passes when the API answers an authenticated request.
 */
export interface AlertmanagerProbeParams {
  /** `amtool` as the container runs it (the image has it on PATH), or a local path. */
  readonly amtool: string;
  /** The Alertmanager's own address, such as https://localhost:9093. */
  readonly url: string;
  readonly clientConfigFile: string;
}

export function alertmanagerProbeCommand(p: AlertmanagerProbeParams): string[] {
  return [p.amtool, "cluster", "show", `--alertmanager.url=${p.url}`, `--http.config.file=${p.clientConfigFile}`];
}
