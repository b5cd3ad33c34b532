/**
 * `npm run setup`: builds the pinned Prometheus, Alertmanager, node-exporter and Thanos binaries from their Go
 * modules, installs the local object-store emulators and extracts HAProxy and memcached from Debian's
 * packages, into `.tools/bin` (git-ignored).
 *
 * Each tool is built once per version into a cache directory (`MONITORING_TOOLS_CACHE`, default `.tools/cache`)
 * and linked into `.tools/bin`, so a second run, or CI's fresh clone with a shared cache, takes seconds.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DEBIAN_TOOLS, DebianTool, GO_TOOLS, PYTHON_TOOLS, GoTool, PythonTool, goModuleVersion, projectToolsDir, toolsCacheDir } from "../local/toolchain";

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`${command} could not run (${result.error.message}); install it first.`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd} (exit ${result.status}):\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

const COMPLETE = ".complete";

/** A wrapper module that requires the upstream module with its own replace and exclude lines. */
function prepareWrapper(tool: GoTool, dir: string): void {
  const version = goModuleVersion(tool);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const env = { GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" };
  run("go", ["mod", "init", `local.build/${tool.name}`], dir, env);
  const download = JSON.parse(run("go", ["mod", "download", "-json", `${tool.module}@${version}`], dir, env)) as { GoMod: string; Dir: string };
  const upstream = JSON.parse(run("go", ["mod", "edit", "-json", download.GoMod], dir, env)) as {
    Replace?: { Old: { Path: string; Version?: string }; New: { Path: string; Version?: string } }[];
    Exclude?: { Path: string; Version: string }[];
  };
  const at = (m: { Path: string; Version?: string }) => (m.Version ? `${m.Path}@${m.Version}` : m.Path);
  const edits = [
    ...(upstream.Replace ?? []).map((r) => `-replace=${at(r.Old)}=${at(r.New)}`),
    ...(upstream.Exclude ?? []).map((e) => `-exclude=${e.Path}@${e.Version}`),
  ];
  if (tool.missingEmbeds) {
    const copy = path.join(dir, "module");
    fs.cpSync(download.Dir, copy, { recursive: true });
    run("chmod", ["-R", "u+w", copy], dir);
    for (const file of tool.missingEmbeds) {
      fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
      fs.writeFileSync(path.join(copy, file), `<!doctype html><p>${tool.name} ${tool.version} built by npm run setup without its web UI.</p>\n`);
    }
    edits.push(`-replace=${tool.module}=./module`);
  }
  if (edits.length > 0) run("go", ["mod", "edit", ...edits], dir, env);
  run("go", ["get", `${tool.module}@${version}`], dir, env);
}

function buildGoTool(tool: GoTool, target: string): void {
  const work = `${target}.build`;
  prepareWrapper(tool, work);
  const ldflags = [
    "-s",
    "-w",
    `-X github.com/prometheus/common/version.Version=${tool.version}`,
    `-X github.com/prometheus/common/version.Branch=release`,
    `-X github.com/prometheus/common/version.BuildUser=npm-run-setup`,
  ].join(" ");
  for (const binary of tool.binaries) {
    run(
      "go",
      ["build", "-trimpath", `-tags=${tool.tags.join(",")}`, `-ldflags=${ldflags}`, "-o", path.join(target, binary.name), binary.package ? `${tool.module}/${binary.package}` : tool.module],
      work,
      { GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local", CGO_ENABLED: "0" },
    );
  }
  fs.rmSync(work, { recursive: true, force: true });
}

function installPythonTool(tool: PythonTool, target: string): void {
  fs.rmSync(target, { recursive: true, force: true });
  run("python3", ["-m", "venv", target], process.cwd());
  run(path.join(target, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", `${tool.requirement}==${tool.version}`], process.cwd());
}

/** `apt-get download` reads the package lists; a fresh machine may have none, which only root can fetch. */
function aptDownload(packages: readonly string[], dir: string): void {
  try {
    run("apt-get", ["download", ...packages], dir);
  } catch (err) {
    if (process.getuid?.() !== 0) throw new Error(`${(err as Error).message}\nIf the package lists are missing, run apt-get update as root once.`);
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
    throw new Error(`Debian serves ${tool.package} ${served ?? "(nothing)"}, not the pinned ${tool.version}: update versions.ts to what the clusters should run`);
  }
  for (const deb of debs) run("dpkg-deb", ["-x", path.join(downloads, deb), root], downloads);
  fs.rmSync(downloads, { recursive: true, force: true });
  const libraryPath = directoriesWithLibraries(root).join(":");
  for (const binary of tool.binaries) {
    const wrapper = path.join(target, binary.name);
    fs.writeFileSync(wrapper, `#!/bin/sh\nLD_LIBRARY_PATH="${libraryPath}\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "${path.join(root, binary.path)}" "$@"\n`, { mode: 0o755 });
    const unresolved = run("sh", ["-c", `LD_LIBRARY_PATH="${libraryPath}" ldd "${path.join(root, binary.path)}" | grep "not found" || true`], target).trim();
    if (unresolved) throw new Error(`${binary.name} from Debian's ${tool.package} lacks libraries; add their packages to its entry in local/toolchain.ts:\n${unresolved}`);
  }
}

function ensure(name: string, version: string, binaries: readonly string[], install: (target: string) => void): string[] {
  const target = path.join(toolsCacheDir(), `${name}-${version}`);
  if (!fs.existsSync(path.join(target, COMPLETE))) {
    const started = Date.now();
    process.stdout.write(`building ${name} ${version} ... `);
    install(target);
    fs.writeFileSync(path.join(target, COMPLETE), new Date().toISOString() + "\n");
    process.stdout.write(`${Math.round((Date.now() - started) / 1000)} s\n`);
  } else {
    process.stdout.write(`${name} ${version}: cached\n`);
  }
  return binaries.map((b) => path.join(target, b));
}

function link(files: readonly string[]): void {
  const bin = path.join(projectToolsDir(), "bin");
  fs.mkdirSync(bin, { recursive: true });
  for (const file of files) {
    const dest = path.join(bin, path.basename(file));
    fs.rmSync(dest, { force: true });
    fs.symlinkSync(file, dest);
  }
}

function main(): void {
  const started = Date.now();
  for (const tool of GO_TOOLS) {
    link(ensure(tool.name, tool.version, tool.binaries.map((b) => b.name), (target) => buildGoTool(tool, target)));
  }
  for (const tool of PYTHON_TOOLS) {
    link(ensure(tool.name, tool.version, tool.binaries.map((b) => path.join("bin", b)), (target) => installPythonTool(tool, target)));
  }
  for (const tool of DEBIAN_TOOLS) {
    link(ensure(tool.name, tool.version, tool.binaries.map((b) => b.name), (target) => installDebianTool(tool, target)));
  }
  console.log(`binaries in ${path.join(projectToolsDir(), "bin")} (${Math.round((Date.now() - started) / 1000)} s)`);
}

try {
  main();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
