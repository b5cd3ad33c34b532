/** The recording rules the global tier federates (`promtool test rules` over them: test/binaries/regional-recording.test.ts). */
import * as assert from "node:assert";
import { recordingRules } from "../../../builders/rules/recording";

describe("regional recording rules (promtool test rules)", () => {
  it("region-level series carry no target labels, so shards' partial sums add up on the global tier", () => {
    for (const rule of recordingRules()
      .groups.flatMap((g) => g.rules)
      .filter((r) => r.record.startsWith("region:"))) {
      // A plain sum, a sum by the bucket bound only, or arithmetic over other region-level series.
      assert.match(
        rule.expr,
        /^(sum\(|sum by \(le\) |histogram_quantile\(0\.\d+, region:|region:\S+ \/ region:)/,
        `${rule.record}: ${rule.expr}`,
      );
    }
  });
});
