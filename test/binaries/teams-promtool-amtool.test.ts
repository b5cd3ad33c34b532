/**
 * The payments team's part of the rendered configs as the pinned binaries read them: promtool on the
 * regional Prometheus config and the team's rules, amtool on the global stack's Alertmanager config.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ALERTMANAGER } from "../../builders/global/layout";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { renderRegionalFiles } from "../../builders/regional/render";
import type { GlobalStackConfig } from "../../config";
import { checkPrometheusConfig, checkRuleFiles, runPromtool, withTempDir } from "../support/promtool";
import { runBinary, withStandInFiles } from "../support/tools";
import { CERTIFICATES_EXPIRE, bucketOf } from "../fixtures/regional-fixtures";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";
import { PAYMENTS_BY_CONFIG, PAYMENTS_GLOBAL, PAYMENTS_SECRETS, usEastWithTeams } from "../fixtures/teams";

describe("teams: scrape targets, rules, dashboards and routes by config", () => {
  const byConfig = usEastWithTeams([PAYMENTS_BY_CONFIG]);

  it("renders a regional Prometheus config with the team's jobs that the pinned promtool check config accepts", () => {
    const files = renderRegionalFiles({
      config: byConfig,
      objectStore: bucketOf(byConfig),
      certificatesExpire: CERTIFICATES_EXPIRE,
    });
    const config = files["prometheus/shard-0/prometheus-shard-0-0.yaml"];
    assert.match(config, /job_name: payments\/services\/api\/0/);
    assert.match(checkPrometheusConfig(config), /SUCCESS/);
  });

  it("labels the team's rules with the team, and promtool check rules accepts the rendered files", () => {
    const files = renderRegionalFiles({
      config: byConfig,
      objectStore: bucketOf(byConfig),
      certificatesExpire: CERTIFICATES_EXPIRE,
    });
    const team = files["rules/team-payments-rules.yaml"];
    const parsed = YAML.parse(team);
    for (const rule of parsed.groups[0].rules) assert.strictEqual(rule.labels.team, "payments");
    assert.match(checkRuleFiles({ "team-payments-rules.yaml": team }), /SUCCESS: 2 rules found/);
  });

  it("promtool test rules: the team's alert fires labeled team=payments, the label its Alertmanager route matches", () => {
    const files = renderRegionalFiles({
      config: byConfig,
      objectStore: bucketOf(byConfig),
      certificatesExpire: CERTIFICATES_EXPIRE,
    });
    withTempDir("team-rules-", (dir) => {
      fs.writeFileSync(path.join(dir, "team.yaml"), files["rules/team-payments-rules.yaml"]);
      const tests = {
        rule_files: ["team.yaml"],
        evaluation_interval: "1m",
        tests: [
          {
            interval: "1m",
            input_series: [
              { series: 'payments_requests_total{code="200"}', values: "0+90x20" },
              { series: 'payments_requests_total{code="500"}', values: "0+10x20" },
            ],
            alert_rule_test: [
              {
                eval_time: "15m",
                alertname: "PaymentsErrorsHigh",
                exp_alerts: [
                  {
                    exp_labels: { severity: "critical", team: "payments" },
                    exp_annotations: {
                      summary: "More than 5% of payment requests fail.",
                      description: "10% of payment requests answered 5xx for 5 minutes.",
                    },
                  },
                ],
              },
            ],
          },
        ],
      };
      fs.writeFileSync(path.join(dir, "tests.yaml"), YAML.stringify(tests));
      assert.match(runPromtool(["test", "rules", "tests.yaml"], { cwd: dir }), /SUCCESS/);
    });
  });

  describe("the global stack's part", () => {
    const global = globalConfig(["us-east"], { teams: [PAYMENTS_GLOBAL], ...PAYMENTS_SECRETS }) as GlobalStackConfig;
    const regions = [exposedRegion("us-east", 0)];
    const files = renderGlobalFiles(global, regions, renderOptions(regions, 3));

    it("amtool check-config accepts it and amtool config routes test sends the team's alerts to the team", () => {
      withTempDir("team-am-", (dir) => {
        const file = path.join(dir, "alertmanager.yml");
        fs.writeFileSync(
          file,
          withStandInFiles(files[GLOBAL_FILES.alertmanagerConfig], [ALERTMANAGER.secretsDir], dir),
        );
        assert.match(runBinary("amtool", ["check-config", file]), /SUCCESS/);
        const route = (...labels: string[]) =>
          runBinary("amtool", ["config", "routes", "test", `--config.file=${file}`, ...labels], {
            stdoutOnly: true,
          }).trim();
        assert.strictEqual(
          route("alertname=PaymentsErrorsHigh", "team=payments", "severity=critical"),
          "payments-pager",
        );
        assert.strictEqual(route("alertname=PaymentsSlow", "team=payments", "severity=warning"), "payments-slack");
        assert.strictEqual(route("alertname=TargetDown", "severity=critical"), "oncall");
      });
    });
  });
});
