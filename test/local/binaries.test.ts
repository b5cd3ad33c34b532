/**
 * How findBinary picks a binary when several copies exist, on fake executables (the real binaries' versions are
 * checked in test/binaries/pinned-versions.test.ts).
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { findBinary, findDeployingPulumi } from "../../local/binaries";
import { ENGINE_TOOL_VERSIONS, VERSIONS } from "../../versions";

describe("the pinned version wins the lookup (fake executables)", () => {
  let dir: string;
  let stderr: string[];
  const write = process.stderr.write;

  /** A `thanos` in `sub` that prints `version` as the real one does. */
  const fakeThanos = (sub: string, version: string): string => {
    fs.mkdirSync(path.join(dir, sub), { recursive: true });
    const file = path.join(dir, sub, "thanos");
    fs.writeFileSync(file, `#!/bin/sh\necho "thanos, version ${version} (branch: release)"\n`, { mode: 0o755 });
    return file;
  };
  const env = () => ({ PATH: path.join(dir, "path"), MONITORING_TOOLS_DIR: path.join(dir, "tools") });

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "binaries-"));
    stderr = [];
    process.stderr.write = ((chunk: string) => stderr.push(String(chunk)) > 0) as typeof process.stderr.write;
  });
  afterEach(() => {
    process.stderr.write = write;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("skips a PATH copy of another version, with a one-line notice naming it, and takes .tools/bin's", () => {
    const old = fakeThanos("path", "0.30.2");
    const own = fakeThanos("tools/bin", VERSIONS.thanos);
    assert.strictEqual(findBinary("thanos", env()), own);
    assert.deepStrictEqual(stderr, [`skipping ${old}: it is 0.30.2, not the pinned ${VERSIONS.thanos}\n`]);
  });

  it("takes a PATH copy that reports the pinned version, silently", () => {
    const onPath = fakeThanos("path", VERSIONS.thanos);
    fakeThanos("tools/bin", VERSIONS.thanos);
    assert.strictEqual(findBinary("thanos", env()), onPath);
    assert.deepStrictEqual(stderr, []);
  });

  it("takes THANOS_BIN of another version, with a one-line warning", () => {
    const chosen = fakeThanos("mine", "0.30.2");
    fakeThanos("tools/bin", VERSIONS.thanos);
    assert.strictEqual(findBinary("thanos", { ...env(), THANOS_BIN: chosen }), chosen);
    assert.deepStrictEqual(stderr, [`warning: THANOS_BIN=${chosen} is 0.30.2, not the pinned ${VERSIONS.thanos}\n`]);
  });

  it("asks each file its version once per process", () => {
    const counter = path.join(dir, "asked");
    const onPath = fakeThanos("path", VERSIONS.thanos);
    fs.writeFileSync(onPath, `#!/bin/sh\necho x >> "${counter}"\necho "thanos, version ${VERSIONS.thanos}"\n`);
    findBinary("thanos", env());
    findBinary("thanos", env());
    assert.strictEqual(fs.readFileSync(counter, "utf8"), "x\n");
  });

  it("npm run deploy takes a user's own pulumi on PATH whatever its version, else the pinned build", () => {
    const fakePulumi = (sub: string, version: string): string => {
      fs.mkdirSync(path.join(dir, sub), { recursive: true });
      const file = path.join(dir, sub, "pulumi");
      fs.writeFileSync(file, `#!/bin/sh\necho "v${version}"\n`, { mode: 0o755 });
      return file;
    };
    const own = fakePulumi("tools/bin", ENGINE_TOOL_VERSIONS.pulumi);
    assert.strictEqual(findDeployingPulumi(env()), own);
    const users = fakePulumi("path", "3.200.0");
    assert.strictEqual(findDeployingPulumi(env()), users);
    assert.deepStrictEqual(stderr, []);
  });
});
