/**
 * What one synthetic service exposes: the request counter by status code and the latency histogram that the
 * regional recording rules aggregate (classic buckets in every format, native buckets too over protobuf).
 * Every value is a pure function of the time the service has been up, so each target serves a known,
 * constant request rate and a test can tell a doubled sum from a true one.
 */
import { type Histogram, METRIC_TYPE, type MetricFamily, SharedValueCounters, delimitedFamily } from "./protobuf";

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

/**
 * The native side of the latency histogram: schema 0 (each bucket twice as wide as the one before), the same
 * cumulative shares as the classic buckets under the nearest powers of two, from (1/32, 1/16] to (1, 2].
 * Served in the protobuf format only, beside the classic buckets, as a client library does when a native
 * bucket factor and classic bounds are both set.
 */
export const NATIVE_SCHEMA = 0;
const NATIVE_FIRST_INDEX = -4;
const NATIVE_CUMULATIVE_SHARES = LATENCY_BUCKETS.map(([, share]) => share);
/** client_golang's default zero bucket width. */
const ZERO_THRESHOLD = 2 ** -128;

function latencyHistogram(total: number): Histogram {
  const cumulative = NATIVE_CUMULATIVE_SHARES.map((share) => Math.floor(total * share));
  return {
    count: total,
    sum: Number((total * MEAN_LATENCY_SECONDS).toFixed(3)),
    buckets: LATENCY_BUCKETS.filter(([le]) => le !== "+Inf").map(([le, share]) => ({
      upperBound: Number(le),
      cumulativeCount: Math.floor(total * share),
    })),
    native: {
      schema: NATIVE_SCHEMA,
      zeroThreshold: ZERO_THRESHOLD,
      zeroCount: 0,
      spans: [{ offset: NATIVE_FIRST_INDEX, length: cumulative.length }],
      counts: cumulative.map((c, i) => c - (i === 0 ? 0 : cumulative[i - 1])),
    },
  };
}

/** The protobuf exposition: the same series as the text one, the latency histogram with its native buckets too. */
function protobufExposition(total: number, fillers: number): Buffer {
  const families: MetricFamily[] = [
    {
      name: "http_requests_total",
      help: "Requests handled, by status code.",
      type: METRIC_TYPE.counter,
      metrics: Object.entries(STATUS_SHARES).map(([code, share]) => ({
        labels: [
          { name: "code", value: code },
          { name: "method", value: "GET" },
        ],
        counter: Math.floor(total * share),
      })),
    },
    {
      name: "http_request_duration_seconds",
      help: "Time to handle a request.",
      type: METRIC_TYPE.histogram,
      metrics: [{ labels: [], histogram: latencyHistogram(total) }],
    },
  ];
  const encoded = families.map(delimitedFamily);
  if (fillers > 0) encoded.push(fillerCounters(fillers).delimited(total));
  return Buffer.concat(encoded);
}

/** The filler series' protobuf bytes up to their value, built once per count like their text names. */
let fillerFamily = new SharedValueCounters(FILLER_METRIC, []);
export function fillerCounters(count: number): SharedValueCounters {
  if (fillerFamily.size !== count)
    fillerFamily = new SharedValueCounters(
      FILLER_METRIC,
      Array.from({ length: count }, (_, i) => [{ name: "series", value: String(i) }]),
    );
  return fillerFamily;
}

function textExposition(total: number, fillers: number): string {
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
  return `${lines.join("\n")}\n`;
}

export type ExpositionFormat = "text" | "protobuf";

/** Every target serves the same answer at a given moment: built once per change and format, not once per scrape. */
const latest: Record<ExpositionFormat, { total: number; fillers: number; body: string | Buffer }> = {
  text: { total: -1, fillers: -1, body: "" },
  protobuf: { total: -1, fillers: -1, body: "" },
};

export function exposition(uptimeSeconds: number, fillers?: number): string;
export function exposition(uptimeSeconds: number, fillers: number, format: "protobuf"): Buffer;
export function exposition(uptimeSeconds: number, fillers = 0, format: ExpositionFormat = "text"): string | Buffer {
  const total = Math.floor(uptimeSeconds * REQUESTS_PER_SECOND);
  const cached = latest[format];
  if (total !== cached.total || fillers !== cached.fillers)
    latest[format] = {
      total,
      fillers,
      body: format === "text" ? textExposition(total, fillers) : protobufExposition(total, fillers),
    };
  return latest[format].body;
}
