import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "..", "..", "scripts", "side-by-side.js");

describe("npm test's side-by-side runner (scripts/side-by-side.ts)", function () {
  this.timeout(60_000);
  let dir: string;

  // A package whose scripts print, fail and note that they ran.
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "side-by-side-"));
    const note = (name: string) => `node -e "require('fs').writeFileSync('${name}.ran', '')"`;
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({
        name: "side-by-side-test",
        scripts: {
          slow: `node -e "setTimeout(() => console.log('  3 passing (slow)'), 300)"`,
          fast: `node -e "console.log('  2 passing (fast)')"`,
          fails: `node -e "console.log('  1 failing'); process.exit(3)"`,
          after: note("after"),
          other: note("other"),
        },
      }),
    );
  });

  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => spawnSync("node", [SCRIPT, ...args], { cwd: dir, encoding: "utf8" });

  it("runs every group and prints each group's output whole, mocha's summary lines intact", () => {
    const result = run("slow", "--", "fast");
    assert.strictEqual(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^ {2}3 passing \(slow\)$/m);
    assert.match(result.stdout, /^ {2}2 passing \(fast\)$/m);
    // The fast group ends first and is printed first.
    assert.ok(result.stdout.indexOf("(fast)") < result.stdout.indexOf("(slow)"));
  });

  it("fails when a script fails, stops that group there and lets the others finish", () => {
    const result = run("fails", "after", "--", "other");
    assert.strictEqual(result.status, 1);
    assert.match(result.stdout, /npm run fails failed \(exit 3\)/);
    assert.ok(!fs.existsSync(path.join(dir, "after.ran")), "the failing group's next script did not run");
    assert.ok(fs.existsSync(path.join(dir, "other.ran")), "the other group ran to its end");
  });

  it("refuses an empty group", () => {
    const result = run("fast", "--");
    assert.strictEqual(result.status, 2);
    assert.match(result.stderr, /group 2 names no npm script/);
  });
});
