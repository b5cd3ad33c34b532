/**
 * The default dashboards against the real binaries of the local topology: every series they read from a
 * component it runs (Prometheus, node_exporter, Thanos, Alertmanager) and every recording rule exist with
 * those names, and every query that reads only such series runs through the Query Frontend, as Grafana's
 * Thanos datasource sends it, without error and with data. The cluster-only components (kube-state-metrics,
 * cAdvisor) are held against their upstream names in the unit test.
 * They need a healthy single-shard topology, as thanos.test.ts does before its first fault: that file runs
 * them first on its own topology rather than starting a second one (a minute on two cores).
 */
import * as assert from "node:assert";
import { QUERY_FRONTEND_ALERT_GROUP, SCRAPE_ALERTS } from "../../builders/federation/alerts";
import { QUERY_FRONTEND_SCRAPE_JOB } from "../../builders/federation/config";
import { IN_REGION, REGION_AND_CLUSTER } from "../../builders/grafana/dashboards/helpers";
import { interpolate, parseLabelValues } from "../../builders/grafana/promql";
import { globalRecordOf } from "../../builders/federation/rules";
import { RECORDED } from "../../builders/rules/recording";
import { everyRuleEvaluates } from "../../local/check";
import { query, request, ruleGroups, type ServerAccess, thanosQuery } from "../../local/client";
import type { Topology } from "../../local/topology";
import { FLEET_JOB } from "../../local/settings";
import { waitFor } from "../../local/wait";
import { type DashboardQuery, everyDashboardQuery, readsOnlyLocalSeries } from "../support/dashboard-series";

/** Grafana's `$__rate_interval` is at least four scrape intervals; a minute covers the local ones. */
const RATE_INTERVAL = "1m";
/** Queries that filter on a value (failures `> 0`) may rightly be empty on a healthy topology. */
const FILTERS_ON_VALUE = /\s>\s0$/;

async function labelValues(access: ServerAccess, label: string, selector?: string): Promise<string[]> {
  const params = selector ? `?${new URLSearchParams({ "match[]": selector })}` : "";
  const body = JSON.parse(await request(access, `/api/v1/label/${label}/values${params}`)) as {
    status: string;
    data: string[];
  };
  assert.strictEqual(body.status, "success");
  return body.data;
}

