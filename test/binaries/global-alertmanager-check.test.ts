/** The global tier's Alertmanager config and arguments as the pinned amtool and Alertmanager read them. */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { alertmanagerConfig } from "../../builders/alertmanager/config";
import { ALERTMANAGER } from "../../builders/global/layout";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { EVERY_RECEIVER_KIND, meshArgs } from "../fixtures/alertmanager-fixtures";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";
import { runBinary, tempDir, withStandInFiles } from "../support/tools";

describe("Alertmanager mesh builders", () => {
  let dir: string;
  before(() => (dir = tempDir("alertmanager-")));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("renders a config with every kind of receiver that the pinned amtool check-config accepts", () => {
    const root = path.join(dir, "receivers");
    const text = YAML.stringify(
      alertmanagerConfig({ alerting: EVERY_RECEIVER_KIND.alerting, secretsDir: ALERTMANAGER.secretsDir }),
    );
    const file = path.join(root, "alertmanager.yml");
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(file, withStandInFiles(text, [ALERTMANAGER.secretsDir], root));
    assert.match(runBinary("amtool", ["check-config", file]), /SUCCESS/);
  });

  it("renders through renderGlobalFiles a config amtool accepts", () => {
    const regions = [exposedRegion("us-east", 0)];
    const files = renderGlobalFiles(globalConfig(["us-east"]), regions, renderOptions(regions, 3));
    const root = path.join(dir, "rendered");
    fs.mkdirSync(root, { recursive: true });
    const file = path.join(root, "alertmanager.yml");
    fs.writeFileSync(file, withStandInFiles(files[GLOBAL_FILES.alertmanagerConfig], [ALERTMANAGER.secretsDir], root));
    assert.match(runBinary("amtool", ["check-config", file]), /SUCCESS/);
  });

  it("uses only flags the pinned Alertmanager knows", () => {
    const help = runBinary("alertmanager", ["--help-long"]);
    const known = new Set([...help.matchAll(/--([a-z][a-z0-9.-]+)/g)].map((m) => `--${m[1]}`));
    for (const arg of meshArgs(3)) assert.ok(known.has(arg.split("=")[0]), `the pinned Alertmanager knows ${arg}`);
  });
});
