import * as path from "path";
import { LOCAL_TOOL_VERSIONS, VERSIONS } from "../versions";

/** The binaries `npm run setup` builds from Go modules, at the versions the clusters run. */
export interface GoTool {
  readonly name: string;
  readonly module: string;
  /** The release version (`3.13.5`); `goModuleVersion` gives the module's tag. */
  readonly version: string;
  readonly binaries: readonly { readonly name: string; readonly package: string }[];
  /** Build tags upstream's release builds use. */
  readonly tags: readonly string[];
  /**
   * Files the module embeds but does not ship (built web UI assets), as paths in the module: the build uses
   * a copy of the module with a one-line page in their place. The APIs the project uses need no UI.
   */
  readonly missingEmbeds?: readonly string[];
}

export interface PythonTool {
  readonly name: string;
  readonly requirement: string;
  readonly version: string;
  readonly binaries: readonly string[];
}

/**
 * Binaries taken from Debian's packages (no Go module or PyPI release of them): `apt-get download` and
 * `dpkg-deb -x` need no root, and the libraries the machine may lack are fetched beside the package.
 */
export interface DebianTool {
  readonly name: string;
  readonly package: string;
  /** The upstream release; Debian's revision (its security fixes) is whatever the archive serves. */
  readonly version: string;
  readonly libraries: readonly string[];
  /** Each binary's path inside the package. */
  readonly binaries: readonly { readonly name: string; readonly path: string }[];
}

export const GO_TOOLS: readonly GoTool[] = [
  {
    name: "prometheus",
    module: "github.com/prometheus/prometheus",
    version: VERSIONS.prometheus,
    binaries: [
      { name: "prometheus", package: "cmd/prometheus" },
      { name: "promtool", package: "cmd/promtool" },
    ],
    tags: ["netgo"],
  },
  {
    name: "alertmanager",
    module: "github.com/prometheus/alertmanager",
    version: VERSIONS.alertmanager,
    binaries: [
      { name: "alertmanager", package: "cmd/alertmanager" },
      { name: "amtool", package: "cmd/amtool" },
    ],
    tags: ["netgo"],
    missingEmbeds: ["ui/app/dist/elm/index.html", "ui/app/dist/mantine/index.html"],
  },
  {
    name: "node_exporter",
    module: "github.com/prometheus/node_exporter",
    version: VERSIONS.nodeExporter,
    binaries: [{ name: "node_exporter", package: "" }],
    tags: ["netgo"],
  },
  {
    name: "thanos",
    module: "github.com/thanos-io/thanos",
    version: VERSIONS.thanos,
    binaries: [{ name: "thanos", package: "cmd/thanos" }],
    tags: ["netgo", "slicelabels"],
  },
  {
    name: "fake-gcs-server",
    module: "github.com/fsouza/fake-gcs-server",
    version: LOCAL_TOOL_VERSIONS.fakeGcsServer,
    binaries: [{ name: "fake-gcs-server", package: "" }],
    tags: [],
  },
];

export const PYTHON_TOOLS: readonly PythonTool[] = [
  { name: "moto", requirement: "moto[server]", version: LOCAL_TOOL_VERSIONS.moto, binaries: ["moto_server"] },
];

export const DEBIAN_TOOLS: readonly DebianTool[] = [
  {
    name: "haproxy",
    package: "haproxy",
    version: VERSIONS.haproxy,
    libraries: ["liblua5.3-0", "libopentracing-c-wrapper0", "libopentracing1"],
    binaries: [{ name: "haproxy", path: "usr/sbin/haproxy" }],
  },
  {
    name: "memcached",
    package: "memcached",
    version: VERSIONS.memcached,
    libraries: ["libevent-2.1-7", "libsasl2-2"],
    binaries: [{ name: "memcached", path: "usr/bin/memcached" }],
  },
];

/** Prometheus 3.x publishes its Go module as v0.3MM.P (3.13.5 is v0.313.5); the others tag their releases. */
export function goModuleVersion(tool: Pick<GoTool, "module" | "version">): string {
  if (tool.module === "github.com/prometheus/prometheus") {
    const [major, minor, patch] = tool.version.split(".").map(Number);
    return `v0.${major * 100 + minor}.${patch}`;
  }
  return `v${tool.version}`;
}

/** The repository's own, git-ignored tools directory (`MONITORING_TOOLS_DIR` moves it). */
export function projectToolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MONITORING_TOOLS_DIR ? path.resolve(env.MONITORING_TOOLS_DIR) : path.resolve(__dirname, "../../.tools");
}

/** Where built tools are kept per version; CI points it at a directory that outlives its fresh clones. */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MONITORING_TOOLS_CACHE ? path.resolve(env.MONITORING_TOOLS_CACHE) : path.join(projectToolsDir(env), "cache");
}
