/** The dead man's switch's Alertmanager configs as the pinned amtool checks them. */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ALERTMANAGER } from "../../builders/global/layout";
import { OPSGENIE_HEARTBEAT, WEBHOOK_HEARTBEAT, clusterAlertmanagerConfig } from "../fixtures/alertmanager-fixtures";
import { runBinary, tempDir, withStandInFiles } from "../support/tools";

describe("the Watchdog's heartbeat (dead man's switch)", () => {
  let dir: string;
  before(() => (dir = tempDir("heartbeat-")));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [label, config] of [
    ["a webhook heartbeat", WEBHOOK_HEARTBEAT],
    ["an Opsgenie heartbeat", OPSGENIE_HEARTBEAT],
  ] as const) {
    it(`renders ${label} that amtool check-config accepts`, () => {
      const root = path.join(dir, label.replace(/\W+/g, "-"));
      fs.mkdirSync(root, { recursive: true });
      const file = path.join(root, "alertmanager.yml");
      fs.writeFileSync(
        file,
        withStandInFiles(YAML.stringify(clusterAlertmanagerConfig(config)), [ALERTMANAGER.secretsDir], root),
      );
      assert.match(runBinary("amtool", ["check-config", file]), /SUCCESS/);
    });
  }
});
