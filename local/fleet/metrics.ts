/**
 * What one synthetic service exposes: the request counter by status code and the latency histogram that the
 * regional recording rules aggregate. Every value is a pure function of the time the service has been up,
 * so each target serves a known, constant request rate and a test can tell a doubled sum from a true one.
 */
export const REQUESTS_PER_SECOND = 10;

/** Share of requests per status code; the 5xx share feeds the error-rate rules. */
export const STATUS_SHARES: Readonly<Record<string, number>> = { "200": 0.9, "404": 0.05, "500": 0.05 };

/** Share of requests at or below each bucket bound (cumulative), the `+Inf` bucket being all of them. */
const LATENCY_BUCKETS: readonly (readonly [string, number])[] = [
  ["0.05", 0.5],
  ["0.1", 0.75],
  ["0.25", 0.9],
  ["0.5", 0.97],
  ["1", 0.99],
  ["+Inf", 1],
];
const MEAN_LATENCY_SECONDS = 0.08;

/**
 * Counters a benchmark adds to every target to load Prometheus with many series (`POST /series/<n>` on the
 * fleet's control port); one series per `series` label value, none by default.
 */
export const FILLER_METRIC = "synthetic_filler_total";

/** Each filler series up to its value, built once per count: a scrape only appends the values. */
let fillerNames: readonly string[] = [];
function fillerSeries(count: number): readonly string[] {
  if (fillerNames.length !== count)
    fillerNames = Array.from({ length: count }, (_, i) => `${FILLER_METRIC}{series="${i}"} `);
  return fillerNames;
}

/** Every target serves the same text at a given moment: built once per change, not once per scrape. */
let latest = { total: -1, fillers: -1, text: "" };

export function exposition(uptimeSeconds: number, fillers = 0): string {
  const total = Math.floor(uptimeSeconds * REQUESTS_PER_SECOND);
  if (total === latest.total && fillers === latest.fillers) return latest.text;
  const lines = [
    "# HELP http_requests_total Requests handled, by status code.",
    "# TYPE http_requests_total counter",
    ...Object.entries(STATUS_SHARES).map(
      ([code, share]) => `http_requests_total{code="${code}",method="GET"} ${Math.floor(total * share)}`,
    ),
    "# HELP http_request_duration_seconds Time to handle a request.",
    "# TYPE http_request_duration_seconds histogram",
    ...LATENCY_BUCKETS.map(
      ([le, share]) => `http_request_duration_seconds_bucket{le="${le}"} ${Math.floor(total * share)}`,
    ),
    `http_request_duration_seconds_sum ${(total * MEAN_LATENCY_SECONDS).toFixed(3)}`,
    `http_request_duration_seconds_count ${total}`,
  ];
  if (fillers > 0) lines.push(`# TYPE ${FILLER_METRIC} counter`, ...fillerSeries(fillers).map((name) => name + total));
  latest = { total, fillers, text: `${lines.join("\n")}\n` };
  return latest.text;
}
