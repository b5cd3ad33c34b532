/**
 * Runs the pinned promtool (`npm run setup`) on rendered configs and rule files.
 *
 * promtool insists that every file a config names exists, so `standInPrometheusConfig` rewrites a copy of a
 * config: every absolute path (credentials, CAs, certificates, file_sd files, rule files) is moved under a
 * temporary directory where a stand-in file is created. Everything else, Kubernetes discovery included, is
 * checked as the clusters' Prometheus reads it.
 *
 * Every function throws with promtool's output when it fails, and with the setup command when promtool is
 * missing; none skips.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { type RunOptions, runBinary, tempDir } from "./tools";

/** Config keys whose value is a path to a file promtool opens. */
const FILE_KEYS = new Set([
  "ca_file",
  "cert_file",
  "key_file",
  "password_file",
  "username_file",
  "credentials_file",
  "bearer_token_file",
  "client_ca_file",
]);

/** Runs the pinned promtool; returns its output, or throws with it. */
export function runPromtool(args: readonly string[], options: RunOptions = {}): string {
  return runBinary("promtool", args, options);
}

/** Runs `fn` with a fresh temporary directory and removes it afterwards. */
export function withTempDir<T>(prefix: string, fn: (dir: string) => T): T {
  const dir = tempDir(prefix);
  try {
    return fn(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function writeFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/**
 * Where an in-pod absolute path lives under `root`; relative paths, and paths already under `root` (files the
 * caller wrote there itself), stay as they are.
 */
function relocate(root: string, file: string): string {
  return path.isAbsolute(file) && !file.startsWith(`${root}${path.sep}`) ? path.join(root, file) : file;
}

function standIn(root: string, file: string, content: string): string {
  const local = relocate(root, file);
  if (!local.includes("*") && !fs.existsSync(local)) writeFile(local, content);
  return local;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function rewrite(value: Json, root: string): Json {
  if (Array.isArray(value)) return value.map((item) => rewrite(item, root));
  if (value === null || typeof value !== "object") return value;
  const out: { [key: string]: Json } = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "files" && Array.isArray(child)) {
      out.files = child.map((file) => standIn(root, String(file), "[]\n"));
    } else if (FILE_KEYS.has(key) && typeof child === "string") {
      out[key] = standIn(root, child, "stand-in\n");
    } else if (key === "rule_files" && Array.isArray(child)) {
      out.rule_files = child.map((glob) => relocate(root, String(glob)));
    } else {
      out[key] = rewrite(child, root);
    }
  }
  return out;
}

/**
 * A copy of a Prometheus config that promtool can check on this machine, with its stand-in files created under
 * `root`. `ruleFiles` (in-pod path -> content) are written where the config's `rule_files` globs find them.
 */
export function standInPrometheusConfig(
  config: string | object,
  root: string,
  ruleFiles: Record<string, string> = {},
): string {
  const parsed = (typeof config === "string" ? YAML.parse(config) : config) as Json;
  for (const [file, content] of Object.entries(ruleFiles)) writeFile(relocate(root, file), content);
  return YAML.stringify(rewrite(parsed, root), { aliasDuplicateObjects: false });
}

/** `promtool check config` on a Prometheus config (text or object) after the stand-in rewrite. */
export function checkPrometheusConfig(config: string | object, ruleFiles: Record<string, string> = {}): string {
  return withTempDir("promtool-config-", (dir) => {
    const file = path.join(dir, "prometheus.yaml");
    writeFile(file, standInPrometheusConfig(config, dir, ruleFiles));
    return runPromtool(["check", "config", file]);
  });
}

/** `promtool check rules` on rule files (name -> content). */
export function checkRuleFiles(files: Record<string, string>): string {
  return withTempDir("promtool-rules-", (dir) => {
    const paths = Object.entries(files).map(([name, content]) => {
      const file = path.join(dir, path.basename(name));
      writeFile(file, content);
      return file;
    });
    return runPromtool(["check", "rules", ...paths]);
  });
}

/**
 * `promtool check web-config` on a web config. promtool loads the server's key pair, so the stand-ins for
 * `tls_server_config` are a throwaway self-signed pair made with openssl.
 */
export function checkWebConfig(config: string | object): string {
  return withTempDir("promtool-web-", (dir) => {
    const file = path.join(dir, "web-config.yaml");
    const standIns = YAML.parse(standInPrometheusConfig(config, dir));
    const tls = standIns.tls_server_config;
    if (tls?.cert_file && tls?.key_file) selfSignedPair(tls.cert_file, tls.key_file);
    writeFile(file, YAML.stringify(standIns));
    return runPromtool(["check", "web-config", file]);
  });
}

function selfSignedPair(certFile: string, keyFile: string): void {
  const args = [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-subj",
    "/CN=stand-in",
    "-days",
    "1",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ];
  runBinary("openssl", args);
}

/**
 * `promtool test rules`: `ruleFiles` (name -> content) are written beside the test file, so the test's
 * `rule_files` name them by their bare names.
 */
export function testRules(ruleFiles: Record<string, string>, test: string | object): string {
  return withTempDir("promtool-test-", (dir) => {
    for (const [name, content] of Object.entries(ruleFiles)) writeFile(path.join(dir, path.basename(name)), content);
    const file = path.join(dir, "test.yaml");
    writeFile(file, typeof test === "string" ? test : YAML.stringify(test));
    return runPromtool(["test", "rules", file], { cwd: dir });
  });
}
