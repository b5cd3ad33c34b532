/**
 * `npm run setup`: builds the pinned Prometheus, Alertmanager, node-exporter and Thanos binaries from their Go
 * modules, installs the local object-store emulators and extracts HAProxy and memcached from Debian's
 * packages (the `topology` group), and builds the Pulumi CLI, its Kubernetes provider, etcd, the Kubernetes
 * control plane and KWOK from theirs (the `engine` group), into `.tools/bin` (git-ignored).
 *
 * Each tool is built once per version into a cache directory (`MONITORING_TOOLS_CACHE`, default `.tools/cache`)
 * and linked into `.tools/bin`, so a second run, or CI's fresh clone with a shared cache, takes seconds.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type BuildContext,
  DEBIAN_TOOLS,
  type DebianTool,
  ENGINE_GO_TOOLS,
  type GoTool,
  PYTHON_TOOLS,
  type PythonTool,
  TOPOLOGY_GO_TOOLS,
  goModuleVersion,
  projectBinDir,
  projectShareDir,
  toolsCacheDir,
} from "../local/toolchain";

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}); install it first.`);
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd} (exit ${result.status}):\n${result.stdout}${result.stderr}`,
    );
  return result.stdout;
}

const COMPLETE = ".complete";

const GO_ENV = { GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };

function go(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return run("go", args, cwd, { ...GO_ENV, ...env });
}

interface ModuleVersion {
  readonly Path: string;
  readonly Version?: string;
}

interface UpstreamGoMod {
  readonly Require?: readonly ModuleVersion[];
  readonly Replace?: readonly { readonly Old: ModuleVersion; readonly New: ModuleVersion }[];
  readonly Exclude?: readonly Required<ModuleVersion>[];
}

const at = (m: ModuleVersion) => (m.Version ? `${m.Path}@${m.Version}` : m.Path);
const isFolder = (m: ModuleVersion) => m.Path.startsWith("./") || m.Path.startsWith("../");

/** The `go mod edit` flags that give the wrapper upstream's replace and exclude lines, folders resolved to releases. */
function upstreamEdits(tool: GoTool, upstream: UpstreamGoMod): string[] {
  const required = new Set((upstream.Require ?? []).map((r) => r.Path));
  const replaces = new Map<string, string>();
  for (const { Old, New } of upstream.Replace ?? []) {
    if (!isFolder(New)) replaces.set(at(Old), at(New));
    else if (required.has(Old.Path))
      replaces.set(Old.Path, `${Old.Path}@${tool.siblingModulesVersion ?? goModuleVersion(tool)}`);
  }
  for (const [module, version] of Object.entries(tool.pinnedModules ?? {}))
    replaces.set(module, `${module}@${version}`);
  return [
    ...[...replaces].map(([old, replacement]) => `-replace=${old}=${replacement}`),
    ...(upstream.Exclude ?? []).map((e) => `-exclude=${at(e)}`),
  ];
}

/** The module's files, writable, for a recipe that patches it. */
function copyModule(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
  run("chmod", ["-R", "u+w", to], path.dirname(to));
}

/** Builds `file` (a `package main` that upstream runs with `go run`) inside the wrapper module, then runs it. */
function goProgramRunner(wrapper: string): BuildContext {
  return {
    runGoProgram(file, cwd, env) {
      const dir = path.join(wrapper, "generator");
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(file, path.join(dir, path.basename(file)));
      go(["build", "-o", path.join(dir, "run"), `./generator/${path.basename(file)}`], wrapper);
      run(path.join(dir, "run"), [], cwd, env);
    },
  };
}

/**
 * A wrapper module that requires the upstream module with its own replace and exclude lines; returns the
 * module's folder the build uses (a patched copy, or the module cache's).
 */
