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
});
