/**
 * What the e2e tests, `npm run test:check` and the quick benchmark check of an alert's notifications: what
 * Alertmanager promises (at least once, deduplicated only as far as gossip keeps up), so they hold on a
 * loaded machine; and which peer timeout each benchmark run measures with.
 */
import * as assert from "node:assert";
import { fullSettings, quickSettings } from "../../bench/settings";
import { ALERTMANAGER } from "../../builders/global/layout";
import { deliveryProblem, meshDuplicateWindowMs } from "../../local/check";
import { LOCAL_TIMING } from "../../local/settings";

describe("an alert's delivery through the Alertmanager mesh", () => {
  it("passes once, and a duplicate from a peer that notified before gossip reached it", () => {
    assert.strictEqual(deliveryProblem("TargetDown", 1, 3), undefined);
    assert.strictEqual(
      deliveryProblem("TargetDown", 2, 3),
      undefined,
      "one duplicate with 3 peers: what a starved peer sends within the 2s peer timeout",
    );
    assert.strictEqual(deliveryProblem("TargetDown", 3, 3), undefined);
  });

  it("fails an alert never delivered, or delivered more often than there are peers", () => {
    assert.match(deliveryProblem("TargetDown", 0, 3) ?? "", /TargetDown never reached the webhook/);
    assert.match(
      deliveryProblem("TargetDown", 3, 2) ?? "",
      /reached the webhook 3 times, more than once per Alertmanager peer \(2\)/,
    );
  });

  it("listens for duplicates as long as the mesh's peer timeout lets the last peer wait", () => {
    assert.strictEqual(meshDuplicateWindowMs(3, "2s"), 8000);
    assert.strictEqual(meshDuplicateWindowMs(3, ALERTMANAGER.peerTimeout), 47000);
  });

  it("the full benchmark checks exactly once with the clusters' peer timeout; the quick one, under load, only delivery", () => {
    const full = fullSettings(19000).alerts;
    assert.deepStrictEqual([full.peerTimeout, full.exactlyOnce], [ALERTMANAGER.peerTimeout, true]);
    const quick = quickSettings(19000).alerts;
    assert.deepStrictEqual([quick.peerTimeout, quick.exactlyOnce], [LOCAL_TIMING.peerTimeout, false]);
  });
});