function prepareWrapper(tool: GoTool, dir: string): string {
  const version = goModuleVersion(tool);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  go(["mod", "init", `local.build/${tool.name}`], dir);
  if (tool.wrapperMain) fs.writeFileSync(path.join(dir, "main.go"), tool.wrapperMain);
  const download = JSON.parse(go(["mod", "download", "-json", `${tool.module}@${version}`], dir)) as {
    GoMod: string;
    Dir: string;
  };
  const edits = upstreamEdits(tool, JSON.parse(go(["mod", "edit", "-json", download.GoMod], dir)) as UpstreamGoMod);
  const moduleDir = tool.patchModule ? path.join(dir, "module") : download.Dir;
  if (tool.patchModule) {
    copyModule(download.Dir, moduleDir);
    edits.push(`-replace=${tool.module}=./module`);
  }
  if (edits.length > 0) go(["mod", "edit", ...edits], dir);
  go(["get", `${tool.module}@${version}`], dir);
  tool.patchModule?.(moduleDir, goProgramRunner(dir));
  return moduleDir;
}

/** Copies the files of each shared folder the recipe keeps into `target/<name>`. */
function copySharedFolders(tool: GoTool, moduleDir: string, target: string): void {
  for (const folder of tool.shared ?? []) {
    const from = path.join(moduleDir, folder.from);
    for (const file of fs.readdirSync(from, { recursive: true, encoding: "utf8" })) {
      if (!fs.statSync(path.join(from, file)).isFile() || !folder.keep(file)) continue;
      fs.mkdirSync(path.dirname(path.join(target, folder.name, file)), { recursive: true });
      fs.copyFileSync(path.join(from, file), path.join(target, folder.name, file));
      fs.chmodSync(path.join(target, folder.name, file), 0o644);
    }
  }
}

function buildGoTool(tool: GoTool, target: string): void {
  const work = `${target}.build`;
  const moduleDir = prepareWrapper(tool, work);
  const ldflags = [
    "-s",
    "-w",
    ...Object.entries(tool.versionStamp).map(([variable, value]) => `-X ${variable}=${value}`),
  ].join(" ");
  for (const binary of tool.binaries) {
    go(
      [
        "build",
        "-trimpath",
        `-tags=${tool.tags.join(",")}`,
        `-ldflags=${ldflags}`,
        "-o",
        path.join(target, binary.name),
        binary.package,
      ],
      work,
      { CGO_ENABLED: "0" },
    );
  }
  copySharedFolders(tool, moduleDir, target);
  fs.rmSync(work, { recursive: true, force: true });
}

function installPythonTool(tool: PythonTool, target: string): void {
  fs.rmSync(target, { recursive: true, force: true });
  run("python3", ["-m", "venv", target], process.cwd());
  run(
    path.join(target, "bin", "pip"),
    ["install", "--quiet", "--disable-pip-version-check", `${tool.requirement}==${tool.version}`],
    process.cwd(),
  );
}

/** `apt-get download` reads the package lists; a fresh machine may have none, which only root can fetch. */
function aptDownload(packages: readonly string[], dir: string): void {
  try {
    run("apt-get", ["download", ...packages], dir);
  } catch (err) {
    if (process.getuid?.() !== 0)
      throw new Error(`${(err as Error).message}\nIf the package lists are missing, run apt-get update as root once.`);
    run("apt-get", ["update"], dir);
    run("apt-get", ["download", ...packages], dir);
  }
}

function directoriesWithLibraries(root: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.so(\.|$)/.test(entry.name)) found.add(dir);
    }
  };
  walk(root);
  return [...found].sort();
}

/**
 * Extracts the package and its libraries under `target/root` and writes, per binary, a script that runs it
 * with those libraries on the loader path (exec, so the pid a test kills is the binary's own).
 */
