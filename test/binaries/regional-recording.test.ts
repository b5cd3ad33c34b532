/** `promtool test rules` over the recording rules the global tier federates. */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { RECORDED, recordingRules } from "../../builders/rules/recording";
import { testRules } from "../support/promtool";

const RULE_FILE = "recording.yaml";

describe("regional recording rules (promtool test rules)", () => {
  it("pre-aggregate request rate, errors, error ratio, latency buckets and p95, plus job and instance aggregates", () => {
    // An API at 10 req/s OK and 1 req/s 500; latency: 80% under 100ms, 95% under 500ms, all under 1s.
    const api = 'job="api",instance="10.0.0.1:8080"';
    const test = {
      rule_files: [RULE_FILE],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: [
            { series: `http_requests_total{${api},code="200"}`, values: "0+600x20" },
            { series: `http_requests_total{${api},code="500"}`, values: "0+60x20" },
            { series: `http_request_duration_seconds_bucket{${api},le="0.1"}`, values: "0+528x20" },
            { series: `http_request_duration_seconds_bucket{${api},le="0.5"}`, values: "0+627x20" },
            { series: `http_request_duration_seconds_bucket{${api},le="1"}`, values: "0+660x20" },
            { series: `http_request_duration_seconds_bucket{${api},le="+Inf"}`, values: "0+660x20" },
            { series: 'up{job="api",instance="10.0.0.1:8080"}', values: "1x20" },
            { series: 'up{job="api",instance="10.0.0.2:8080"}', values: "0x20" },
            { series: 'node_memory_MemAvailable_bytes{job="node-exporter",instance="node-a"}', values: "25x20" },
            { series: 'node_memory_MemTotal_bytes{job="node-exporter",instance="node-a"}', values: "100x20" },
          ],
          promql_expr_test: [
            {
              expr: RECORDED.requestRate,
              eval_time: "10m",
              exp_samples: [{ labels: RECORDED.requestRate, value: 11 }],
            },
            { expr: RECORDED.errorRate, eval_time: "10m", exp_samples: [{ labels: RECORDED.errorRate, value: 1 }] },
            {
              expr: RECORDED.errorRatio,
              eval_time: "10m",
              exp_samples: [{ labels: RECORDED.errorRatio, value: 1 / 11 }],
            },
            // Interpolation within the 0.1-0.5 bucket lands on its upper bound; rounded past float noise.
            {
              expr: `round(${RECORDED.latencyP95}, 0.001)`,
              eval_time: "10m",
              exp_samples: [{ labels: "{}", value: 0.5 }],
            },
            {
              expr: `${RECORDED.latencyBuckets}{le="+Inf"}`,
              eval_time: "10m",
              exp_samples: [{ labels: `${RECORDED.latencyBuckets}{le="+Inf"}`, value: 11 }],
            },
            { expr: "job:up:sum", eval_time: "10m", exp_samples: [{ labels: 'job:up:sum{job="api"}', value: 1 }] },
            { expr: "job:up:count", eval_time: "10m", exp_samples: [{ labels: 'job:up:count{job="api"}', value: 2 }] },
            {
              expr: "job:http_request_errors:rate5m",
              eval_time: "10m",
              exp_samples: [{ labels: 'job:http_request_errors:rate5m{job="api"}', value: 1 }],
            },
            {
              expr: "instance:node_memory_utilisation:ratio",
              eval_time: "10m",
              exp_samples: [
                {
                  labels: 'instance:node_memory_utilisation:ratio{job="node-exporter",instance="node-a"}',
                  value: 0.75,
                },
              ],
            },
          ],
        },
      ],
    };
    const output = testRules({ [RULE_FILE]: YAML.stringify(recordingRules()) }, test);
    assert.match(output, /SUCCESS/);
  });

  it("sum a native histogram whole, and take p95 from it rather than from the classic buckets where a target exposes both", () => {
    // Two targets of one API, each 11 req/s exposed both ways (always_scrape_classic_histograms keeps both).
    // Native, schema 0 from (0.03125, 0.0625]: per minute 330, 165, 99, 46, 14, 6 observations per bucket.
    const native = "{{schema:0 sum:66 count:660 buckets:[330 165 99 46 14 6] offset:-4}}";
    const zero = "{{schema:0 sum:0 count:0 buckets:[0 0 0 0 0 0] offset:-4}}";
    const targets = ['job="api",instance="10.0.0.1:8080"', 'job="api",instance="10.0.0.2:8080"'];
    const test = {
      rule_files: [RULE_FILE],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: targets.flatMap((t) => [
            { series: `http_request_duration_seconds{${t}}`, values: `${zero}+${native}x20` },
            // The classic buckets alone would put p95 on 0.5.
            { series: `http_request_duration_seconds_bucket{${t},le="0.1"}`, values: "0+528x20" },
            { series: `http_request_duration_seconds_bucket{${t},le="0.5"}`, values: "0+627x20" },
            { series: `http_request_duration_seconds_bucket{${t},le="+Inf"}`, values: "0+660x20" },
          ]),
          promql_expr_test: [
            {
              expr: `histogram_count(${RECORDED.latencyHistogram})`,
              eval_time: "10m",
              exp_samples: [{ labels: "{}", value: 22 }],
            },
            {
              expr: `histogram_sum(${RECORDED.latencyHistogram})`,
              eval_time: "10m",
              exp_samples: [{ labels: "{}", value: 2.2 }],
            },
            // 90% of the observations are at or below 0.25 s, a bucket boundary: exact.
            {
              expr: `histogram_fraction(0, 0.25, ${RECORDED.latencyHistogram})`,
              eval_time: "10m",
              exp_samples: [{ labels: "{}", value: 0.9 }],
            },
            // p95 in the native bucket (0.25, 0.5], exponentially interpolated: 0.25 * 2^((0.95 - 0.9) / (46 / 660)).
            {
              expr: `round(${RECORDED.latencyP95}, 0.001)`,
              eval_time: "10m",
              exp_samples: [{ labels: "{}", value: 0.411 }],
            },
          ],
        },
      ],
    };
    const output = testRules({ [RULE_FILE]: YAML.stringify(recordingRules()) }, test);
    assert.match(output, /SUCCESS/);
  });
});
