/**
 * The global alerts the federation Prometheus evaluates, from the rule file renderGlobalFiles puts in the
 * federation's rules ConfigMap: `promtool check rules`, then `promtool test rules` with series that make each
 * alert fire and series that must not.
 */
import * as assert from "assert";
import * as YAML from "yaml";
import { INHIBIT_EQUAL, WATCHDOG_ALERT } from "../../builders/alertmanager/config";
import { COMPACTOR_MISSING, COMPACTOR_SERVICE, FEDERATION_SERVICE, REGION_UNREACHABLE } from "../../builders/federation/alerts";
import { federateJobName } from "../../builders/federation/config";
import { ESSENTIAL_SERIES, REGIONAL_RECORDING_RULES } from "../../builders/federation/series";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import type { AlertingRule } from "../../builders/rules/types";
import { checkRuleFiles, testRules } from "../support/promtool";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const regions = [exposedRegion("us-east", 0, 2), exposedRegion("eu-west", 1)];
const rulesText = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions))[GLOBAL_FILES.federationRules];
const alerts: AlertingRule[] = YAML.parse(rulesText).groups.flatMap((g: { rules: object[] }) => g.rules.filter((r) => "alert" in r));
const RULE_FILE = "global.rules.yml";

const up = (region: string, target: string, values: string) => ({ series: `up{job="${federateJobName(region)}",instance="${target}"}`, values });
/** What every answering regional Prometheus serves on /federate. */
const answers = (region: string, values: string) => ({
  series: `${REGIONAL_RECORDING_RULES.targetsScraped}{region="${region}",cluster="${region}-monitoring",shard="0",prometheus_replica="a",job="fleet"}`,
  values,
});

/** The alert about `region` at `severity`, with its annotations filled in as Prometheus fills them. */
function expectedAlert(region: string, severity: "critical" | "warning", value: string) {
  const rule = alerts.find((r) => r.alert === REGION_UNREACHABLE && r.labels.region === region && r.labels.severity === severity);
  assert.ok(rule, `${REGION_UNREACHABLE} ${severity} for ${region}`);
  const fill = (text: string) => text.replace("{{ $value }}", value);
  return {
    exp_labels: { severity, region, cluster: `${region}-monitoring`, service: FEDERATION_SERVICE },
    exp_annotations: { summary: fill(rule.annotations.summary), description: fill(rule.annotations.description) },
  };
}

/** `promtool test rules` of the rendered rule file: one test, one sample a minute. */
const promtoolTest = (name: string, inputSeries: object[], alertTests: object[]) =>
  testRules(
    { [RULE_FILE]: rulesText },
    { rule_files: [RULE_FILE], evaluation_interval: "1m", tests: [{ name, interval: "1m", input_series: inputSeries, alert_rule_test: alertTests }] },
  );
const none = (evalTime: string) => ({ eval_time: evalTime, alertname: REGION_UNREACHABLE, exp_alerts: [] });

describe("global federation alerts", () => {
  it("pass promtool check rules", () => {
    checkRuleFiles({ [RULE_FILE]: rulesText });
  });

  it("fire RegionUnreachable (critical) for a region whose federation targets all fail, and for none other", () => {
    promtoolTest(
      "eu-west's Prometheus pods stop answering at 2m; us-east keeps answering",
      [
        up("eu-west", "198.51.100.1:9090", "1 1 0x20"),
        up("eu-west", "198.51.100.2:9090", "1 1 0x20"),
        answers("eu-west", "3 3"),
        up("us-east", "192.0.2.1:9090", "1x22"),
        up("us-east", "192.0.2.2:9090", "1x22"),
        answers("us-east", "5x22"),
      ],
      [none("5m"), { eval_time: "9m", alertname: REGION_UNREACHABLE, exp_alerts: [expectedAlert("eu-west", "critical", "1")] }],
    );
  });

  it("fire RegionUnreachable (critical) for a region that answers without its recording rules, or is never federated", () => {
    promtoolTest(
      "us-east is scraped but serves no job:up:count; eu-west has no federation target at all",
      [up("us-east", "192.0.2.1:9090", "1x10")],
      [
        {
          eval_time: "6m",
          alertname: REGION_UNREACHABLE,
          exp_alerts: [expectedAlert("us-east", "critical", "1"), expectedAlert("eu-west", "critical", "1")],
        },
      ],
    );
  });

  it("fire the RegionUnreachable warning, not the critical, while some of a region's pods are federated", () => {
    promtoolTest(
      "one of us-east's four Prometheus pods stops answering at 1m",
      [
        up("us-east", "192.0.2.1:9090", "1 0x20"),
        ...["192.0.2.2:9090", "192.0.2.3:9090", "192.0.2.4:9090"].map((t) => up("us-east", t, "1x21")),
        answers("us-east", "5x21"),
        up("eu-west", "198.51.100.1:9090", "1x21"),
        answers("eu-west", "3x21"),
      ],
      [none("8m"), { eval_time: "12m", alertname: REGION_UNREACHABLE, exp_alerts: [expectedAlert("us-east", "warning", "1")] }],
    );
  });

  it("fire ThanosCompactMissing for a region that answers but whose compactor is gone, not for an unreachable region", () => {
    const rule = alerts.find((r) => r.alert === COMPACTOR_MISSING && r.labels.region === "us-east");
    assert.ok(rule, `${COMPACTOR_MISSING} for us-east`);
    const halted = (region: string, values: string) => ({
      series: `${ESSENTIAL_SERIES.compactorHalted}{region="${region}",cluster="${region}-monitoring",shard="0",prometheus_replica="a",job="thanos-compact",pod="thanos-compact-0"}`,
      values,
    });
    promtoolTest(
      "us-east's compactor disappears at 5m; eu-west keeps its compactor and then becomes unreachable",
      [
        halted("us-east", "0x4"),
        answers("us-east", "5x40"),
        halted("eu-west", "0x10"),
        answers("eu-west", "3x10"),
      ],
      [
        { eval_time: "15m", alertname: COMPACTOR_MISSING, exp_alerts: [] },
        {
          eval_time: "30m",
          alertname: COMPACTOR_MISSING,
          exp_alerts: [
            {
              exp_labels: { severity: "critical", region: "us-east", cluster: "us-east-monitoring", service: COMPACTOR_SERVICE },
              exp_annotations: { ...rule.annotations },
            },
          ],
        },
      ],
    );
  });

  it("give both severities of a region the labels the Alertmanagers' inhibition compares, so the critical silences the warning", () => {
    for (const region of ["us-east", "eu-west"]) {
      const [critical, warning] = ["critical", "warning"].map((s) => alerts.find((r) => r.labels.region === region && r.labels.severity === s));
      assert.ok(critical && warning, `both severities for ${region}`);
      for (const label of INHIBIT_EQUAL) {
        const value = (r: AlertingRule) => (label === "alertname" ? r.alert : r.labels[label]);
        assert.ok(value(critical), `${region}: the critical alert has ${label}`);
        assert.strictEqual(value(warning), value(critical), `${region}: ${label} differs between the severities`);
      }
    }
  });

  it("include the federation's own Watchdog, always firing", () => {
    const rule = alerts.find((r) => r.alert === WATCHDOG_ALERT);
    assert.ok(rule, "the federation evaluates a Watchdog");
    promtoolTest("always", [], [
      { eval_time: "1m", alertname: WATCHDOG_ALERT, exp_alerts: [{ exp_labels: { ...rule.labels }, exp_annotations: { ...rule.annotations } }] },
    ]);
  });
});
