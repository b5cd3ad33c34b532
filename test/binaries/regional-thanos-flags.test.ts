/** The regional tier's Thanos arguments as the pinned Thanos lists its flags. */
import * as assert from "node:assert";
import { parsesHiddenFlag, thanosFlagProblems } from "../support/thanos-flags";
import { usEastThanosCommands } from "../fixtures/regional-fixtures";

describe("regional Thanos arguments", () => {
  const commands = usEastThanosCommands();

  for (const [command, args] of Object.entries(commands)) {
    it(`thanos ${command}: only flags the pinned Thanos has, none deprecated`, () => {
      assert.strictEqual(args[0], command);
      assert.deepStrictEqual(thanosFlagProblems(command as keyof typeof commands, args), []);
    });
  }

  it("the hidden-flag probe tells a flag the binary parses from one it does not", () => {
    assert.strictEqual(parsesHiddenFlag("store", "--store.caching-bucket.config"), true);
    assert.strictEqual(parsesHiddenFlag("store", "--store.caching-bucket.configs"), false);
  });

  it("the flag check can fail", () => {
    assert.deepStrictEqual(thanosFlagProblems("store", ["store", "--store.grpc.series-sample-limit=1"]), [
      "thanos store deprecates --store.grpc.series-sample-limit",
    ]);
  });
});
