/**
 * The Prometheus protobuf exposition format, the only one that carries native histograms: length-delimited
 * `io.prometheus.client.MetricFamily` messages (prometheus/client_model `io/prometheus/client/metrics.proto`),
 * encoded by hand for the few fields the synthetic fleet serves. Field numbers are the .proto's.
 */

/** The Content-Type Prometheus asks for first (`PrometheusProto` in `scrape_protocols`) and reads. */
export const PROTOBUF_CONTENT_TYPE =
  "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

/** Whether an Accept header asks for the delimited MetricFamily protobuf. */
export function acceptsProtobuf(accept: string | undefined): boolean {
  return (accept ?? "")
    .split(",")
    .some(
      (part) =>
        part.includes("application/vnd.google.protobuf") &&
        part.includes("proto=io.prometheus.client.MetricFamily") &&
        part.includes("encoding=delimited"),
    );
}

export const METRIC_TYPE = { counter: 0, gauge: 1, histogram: 4 } as const;

export interface Label {
  readonly name: string;
  readonly value: string;
}

/** A classic bucket: observations at or below `upperBound`, cumulative. */
export interface ClassicBucket {
  readonly upperBound: number;
  readonly cumulativeCount: number;
}

/** A run of consecutive native buckets, `offset` after the previous span's end (or from index 0 for the first). */
export interface BucketSpan {
  readonly offset: number;
  readonly length: number;
}

/**
 * A histogram with classic buckets, native buckets, or both (what client libraries expose when a native
 * bucket factor and classic bounds are set together). Native: positive buckets of `schema`, counts absolute
 * here (the encoder writes the deltas the format wants).
 */
export interface Histogram {
  readonly count: number;
  readonly sum: number;
  readonly buckets?: readonly ClassicBucket[];
  readonly native?: {
    readonly schema: number;
    readonly zeroThreshold: number;
    readonly zeroCount: number;
    readonly spans: readonly BucketSpan[];
    readonly counts: readonly number[];
  };
}

export interface Metric {
  readonly labels: readonly Label[];
  readonly counter?: number;
  readonly gauge?: number;
  readonly histogram?: Histogram;
}

export interface MetricFamily {
  readonly name: string;
  readonly help?: string;
  readonly type: (typeof METRIC_TYPE)[keyof typeof METRIC_TYPE];
  readonly metrics: readonly Metric[];
}

const WIRE = { varint: 0, fixed64: 1, bytes: 2 } as const;

/** Unsigned varint of a whole number up to 2^53 (arithmetic, not bit operations, past 2^31). */
function varint(n: number): number[] {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`varint of ${n}: a whole number from 0 is needed`);
  const bytes: number[] = [];
  let rest = n;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

/** ZigZag, as sint32 and sint64 are written: 0, -1, 1, -2 ... become 0, 1, 2, 3 ... */
function zigzag(n: number): number {
  return n >= 0 ? 2 * n : -2 * n - 1;
}

function key(field: number, wire: number): number[] {
  return varint(field * 8 + wire);
}

function double(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(n);
  return b;
}

/** A message under construction: fields appended in order. */
class Writer {
  private readonly parts: Buffer[] = [];

  uint(field: number, n: number): this {
    this.parts.push(Buffer.from([...key(field, WIRE.varint), ...varint(n)]));
    return this;
  }

  sint(field: number, n: number): this {
    return this.uint(field, zigzag(n));
  }

  double(field: number, n: number): this {
    this.parts.push(Buffer.from(key(field, WIRE.fixed64)), double(n));
    return this;
  }

  bytes(field: number, payload: Buffer): this {
    this.parts.push(Buffer.from([...key(field, WIRE.bytes), ...varint(payload.length)]), payload);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, "utf8"));
  }

  /** A packed repeated sint64. */
  packedSint(field: number, values: readonly number[]): this {
    return this.bytes(field, Buffer.from(values.flatMap((v) => varint(zigzag(v)))));
  }

  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

function histogramMessage(h: Histogram): Buffer {
  const w = new Writer().uint(1, h.count).double(2, h.sum);
  for (const b of h.buckets ?? []) w.bytes(3, new Writer().uint(1, b.cumulativeCount).double(2, b.upperBound).done());
  if (h.native) {
    const n = h.native;
    if (n.spans.reduce((sum, s) => sum + s.length, 0) !== n.counts.length)
      throw new Error("a native histogram's spans must cover exactly its bucket counts");
    w.sint(5, n.schema).double(6, n.zeroThreshold).uint(7, n.zeroCount);
    for (const s of n.spans) w.bytes(12, new Writer().sint(1, s.offset).uint(2, s.length).done());
    // Each bucket's count as the difference from the previous bucket's (the first from zero).
    w.packedSint(
      13,
      n.counts.map((c, i) => c - (i === 0 ? 0 : n.counts[i - 1])),
    );
  }
  return w.done();
}

function metricMessage(m: Metric): Buffer {
  const w = new Writer();
  for (const l of m.labels) w.bytes(1, new Writer().string(1, l.name).string(2, l.value).done());
  if (m.gauge !== undefined) w.bytes(2, new Writer().double(1, m.gauge).done());
  if (m.counter !== undefined) w.bytes(3, new Writer().double(1, m.counter).done());
  if (m.histogram) w.bytes(7, histogramMessage(m.histogram));
  return w.done();
}

/** One MetricFamily, length-prefixed as the delimited format wants. */
export function delimitedFamily(f: MetricFamily): Buffer {
  return delimited(
    familyHeader(f),
    f.metrics.map((m) => new Writer().bytes(4, metricMessage(m)).done()),
  );
}

function familyHeader(f: Pick<MetricFamily, "name" | "help" | "type">): Buffer {
  const w = new Writer().string(1, f.name);
  if (f.help) w.string(2, f.help);
  return w.uint(3, f.type).done();
}

function delimited(header: Buffer, metrics: readonly Buffer[]): Buffer {
  const length = metrics.reduce((sum, m) => sum + m.length, header.length);
  return Buffer.concat([Buffer.from(varint(length)), header, ...metrics]);
}

/**
 * A counter family of many series that all hold one value (a benchmark's filler series), fast: each series'
 * bytes up to its value are encoded once and kept, so a scrape costs a copy and one double per series. The
 * bytes are delimitedFamily's for the same family.
 */
export class SharedValueCounters {
  private readonly header: Buffer;
  private readonly prefixes: readonly Buffer[];

  constructor(name: string, labelSets: readonly (readonly Label[])[]) {
    this.header = familyHeader({ name, type: METRIC_TYPE.counter });
    this.prefixes = labelSets.map((labels) => {
      const withoutValue = metricMessage({ labels });
      // The Metric's length counts the Counter field (key, length 9, key, 8-byte double): 11 bytes.
      return Buffer.concat([
        Buffer.from([...key(4, WIRE.bytes), ...varint(withoutValue.length + COUNTER_FIELD_BYTES)]),
        withoutValue,
      ]);
    });
  }

  get size(): number {
    return this.prefixes.length;
  }

  delimited(value: number): Buffer {
    const counter = Buffer.concat([Buffer.from([...key(3, WIRE.bytes), 9, ...key(1, WIRE.fixed64)]), double(value)]);
    return delimited(
      this.header,
      this.prefixes.flatMap((prefix) => [prefix, counter]),
    );
  }
}

const COUNTER_FIELD_BYTES = 11;
