/** The binaries the tests and the local topology run are the versions the clusters run (versions.ts). */
import * as assert from "node:assert";
import { type BinaryName, binaryVersion, findBinary } from "../../local/binaries";

const PINNED: readonly BinaryName[] = [
  "prometheus",
  "promtool",
  "alertmanager",
  "amtool",
  "nodeExporter",
  "thanos",
  "haproxy",
  "memcached",
];

describe("pinned binaries", () => {
  for (const name of PINNED) {
    it(`${name} reports the version versions.ts pins (npm run setup builds it)`, () => {
      const file = findBinary(name);
      const { pinned, actual } = binaryVersion(name, file);
      assert.strictEqual(
        actual,
        pinned,
        `${file} is ${actual ?? "of no readable version"}, not the pinned ${pinned}: run npm run setup, or unset the variable or PATH entry that finds it`,
      );
    });
  }
});