/** The checks, as `it`s of the caller's suite, on the healthy topology `current` returns. */
export function dashboardChecks(current: () => Topology): void {
  const frontend = (): ServerAccess => current().rendered.frontend;
  const local = everyDashboardQuery().filter(readsOnlyLocalSeries);
  const valuesOf = (region: Topology["plan"]["regions"][number]) => ({
    region: region.name,
    cluster: region.config.cluster.name,
    namespace: ".*",
    __rate_interval: RATE_INTERVAL,
  });

  it("every series the dashboards read from a local component or a recording rule exists under that name", async () => {
    const wanted = [...new Set(local.flatMap((q) => q.names))].sort();
    assert.ok(wanted.length > 50, `the dashboards read ${wanted.length} local series`);
    // Rates and the global rules need a few scrapes and evaluations after start.
    let missing: string[] = wanted;
    await waitFor("every dashboard series in Thanos Query", 60_000, async () => {
      const existing = new Set(await labelValues(frontend(), "__name__"));
      missing = wanted.filter((name) => !existing.has(name));
      return missing.length === 0 ? true : undefined;
    }).catch(() => undefined);
    assert.deepStrictEqual(missing, [], "series the dashboards read that the binaries do not expose");
  });

  it("reads a region's recording rules once: the federation's copies are left out of the per-region views", async () => {
    for (const region of current().plan.regions) {
      // The count expected once every copy arrived (the federation's after its first scrapes), or the last seen.
      const count = async (matcher: string, expected: number) => {
        const expr = `count(${RECORDED.requestRate}{${interpolate(matcher, valuesOf(region))}})`;
        let seen: number | undefined;
        await waitFor(`${expr} = ${expected}`, 30_000, async () => {
          const sample = (await thanosQuery(frontend(), expr)).result[0];
          seen = sample ? Number(sample.value[1]) : undefined;
          return seen === expected ? true : undefined;
        }).catch(() => undefined);
        return seen;
      };
      // One shard: its replicas deduplicated into one series, and the federation's copy beside it unless excluded.
      assert.strictEqual(
        await count(REGION_AND_CLUSTER, 2),
        2,
        `${region.name}: the federation holds a copy (so this test can fail)`,
      );
      assert.strictEqual(
        await count(IN_REGION, 1),
        1,
        `${region.name}: the per-region matcher reads the region's own series only`,
      );
    }
  });

  it("every query on local series runs through the Query Frontend without error and returns series", async () => {
    const values = valuesOf(current().plan.regions[0]);
    const run = async (q: DashboardQuery): Promise<number> => {
      const expr = interpolate(q.expr, values);
      const variable = q.kind === "variable" ? parseLabelValues(expr) : undefined;
      if (variable) return (await labelValues(frontend(), variable.label, variable.selector)).length;
      return (await thanosQuery(frontend(), expr)).result.length;
    };
    const failed: string[] = [];
    // Rates over the federated sidecar counters need two federation scrapes in their window: the queries
    // still empty are asked again, within a bound.
    let empty = local.filter((q) => !FILTERS_ON_VALUE.test(q.expr));
    await waitFor("every dashboard query to answer series", 60_000, async () => {
      const answers = await Promise.all(
        empty.map((q) =>
          run(q).catch((err: Error) => {
            failed.push(`${q.dashboard}: '${q.expr}': ${err.message}`);
            return 1;
          }),
        ),
      );
      empty = empty.filter((_, i) => answers[i] === 0);
      return empty.length === 0 || failed.length > 0 ? true : undefined;
    }).catch(() => undefined);
    for (const q of local.filter((q) => FILTERS_ON_VALUE.test(q.expr)))
      await run(q).catch((err: Error) => failed.push(`${q.dashboard}: '${q.expr}': ${err.message}`));
    assert.ok(local.length > 60, `${local.length} queries ran`);
    assert.deepStrictEqual(failed, [], "queries Thanos refused");
    assert.deepStrictEqual(
      empty.map((q) => `${q.dashboard}: ${q.expr}`),
      [],
      "queries that answered no series (a wrong label name or value)",
    );
  });

  it("the fleet's native histogram reaches Thanos Query from each region, the federation over protobuf, and the global p95 panel, which reads it rather than the classic buckets", async () => {
    const regions = current()
      .plan.regions.map((r) => r.name)
      .sort();
    const byRegion = (
      samples: readonly { metric: Readonly<Record<string, string>>; value: readonly [number, string] }[],
    ) => Object.fromEntries(samples.map((s) => [s.metric.region, Number(s.value[1])]));
    const everyRegion = async (what: string, ask: () => Promise<Record<string, number>>) =>
      waitFor(what, 30_000, async () => {
        const answer = await ask();
        return regions.every((r) => answer[r] > 0) ? answer : undefined;
      });
    // Raw, as the regions scraped it: one native histogram per target and replica, deduplicated.
    await everyRegion("native histograms of the fleet through Thanos Query", async () =>
      byRegion(
        (
          await thanosQuery(
            frontend(),
            `count by (region) (histogram_count(http_request_duration_seconds{job="${FLEET_JOB}"}))`,
          )
        ).result,
      ),
    );
    // The regional rule over it reaches each federation Prometheus only if /federate answered in protobuf.
    for (const [name, access] of current().rendered.federation)
      await everyRegion(`${name}: the regions' native-histogram rule`, async () =>
        byRegion(await query(access, `count by (region) (histogram_count(${RECORDED.latencyHistogram}))`)),
      );
    const [panel] = everyDashboardQuery().filter(
      (q) => q.dashboard.startsWith("global-overview") && q.expr.includes(globalRecordOf(RECORDED.latencyHistogram)),
    );
    assert.ok(panel, "the global overview reads the native histogram rule");
    const [nativeSide, classicSide] = panel.expr.split(" or ");
    // The fleet's shares put p95 in (0.25, 0.5] either way; interpolation differs (exponential in a native bucket).
    // Right after the start the rules' 5m window holds two or three scrapes of 10 whole requests each, which
    // round the shares by up to 10% (a p95 of 0.53 s was seen), so the panel is read once it settles in that band.
    const inBand = (seconds: number) => seconds > 0.25 && seconds <= 0.5;
    let lastPanel: Record<string, number> = {};
    const p95 = await waitFor(
      "the global p95 panel in the fleet's (0.25, 0.5] s band for every region",
      30_000,
      async () => {
        lastPanel = byRegion((await thanosQuery(frontend(), panel.expr)).result);
        return regions.every((r) => inBand(lastPanel[r])) ? lastPanel : undefined;
      },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last answer: ${JSON.stringify(lastPanel)}`);
    });
    const native = byRegion((await thanosQuery(frontend(), nativeSide)).result);
    const classic = byRegion((await thanosQuery(frontend(), classicSide)).result);
    for (const region of regions) {
      assert.ok(
        Math.abs(p95[region] - native[region]) < 1e-3,
        `${region}: the panel shows the native p95 ${native[region]}`,
      );
      assert.ok(
        Math.abs(native[region] - classic[region]) > 0.005,
        `${region}: native ${native[region]} and classic ${classic[region]} differ (so the test can fail)`,
      );
    }
  });

  it("each federation Prometheus scrapes the Query Frontend with its credentials and evaluates the frontend's alerts, and every rule, without error", async () => {
    for (const [name, access] of current().rendered.federation) {
      const up = `up{job="${QUERY_FRONTEND_SCRAPE_JOB}"}`;
      await waitFor(`${name}: ${up} == 1`, 30_000, async () =>
        (await query(access, `${up} == 1`)).length === 1 ? true : undefined,
      );
      const groups = await ruleGroups(access);
      assert.ok(
        groups.some((g) => g.name === QUERY_FRONTEND_ALERT_GROUP && g.rules.length > 0),
        `${name} evaluates the Query Frontend's alerts`,
      );
    }
    await everyRuleEvaluates(current());
  });

  it("no alert on the federation's scrapes of the Alertmanagers, Query and the frontend fires on the healthy topology, nor has since the start", async () => {
    const names: readonly string[] = Object.values(SCRAPE_ALERTS);
    for (const [name, access] of current().rendered.federation) {
      // Query and the frontend start after the federation, which evaluates their IsDown alerts before its
      // first scrapes of them: pending for a few seconds, shorter than the local `for`, then inactive.
      await waitFor(`${name} to evaluate every scrape alert, none pending or firing`, 30_000, async () => {
        const rules = (await ruleGroups(access)).flatMap((g) => g.rules).filter((r) => names.includes(r.name));
        const missing = names.filter((n) => !rules.some((r) => r.name === n));
        const active = rules.filter((r) => r.state !== "inactive").map((r) => `${r.name} ${r.state}`);
        if (missing.length > 0 || active.length > 0)
          throw new Error(`not evaluated: [${missing.join(", ")}]; pending or firing: [${active.join(", ")}]`);
        return true;
      });
    }
    assert.deepStrictEqual(
      names.filter((alertname) => current().webhook.firing({ alertname }).length > 0),
      [],
      "scrape alerts the webhook received",
    );
  });
}
