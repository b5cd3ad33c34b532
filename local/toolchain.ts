import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  ENGINE_TOOL_VERSIONS,
  LOCAL_TOOL_VERSIONS,
  PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION,
  VERSIONS,
} from "../versions";

/** A binary a Go recipe builds: its file name and the Go package of its `main`. */
export interface GoBinary {
  readonly name: string;
  readonly package: string;
}

/** The package of a recipe's `wrapperMain`: the wrapper module's root. */
export const WRAPPER_MAIN = ".";

/** What a recipe's `patchModule` may run besides writing files. */
export interface BuildContext {
  /** Builds a standalone Go program (upstream's `go:generate` tool) against the wrapper's modules and runs it in `cwd`. */
  runGoProgram(file: string, cwd: string, env: Readonly<Record<string, string>>): void;
}

/** A folder of the module a tool reads at run time: kept in the tool's cache folder, linked as `.tools/share/<name>`. */
export interface SharedFolder {
  readonly name: string;
  /** The folder inside the module. */
  readonly from: string;
  /** Which of its files (paths relative to `from`) to keep. */
  readonly keep: (file: string) => boolean;
}

/**
 * A tool `npm run setup` builds from its Go module, through a generated wrapper module that requires the module
 * with upstream's own `replace` and `exclude` lines.
 */
