/**
 * The synthetic fleet's protobuf exposition, byte for byte where two encoders must agree and against the
 * Accept header Prometheus sends. Whether the real parser reads it is test/binaries/fleet-native-histograms.test.ts.
 */
import * as assert from "node:assert";
import { FILLER_METRIC, exposition, fillerCounters } from "../../local/fleet/metrics";
import { METRIC_TYPE, acceptsProtobuf, delimitedFamily } from "../../local/fleet/protobuf";

/** Reads a base-128 varint at `offset`: its value and the offset after it. */
function readVarint(bytes: Buffer, offset: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = offset; ; i++) {
    value += (bytes[i] & 0x7f) * scale;
    scale *= 0x80;
    if (bytes[i] < 0x80) return [value, i + 1];
  }
}

describe("the synthetic fleet's protobuf exposition", () => {
  it("answers protobuf only to a scraper that asks for the delimited MetricFamily (Prometheus' PrometheusProto)", () => {
    assert.ok(
      acceptsProtobuf(
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.5,application/openmetrics-text;version=1.0.0;q=0.4,text/plain;version=0.0.4;q=0.1",
      ),
    );
    assert.ok(!acceptsProtobuf("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4"));
    assert.ok(!acceptsProtobuf(undefined));
  });

  it("writes the filler series' fast encoding byte for byte as the general encoder does", () => {
    for (const count of [1, 3, 300]) {
      const general = delimitedFamily({
        name: FILLER_METRIC,
        type: METRIC_TYPE.counter,
        metrics: Array.from({ length: count }, (_, i) => ({
          labels: [{ name: "series", value: String(i) }],
          counter: 1234,
        })),
      });
      assert.ok(fillerCounters(count).delimited(1234).equals(general), `${count} series`);
    }
  });

  it("frames every family with its length, so the answer splits into whole messages", () => {
    const body = exposition(3600, 200, "protobuf");
    const names: string[] = [];
    let offset = 0;
    while (offset < body.length) {
      const [length, start] = readVarint(body, offset);
      // Field 1 (name), length-delimited: key 0x0a, then the name's length and bytes.
      assert.strictEqual(body[start], 0x0a);
      const [nameLength, nameStart] = readVarint(body, start + 1);
      names.push(body.subarray(nameStart, nameStart + nameLength).toString("utf8"));
      offset = start + length;
    }
    assert.strictEqual(offset, body.length);
    assert.deepStrictEqual(names, ["http_requests_total", "http_request_duration_seconds", FILLER_METRIC]);
  });
});
