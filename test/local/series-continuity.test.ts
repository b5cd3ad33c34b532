/** The e2e scale-down test's notion of an unbroken target history, on series made by hand: it can fail. */
import * as assert from "node:assert";
import type { Series } from "../../local/client";
import { continuityViolations, targetHistories } from "../support/series-continuity";

const series = (shard: string, times: readonly number[]): Series => ({
  metric: { instance: "a:1", shard },
  values: times.map((t) => [t, "1"] as const),
});
const seconds = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const check = (all: readonly Series[]) => continuityViolations(targetHistories(all, 0, 60, 5), 5);

describe("a target's history across shards", () => {
  it("accepts a move from shard 1 to shard 0 and back with short handoffs", () => {
    assert.deepStrictEqual(
      check([series("1", [...seconds(0, 20), ...seconds(44, 60)]), series("0", seconds(23, 41))]),
      [],
    );
  });

  it("reports the samples a removed shard's head took with it", () => {
    const [violation] = check([series("1", seconds(0, 10)), series("0", seconds(30, 60))]);
    assert.match(violation, /a gap of 20\.0s/);
  });

  it("reports two shards scraping the target at once: a doubled series", () => {
    const [violation] = check([series("1", seconds(0, 30)), series("0", seconds(25, 60))]);
    assert.match(violation, /shard 1 and shard 0 both hold samples from 25 to 30/);
  });

  it("reports a history that stops before the window ends", () => {
    assert.match(check([series("0", seconds(0, 40))])[0], /a gap of 20\.0s/);
  });
});