export interface GoTool {
  /** The cache folder is `<name>-<version>`. */
  readonly name: string;
  readonly module: string;
  /** The release (`3.13.5`). */
  readonly version: string;
  /** The module's version on the proxy, when it is not `v<version>`. */
  readonly moduleVersion?: string;
  readonly binaries: readonly GoBinary[];
  /** Build tags upstream's release builds use. */
  readonly tags: readonly string[];
  /** The `-X` assignments upstream's release builds make, so that `--version` prints the release. */
  readonly versionStamp: Readonly<Record<string, string>>;
  /**
   * Upstream replaces its sibling modules with folders of its own repository (`../sdk`, `./staging/src/...`),
   * which a wrapper lacks: each one upstream requires becomes its published release at this version (default:
   * the module's own version); the others are never built and are left out.
   */
  readonly siblingModulesVersion?: string;
  /** Modules held at another version than Go's selection would pick (module => version), over upstream's replaces. */
  readonly pinnedModules?: Readonly<Record<string, string>>;
  /** The source of a `main` package for the wrapper, when the module has none (the binary's package is `WRAPPER_MAIN`). */
  readonly wrapperMain?: string;
  /** Writes files the module needs but does not ship into a writable copy of it, which the build uses instead. */
  readonly patchModule?: (copy: string, build: BuildContext) => void;
  readonly shared?: readonly SharedFolder[];
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

/** Prometheus 3.x publishes its Go module as v0.3MM.P (3.13.5 is v0.313.5). */
function prometheusModuleVersion(version: string): string {
  const [major, minor, patch] = version.split(".").map(Number);
  return `v0.${major * 100 + minor}.${patch}`;
}

/** Kubernetes publishes its staging modules (k8s.io/api, ...) as v0.MINOR.PATCH of the release. */
function kubernetesStagingVersion(version: string): string {
  const [, minor, patch] = version.split(".");
  return `v0.${minor}.${patch}`;
}

function prometheusVersionStamp(version: string): Record<string, string> {
  return {
    "github.com/prometheus/common/version.Version": version,
    "github.com/prometheus/common/version.Branch": "release",
    "github.com/prometheus/common/version.BuildUser": "npm-run-setup",
  };
}

/**
 * Files the module embeds but does not ship (a web UI built by npm upstream): a one-line page in their place.
 * The APIs the project uses need no UI.
 */
function placeholderPages(tool: string, files: readonly string[]): (copy: string) => void {
  return (copy) => {
    for (const file of files) {
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.writeFileSync(
        path.join(copy, file),
        `<!doctype html><p>${tool} built by npm run setup without its web UI.</p>\n`,
      );
    }
  };
}

/** The source of the repository's own histogram-blocks tool (built, not run, from here). */
export const HISTOGRAM_BLOCKS_SOURCE = path.resolve(__dirname, "../../local/histogram-blocks/main.go");

/**
 * The repository's writer of native-histogram blocks, built against the pinned Prometheus module's TSDB; its
 * cache folder is named after the source too, so an edit of main.go is built again.
 */
const HISTOGRAM_BLOCKS: GoTool = {
  name: "histogram-blocks",
  module: "github.com/prometheus/prometheus",
  get version() {
    const digest = createHash("sha256").update(fs.readFileSync(HISTOGRAM_BLOCKS_SOURCE)).digest("hex").slice(0, 12);
    return `${VERSIONS.prometheus}-${digest}`;
  },
  moduleVersion: prometheusModuleVersion(VERSIONS.prometheus),
  binaries: [{ name: "histogram-blocks", package: WRAPPER_MAIN }],
  tags: ["netgo"],
  versionStamp: {},
  get wrapperMain() {
    return fs.readFileSync(HISTOGRAM_BLOCKS_SOURCE, "utf8");
  },
};

/** The tools the local topology runs, at the versions the clusters run, and the tests' block writer. */
export const TOPOLOGY_GO_TOOLS: readonly GoTool[] = [
  {
    name: "prometheus",
    module: "github.com/prometheus/prometheus",
    version: VERSIONS.prometheus,
    moduleVersion: prometheusModuleVersion(VERSIONS.prometheus),
    binaries: [
      { name: "prometheus", package: "github.com/prometheus/prometheus/cmd/prometheus" },
      { name: "promtool", package: "github.com/prometheus/prometheus/cmd/promtool" },
    ],
    tags: ["netgo"],
    versionStamp: prometheusVersionStamp(VERSIONS.prometheus),
  },
  HISTOGRAM_BLOCKS,
  {
    name: "alertmanager",
    module: "github.com/prometheus/alertmanager",
    version: VERSIONS.alertmanager,
    binaries: [
      { name: "alertmanager", package: "github.com/prometheus/alertmanager/cmd/alertmanager" },
      { name: "amtool", package: "github.com/prometheus/alertmanager/cmd/amtool" },
    ],
    tags: ["netgo"],
    versionStamp: prometheusVersionStamp(VERSIONS.alertmanager),
    patchModule: placeholderPages(`alertmanager ${VERSIONS.alertmanager}`, [
      "ui/app/dist/elm/index.html",
      "ui/app/dist/mantine/index.html",
    ]),
  },
  {
    name: "node_exporter",
    module: "github.com/prometheus/node_exporter",
    version: VERSIONS.nodeExporter,
    binaries: [{ name: "node_exporter", package: "github.com/prometheus/node_exporter" }],
    tags: ["netgo"],
    versionStamp: prometheusVersionStamp(VERSIONS.nodeExporter),
  },
  {
    name: "thanos",
    module: "github.com/thanos-io/thanos",
    version: VERSIONS.thanos,
    binaries: [{ name: "thanos", package: "github.com/thanos-io/thanos/cmd/thanos" }],
    tags: ["netgo", "slicelabels"],
    versionStamp: prometheusVersionStamp(VERSIONS.thanos),
  },
  {
    name: "fake-gcs-server",
    module: "github.com/fsouza/fake-gcs-server",
    version: LOCAL_TOOL_VERSIONS.fakeGcsServer,
    binaries: [{ name: "fake-gcs-server", package: "github.com/fsouza/fake-gcs-server" }],
    tags: [],
    versionStamp: {},
  },
];

const KUBERNETES_COMPONENTS = ["kube-apiserver", "kube-controller-manager", "kube-scheduler"];

const KWOK_STAGES = "kwok-stages";

/** What the engine tests run: the control plane in the order it starts (etcd, Kubernetes, KWOK), then the Pulumi engine. */
export const ENGINE_GO_TOOLS: readonly GoTool[] = [
  {
    name: "etcd",
    module: "go.etcd.io/etcd/server/v3",
    version: ENGINE_TOOL_VERSIONS.etcd,
    binaries: [{ name: "etcd", package: WRAPPER_MAIN }],
    tags: [],
    // The version is a constant in go.etcd.io/etcd/api/v3/version.
    versionStamp: {},
    // What etcd's own main (the repository root, not a published module) does.
    wrapperMain: `package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
`,
  },
  {
    name: "kubernetes",
    module: "k8s.io/kubernetes",
    version: ENGINE_TOOL_VERSIONS.kubernetes,
    binaries: KUBERNETES_COMPONENTS.map((name) => ({ name, package: `k8s.io/kubernetes/cmd/${name}` })),
    tags: [],
    versionStamp: {
      "k8s.io/component-base/version.gitVersion": `v${ENGINE_TOOL_VERSIONS.kubernetes}`,
      "k8s.io/component-base/version.gitMajor": ENGINE_TOOL_VERSIONS.kubernetes.split(".")[0],
      "k8s.io/component-base/version.gitMinor": ENGINE_TOOL_VERSIONS.kubernetes.split(".")[1],
      "k8s.io/component-base/version.gitTreeState": "clean",
    },
    siblingModulesVersion: kubernetesStagingVersion(ENGINE_TOOL_VERSIONS.kubernetes),
  },
  {
    name: "kwok",
    module: "sigs.k8s.io/kwok",
    version: ENGINE_TOOL_VERSIONS.kwok,
    binaries: [{ name: "kwok", package: "sigs.k8s.io/kwok/cmd/kwok" }],
    tags: [],
    // The version is a constant in sigs.k8s.io/kwok/pkg/consts.
    versionStamp: {},
    // The stage definitions (node-fast, pod-fast, heartbeats, chaos): the YAML, without upstream's test data.
    shared: [
      {
        name: KWOK_STAGES,
        from: "kustomize/stage",
        keep: (file) => file.endsWith(".yaml") && !file.split(path.sep).includes("testdata"),
      },
    ],
  },
  {
    name: "pulumi",
    module: "github.com/pulumi/pulumi/pkg/v3",
    version: ENGINE_TOOL_VERSIONS.pulumi,
    binaries: [{ name: "pulumi", package: "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi" }],
    tags: [],
    versionStamp: { "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version": `v${ENGINE_TOOL_VERSIONS.pulumi}` },
  },
  {
    name: "pulumi-kubernetes",
    module: "github.com/pulumi/pulumi-kubernetes/provider/v4",
    version: ENGINE_TOOL_VERSIONS.pulumiKubernetes,
    moduleVersion: PULUMI_KUBERNETES_PROVIDER_MODULE_VERSION,
    binaries: [
      {
        name: "pulumi-resource-kubernetes",
        package: "github.com/pulumi/pulumi-kubernetes/provider/v4/cmd/pulumi-resource-kubernetes",
      },
    ],
    tags: [],
    versionStamp: {
      "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version": ENGINE_TOOL_VERSIONS.pulumiKubernetes,
    },
    // The commit builds against its repository's own SDK folder (`../sdk`), not a release: v4.29.0 is the
    // published SDK it was measured to build with. That SDK asks for Pulumi's SDK v3.226.0; it stays at the
    // v3.215.0 of the provider's pkg/v3, since Pulumi releases the two together.
    pinnedModules: {
      "github.com/pulumi/pulumi-kubernetes/sdk/v4": "v4.29.0",
      "github.com/pulumi/pulumi/sdk/v3": "v3.215.0",
    },
    // The module ships schema.json and terraform-mapping.json; the embedded copies are what upstream's own
    // generator (`go:generate go run ./generate.go`) derives from them at release: the schema re-serialized
    // with its version set, the mapping minified.
    patchModule: (copy, build) => {
      const command = path.join(copy, "cmd", "pulumi-resource-kubernetes");
      build.runGoProgram(path.join(command, "generate.go"), command, {
        VERSION: ENGINE_TOOL_VERSIONS.pulumiKubernetes,
      });
    },
  },
];

/** KWOK's stage definitions (`kustomize/stage` of its module, same layout), where `npm run setup` links them. */
export function kwokStagesDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(projectShareDir(env), KWOK_STAGES);
}

/** The module's version on the proxy. */
export function goModuleVersion(tool: Pick<GoTool, "version" | "moduleVersion">): string {
  return tool.moduleVersion ?? `v${tool.version}`;
}

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

/** The repository's own, git-ignored tools directory (`MONITORING_TOOLS_DIR` moves it). */
export function projectToolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MONITORING_TOOLS_DIR ? path.resolve(env.MONITORING_TOOLS_DIR) : path.resolve(__dirname, "../../.tools");
}

/** Where `npm run setup` links the binaries. */
export function projectBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(projectToolsDir(env), "bin");
}

/** Where `npm run setup` links the folders tools read at run time (`SharedFolder`). */
export function projectShareDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(projectToolsDir(env), "share");
}

/** Where built tools are kept per version; CI points it at a directory that outlives its fresh clones. */
export function toolsCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.MONITORING_TOOLS_CACHE
    ? path.resolve(env.MONITORING_TOOLS_CACHE)
    : path.join(projectToolsDir(env), "cache");
}
