/**
 * The subset of Prometheus' configuration file the builders emit, typed so a misspelled field fails to compile.
 * Field names are Prometheus' own (snake_case); the pinned promtool (the clusters' version) checks every
 * rendered config.
 */

export interface RelabelConfig {
  readonly source_labels?: readonly string[];
  readonly separator?: string;
  readonly regex?: string;
  readonly modulus?: number;
  readonly target_label?: string;
  readonly replacement?: string;
  readonly action?:
    | "replace"
    | "keep"
    | "drop"
    | "hashmod"
    | "labelmap"
    | "labeldrop"
    | "labelkeep"
    | "lowercase"
    | "uppercase"
    | "keepequal"
    | "dropequal";
}

export interface TlsConfig {
  readonly ca_file?: string;
  readonly cert_file?: string;
  readonly key_file?: string;
  readonly server_name?: string;
  readonly insecure_skip_verify?: boolean;
}

/** One of username and username_file. */
export interface BasicAuth {
  readonly username?: string;
  readonly username_file?: string;
  readonly password_file: string;
}

export interface Authorization {
  /** The scheme before the credentials; Prometheus' default is Bearer. */
  readonly type?: string;
  readonly credentials_file: string;
}

export type KubernetesRole = "node" | "pod" | "endpointslice" | "service";

export interface KubernetesSdConfig {
  readonly role: KubernetesRole;
  readonly namespaces?: { readonly names: readonly string[] };
  readonly selectors?: readonly { readonly role: KubernetesRole; readonly label?: string; readonly field?: string }[];
}

export interface FileSdConfig {
  readonly files: readonly string[];
  readonly refresh_interval?: string;
}

export interface StaticConfig {
  readonly targets: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
}

/** The exposition formats Prometheus 3 names in `scrape_protocols` and `fallback_scrape_protocol`. */
export type ScrapeProtocol =
  | "PrometheusProto"
  | "OpenMetricsText0.0.1"
  | "OpenMetricsText1.0.0"
  | "PrometheusText0.0.4"
  | "PrometheusText1.0.0";

/**
 * What a scrape asks for when it wants native histograms: the protobuf format first (the only one that carries
 * them in Prometheus 3.13), then the text formats for targets without it. Prometheus' own order for
 * `scrape_native_histograms` (DefaultProtoFirstScrapeProtocols), written out so the config says what runs.
 */
export const PROTOBUF_FIRST: readonly ScrapeProtocol[] = [
  "PrometheusProto",
  "OpenMetricsText1.0.0",
  "OpenMetricsText0.0.1",
  "PrometheusText1.0.0",
  "PrometheusText0.0.4",
];

export interface ScrapeConfig {
  readonly job_name: string;
  readonly scrape_interval?: string;
  readonly scrape_timeout?: string;
  readonly metrics_path?: string;
  readonly scheme?: "http" | "https";
  readonly honor_labels?: boolean;
  /** URL parameters of every scrape request. */
  readonly params?: Readonly<Record<string, readonly string[]>>;
  /** What Prometheus 3 parses a response as when its Content-Type is missing or unknown (it fails the scrape otherwise). */
  readonly fallback_scrape_protocol?: ScrapeProtocol;
  readonly sample_limit: number;
  readonly label_limit: number;
  readonly basic_auth?: BasicAuth;
  readonly authorization?: Authorization;
  readonly tls_config?: TlsConfig;
  readonly kubernetes_sd_configs?: readonly KubernetesSdConfig[];
  readonly file_sd_configs?: readonly FileSdConfig[];
  readonly static_configs?: readonly StaticConfig[];
  readonly relabel_configs?: readonly RelabelConfig[];
  readonly metric_relabel_configs?: readonly RelabelConfig[];
}

export interface AlertmanagerConfig {
  readonly scheme: "http" | "https";
  readonly api_version: "v2";
  readonly timeout?: string;
  readonly basic_auth?: BasicAuth;
  readonly tls_config?: TlsConfig;
  readonly file_sd_configs?: readonly FileSdConfig[];
  readonly static_configs?: readonly StaticConfig[];
}

export interface PrometheusConfig {
  readonly global: {
    readonly scrape_interval: string;
    readonly scrape_timeout: string;
    readonly evaluation_interval: string;
    readonly external_labels: Readonly<Record<string, string>>;
    /** The formats asked for, most wanted first; native histograms exist only in `PrometheusProto`. */
    readonly scrape_protocols?: readonly ScrapeProtocol[];
    readonly scrape_native_histograms?: boolean;
    /** Keep a histogram's classic `_bucket` series too when a target exposes it both ways. */
    readonly always_scrape_classic_histograms?: boolean;
  };
  readonly rule_files: readonly string[];
  readonly alerting: {
    readonly alert_relabel_configs: readonly RelabelConfig[];
    readonly alertmanagers: readonly AlertmanagerConfig[];
  };
  readonly scrape_configs: readonly ScrapeConfig[];
}
