import type { ReloadMethod } from "../prometheus/args";
import {
  grpcServerTlsArgs,
  type GrpcServerTls,
  listenArgs,
  objstoreArgs,
  thanosArgs,
  type ThanosListen,
} from "./common";

export interface SidecarArgsParams {
  readonly listen: ThanosListen;
  readonly tls: GrpcServerTls;
  /** Prometheus on localhost: HTTPS with basic auth, hence the client config file. */
  readonly prometheusUrl: string;
  readonly prometheusClientConfigFile: string;
  readonly tsdbPath: string;
  readonly objstoreConfigFile: string;
  /** The shard's config template (with `$(POD_NAME)`) and the substituted file Prometheus reads. */
  readonly configTemplateFile: string;
  readonly configOutFile: string;
  readonly ruleDir: string;
  /**
   * `signal`: SIGHUP to the process named `prometheus` (pkg/reloader's PIDReloader), which needs the pod's
   * containers to share one process namespace and one user; `http`: POST /-/reload, which needs the
   * lifecycle API. builders/prometheus/args.ts `reloadMethodFor` says which, from Prometheus' listen address.
   */
  readonly reloadMethod: ReloadMethod;
}

/**
 * `thanos sidecar`: uploads each 2h block to the bucket, serves the StoreAPI over mutual TLS, and is the
 * config reloader: it substitutes `$(POD_NAME)` into the config template and makes Prometheus reload when
 * the config or a rule file changes (checking before and after through `--prometheus.url`).
 */
export function sidecarArgs(p: SidecarArgsParams): string[] {
  return thanosArgs(
    "sidecar",
    listenArgs(p.listen),
    grpcServerTlsArgs(p.tls),
    [
      `--prometheus.url=${p.prometheusUrl}`,
      `--prometheus.http-client-file=${p.prometheusClientConfigFile}`,
      `--tsdb.path=${p.tsdbPath}`,
    ],
    objstoreArgs(p.objstoreConfigFile),
    [
      `--reloader.config-file=${p.configTemplateFile}`,
      `--reloader.config-envsubst-file=${p.configOutFile}`,
      `--reloader.rule-dir=${p.ruleDir}`,
      `--reloader.method=${p.reloadMethod}`,
    ],
  );
}
