/** Every default dashboard query, its variables filled in as Grafana does, as the pinned promtool parses it. */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { interpolate, parseLabelValues } from "../../builders/grafana/promql";
import { everyDashboardQuery } from "../support/dashboard-series";
import { checkRuleFiles } from "../support/promtool";

describe("default Grafana dashboards", () => {
  it("writes every query, its variables filled in as Grafana does, in PromQL the pinned promtool parses", () => {
    const values = { region: "us-east", cluster: "us-east-monitoring", namespace: ".*", __rate_interval: "1m" };
    const rules = everyDashboardQuery().map((q, i) => {
      const expr = interpolate(q.expr, values);
      return {
        record: `dashboard:query_${i}`,
        expr: q.kind === "variable" ? (parseLabelValues(expr)?.selector ?? "vector(1)") : expr,
      };
    });
    assert.ok(rules.length > 100);
    checkRuleFiles({ "dashboards.yaml": YAML.stringify({ groups: [{ name: "dashboards", rules }] }) });
  });
});
