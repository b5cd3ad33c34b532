/**
 * 6. Global queries: latency of the cross-region queries users run (every dashboard panel's expression and the
 * global recording rules' own expressions) against the federation Prometheus.
 */
import { globalRecordingRules } from "../builders/federation/rules";
import { dashboardQueries, grafanaDashboards } from "../builders/grafana/dashboards";
import { GLOBAL_SCOPE } from "../builders/grafana/dashboards/helpers";
import { interpolate } from "../builders/grafana/promql";
import { query, queryRange } from "../local/client";
import type { Log, Topology } from "../local/topology";
import { figure, type Section } from "./report";
import { percentile, round } from "./stats";

export interface QuerySettings {
  /** Times each expression is run, instant and range. */
  readonly repetitions: number;
  readonly rangeSeconds: number;
  readonly stepSeconds: number;
}

/**
 * Every PromQL expression of the global dashboards (the per-region ones read the regions' own series, which
 * the federation does not hold), with Grafana's rate interval at the federation's, and each global
 * recording rule's expression.
 */
export function globalQueries(): string[] {
  const boards = Object.values(grafanaDashboards()).filter((d) => d.tags?.includes(GLOBAL_SCOPE));
  const dashboardExprs = boards.flatMap((d) =>
    dashboardQueries(d).panels.map((expr) => interpolate(expr, { __rate_interval: "1m" })),
  );
  const ruleExprs = globalRecordingRules().groups.flatMap((g) => g.rules.map((r) => r.expr));
  return [...new Set([...dashboardExprs, ...ruleExprs])];
}

async function timed(run: () => Promise<unknown[]>): Promise<{ ms: number; series: number }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, series: result.length };
}

export async function globalQueryLatency(topology: Topology, settings: QuerySettings, log: Log): Promise<Section> {
  const federation = topology.access(topology.plan.global.federation[0].name);
  const exprs = globalQueries();
  log(
    `queries: ${exprs.length} expressions x ${settings.repetitions}, instant and range (${settings.rangeSeconds}s at ${settings.stepSeconds}s steps)`,
  );
  const instant: number[] = [];
  const range: number[] = [];
  const perQuery: { expr: string; series: number; p50: number; p99: number }[] = [];
  for (const expr of exprs) {
    const mine: number[] = [];
    let series = 0;
    for (let i = 0; i < settings.repetitions; i++) {
      const end = Date.now() / 1000;
      const a = await timed(() => query(federation, expr));
      const b = await timed(() => queryRange(federation, expr, end - settings.rangeSeconds, end, settings.stepSeconds));
      instant.push(a.ms);
      range.push(b.ms);
      mine.push(a.ms, b.ms);
      series = Math.max(series, a.series);
    }
    perQuery.push({ expr, series, p50: percentile(mine, 50), p99: percentile(mine, 99) });
  }
  const regions = topology.plan.regions.map((r) => r.name);
  const requestRates = await query(federation, "sum by (region) (global:http_requests:rate5m)");
  const stat = (xs: number[]) => ({
    p50: round(percentile(xs, 50), 2),
    p99: round(percentile(xs, 99), 2),
    n: xs.length,
  });
  const i = stat(instant);
  const r = stat(range);
  return {
    id: "globalQueries",
    title: "Global queries",
    method:
      `Every expression of the provisioned Grafana dashboards and of the global recording rules (${exprs.length} in all), run ` +
      `${settings.repetitions} times each against the federation Prometheus as an instant query and as a range query over the last ` +
      `${settings.rangeSeconds} s at ${settings.stepSeconds} s steps, one at a time; the latency is the client's, request to parsed answer, over loopback HTTP.`,
    tables: [
      {
        columns: ["kind", "queries", "p50", "p99"],
        rows: [
          ["instant", figure(i.n, "queries"), figure(i.p50, "ms"), figure(i.p99, "ms")],
          ["range", figure(r.n, "queries"), figure(r.p50, "ms"), figure(r.p99, "ms")],
        ],
      },
      {
        title: "Per expression (instant and range together)",
        columns: ["expression", "series returned", "p50", "p99"],
        rows: perQuery.map((q) => [
          `\`${q.expr}\``,
          figure(q.series, "series"),
          figure(round(q.p50, 2), "ms"),
          figure(round(q.p99, 2), "ms"),
        ]),
      },
    ],
    figures: {
      expressions: exprs,
      instant: { queries: figure(i.n, "queries"), p50: figure(i.p50, "ms"), p99: figure(i.p99, "ms") },
      range: {
        queries: figure(r.n, "queries"),
        p50: figure(r.p50, "ms"),
        p99: figure(r.p99, "ms"),
        rangeSeconds: figure(settings.rangeSeconds, "s"),
        step: figure(settings.stepSeconds, "s"),
      },
    },
    summary: [
      {
        measure: "Global queries on the federation Prometheus, p50 / p99",
        result: `instant ${i.p50} / ${i.p99} ms, range ${r.p50} / ${r.p99} ms (${i.n + r.n} queries)`,
      },
    ],
    checks: [
      {
        what: "the global request rate answers for every region (the queries cross regions)",
        passed: regions.every((name) => requestRates.some((s) => s.metric.region === name)),
        detail: `regions answered: ${requestRates.map((s) => s.metric.region).join(", ") || "none"}`,
      },
    ],
  };
}