function installDebianTool(tool: DebianTool, target: string): void {
  fs.rmSync(target, { recursive: true, force: true });
  const downloads = path.join(target, "debs");
  const root = path.join(target, "root");
  fs.mkdirSync(downloads, { recursive: true });
  aptDownload([tool.package, ...tool.libraries], downloads);
  const debs = fs.readdirSync(downloads).filter((f) => f.endsWith(".deb"));
  const main = debs.find((f) => f.startsWith(`${tool.package}_`));
  const served = main && run("dpkg-deb", ["-f", path.join(downloads, main), "Version"], downloads).trim();
  if (!served?.startsWith(`${tool.version}-`)) {
    throw new Error(
      `Debian serves ${tool.package} ${served ?? "(nothing)"}, not the pinned ${tool.version}: update versions.ts to what the clusters should run`,
    );
  }
  for (const deb of debs) run("dpkg-deb", ["-x", path.join(downloads, deb), root], downloads);
  fs.rmSync(downloads, { recursive: true, force: true });
  const libraryPath = directoriesWithLibraries(root).join(":");
  for (const binary of tool.binaries) {
    const wrapper = path.join(target, binary.name);
    fs.writeFileSync(
      wrapper,
      `#!/bin/sh\nLD_LIBRARY_PATH="${libraryPath}\${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" exec "${path.join(root, binary.path)}" "$@"\n`,
      { mode: 0o755 },
    );
    const unresolved = run(
      "sh",
      ["-c", `LD_LIBRARY_PATH="${libraryPath}" ldd "${path.join(root, binary.path)}" | grep "not found" || true`],
      target,
    ).trim();
    if (unresolved)
      throw new Error(
        `${binary.name} from Debian's ${tool.package} lacks libraries; add their packages to its entry in local/toolchain.ts:\n${unresolved}`,
      );
  }
}

function ensure(
  name: string,
  version: string,
  binaries: readonly string[],
  install: (target: string) => void,
): string[] {
  const target = path.join(toolsCacheDir(), `${name}-${version}`);
  if (!fs.existsSync(path.join(target, COMPLETE))) {
    const started = Date.now();
    process.stdout.write(`building ${name} ${version} ... `);
    install(target);
    fs.writeFileSync(path.join(target, COMPLETE), `${new Date().toISOString()}\n`);
    process.stdout.write(`${Math.round((Date.now() - started) / 1000)} s\n`);
  } else {
    process.stdout.write(`${name} ${version}: cached\n`);
  }
  return binaries.map((b) => path.join(target, b));
}

function link(files: readonly string[], dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const file of files) {
    const dest = path.join(dir, path.basename(file));
    fs.rmSync(dest, { force: true });
    fs.symlinkSync(file, dest);
  }
}

function installGoTools(tools: readonly GoTool[]): void {
  for (const tool of tools) {
    const files = ensure(
      tool.name,
      tool.version,
      [...tool.binaries.map((b) => b.name), ...(tool.shared ?? []).map((s) => s.name)],
      (target) => buildGoTool(tool, target),
    );
    link(files.slice(0, tool.binaries.length), projectBinDir());
    link(files.slice(tool.binaries.length), projectShareDir());
  }
}

/** What the local topology and the tests of configs run. */
function installTopologyTools(): void {
  installGoTools(TOPOLOGY_GO_TOOLS);
  for (const tool of PYTHON_TOOLS) {
    link(
      ensure(
        tool.name,
        tool.version,
        tool.binaries.map((b) => path.join("bin", b)),
        (target) => installPythonTool(tool, target),
      ),
      projectBinDir(),
    );
  }
  for (const tool of DEBIAN_TOOLS) {
    link(
      ensure(
        tool.name,
        tool.version,
        tool.binaries.map((b) => b.name),
        (target) => installDebianTool(tool, target),
      ),
      projectBinDir(),
    );
  }
}

/** Groups a user can build alone (`npm run setup -- topology`): the engine's tools take far longer to build cold. */
const GROUPS: Readonly<Record<string, () => void>> = {
  topology: installTopologyTools,
  engine: () => installGoTools(ENGINE_GO_TOOLS),
};

function main(args: readonly string[]): void {
  const unknown = args.filter((arg) => !(arg in GROUPS));
  if (unknown.length > 0)
    throw new Error(`unknown group ${unknown.join(", ")}: npm run setup [-- ${Object.keys(GROUPS).join("|")}]`);
  const started = Date.now();
  for (const [group, install] of Object.entries(GROUPS)) if (args.length === 0 || args.includes(group)) install();
  console.log(`binaries in ${projectBinDir()} (${Math.round((Date.now() - started) / 1000)} s)`);
}

try {
  main(process.argv.slice(2));
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
