/**
 * The benchmark's report: every figure carries its unit; the JSON is the record and the Markdown is rendered
 * from it, summary table first.
 */

export interface Figure {
  readonly value: number | string | boolean;
  readonly unit: string;
}

export const figure = (value: number | string | boolean, unit: string): Figure => ({ value, unit });

/** One table of a section: a header and rows of figures (or plain labels). */
export interface Table {
  readonly title?: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (Figure | string)[])[];
}

export interface Section {
  readonly id: string;
  readonly title: string;
  /** How it was measured, in one paragraph a reader can check. */
  readonly method: string;
  readonly tables: readonly Table[];
  /** Figures by name, for the JSON consumer. */
  readonly figures: Readonly<Record<string, unknown>>;
  /** Headline rows for the summary table. */
  readonly summary: readonly SummaryRow[];
  /** Every self-check the section made: a failed one fails the run. */
  readonly checks: readonly Check[];
  readonly notes?: readonly string[];
}

export interface SummaryRow {
  readonly measure: string;
  readonly result: string;
}

export interface Check {
  readonly what: string;
  readonly passed: boolean;
  readonly detail?: string;
}

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  readonly memory: Figure;
  readonly os: string;
  readonly node: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  /** Runnable processes on the machine (1-minute load average) when the run started and ended: others' work shares the cores. */
  readonly loadAverage: { readonly atStart: Figure; readonly atEnd: Figure };
}

export interface Report {
  readonly mode: "full" | "quick";
  readonly startedAt: string;
  readonly duration: Figure;
  readonly machine: Machine;
  readonly sections: readonly Section[];
}

export function failedChecks(report: Report): (Check & { section: string })[] {
  return report.sections.flatMap((s) => s.checks.filter((c) => !c.passed).map((c) => ({ ...c, section: s.title })));
}

/** `12.3 ms`, `4 targets`: a figure as a reader sees it. */
export function show(cell: Figure | string): string {
  if (typeof cell === "string") return cell;
  const value = typeof cell.value === "number" ? formatNumber(cell.value) : String(cell.value);
  return cell.unit ? `${value} ${cell.unit}` : value;
}

function formatNumber(n: number): string {
  if (Number.isInteger(n)) return n.toLocaleString("en-US");
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : Math.abs(n) >= 1 ? 2 : 3;
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function markdownTable(columns: readonly string[], rows: readonly (readonly (Figure | string)[])[]): string {
  const escapePipes = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${columns.map(escapePipes).join(" | ")} |`,
    `|${columns.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map((c) => escapePipes(show(c))).join(" | ")} |`),
  ].join("\n");
}

export function summaryTable(report: Report): string {
  return markdownTable(
    ["Measure", "Result"],
    report.sections.flatMap((s) => s.summary.map((row) => [row.measure, row.result])),
  );
}

export function renderMarkdown(report: Report): string {
  const m = report.machine;
  const checks = report.sections.flatMap((s) => s.checks);
  const failed = checks.filter((c) => !c.passed);
  const out: string[] = [
    "# Benchmark report",
    "",
    `\`npm run bench${report.mode === "quick" ? ":quick" : ""}\` on ${m.cores} cores (${m.cpuModel}), ${report.startedAt}, ` +
      `${show(report.duration)} in all. Every figure was measured in this run; comparisons were measured side by side in it.`,
    "",
    "## Summary",
    "",
    summaryTable(report),
    "",
    `Self-checks: ${checks.length - failed.length} of ${checks.length} passed${failed.length ? ` (FAILED: ${failed.map((c) => c.what).join("; ")})` : ""}.`,
    "",
    "## Machine",
    "",
    markdownTable(
      ["", ""],
      [
        ["CPU cores (nproc)", figure(m.cores, "cores")],
        ["CPU model", m.cpuModel],
        ["Memory", m.memory],
        ["OS", m.os],
        ["Node", m.node],
        ["Prometheus", m.prometheus],
        ["Alertmanager", m.alertmanager],
        ["Load average (1 min) at start / end", `${show(m.loadAverage.atStart)} / ${show(m.loadAverage.atEnd)}`],
      ],
    ),
  ];
  report.sections.forEach((s, i) => {
    out.push("", `## ${i + 1}. ${s.title}`, "", s.method);
    for (const t of s.tables)
      out.push("", ...(t.title ? [`**${t.title}**`, ""] : []), markdownTable(t.columns, t.rows));
    if (s.notes?.length) out.push("", ...s.notes.map((n) => `- ${n}`));
    out.push(
      "",
      ...s.checks.map((c) => `- ${c.passed ? "✔" : "✘ FAILED:"} ${c.what}${c.detail ? ` (${c.detail})` : ""}`),
    );
  });
  return `${out.join("\n")}\n`;
}
