const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "inf",
  "nan",
]);

/**
 * The metric names a PromQL expression selects, so a test can hold every dashboard query against the series
 * that exist. Strings, label matchers, ranges and grouping clauses are removed first; what remains that is
 * an identifier and not a function call or keyword is a metric name.
 */
export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![a-zA-Z0-9_:]|\s*\()/g)) {
    if (!KEYWORDS.has(m[1].toLowerCase())) names.add(m[1]);
  }
  return [...names];
}

/** A Grafana Prometheus variable query `label_values(selector, label)`, as the selector and the label. */
export function parseLabelValues(query: string): { selector?: string; label: string } | undefined {
  const m = /^label_values\(\s*(?:(.+?)\s*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(query.trim());
  return m ? { selector: m[1], label: m[2] } : undefined;
}

/** The metric names a variable query reads: the selector of `label_values`, or the query itself. */
export function variableMetricNames(query: string): string[] {
  const labelValues = parseLabelValues(query);
  if (!labelValues) return metricNamesIn(query);
  return labelValues.selector ? metricNamesIn(labelValues.selector) : [];
}

/** An expression as Grafana sends it: each `$name` (and `${name}`) replaced by its value. */
export function interpolate(expr: string, values: Readonly<Record<string, string>>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (_whole, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare) as string;
    if (!(name in values)) throw new Error(`no value for the Grafana variable '$${name}' in '${expr}'`);
    return values[name];
  });
}
