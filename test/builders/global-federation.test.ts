import * as assert from "node:assert";
import * as YAML from "yaml";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { FEDERATION, QUERY_FRONTEND, QUERY_FRONTEND_SCRAPE_USER } from "../../builders/global/layout";
import { federationMatchers, REGIONAL_RECORDING_RULES, ESSENTIAL_SERIES } from "../../builders/federation/series";
import { GLOBAL_RECORDING_RULES } from "../../builders/federation/rules";
import { QUERY_FRONTEND_SCRAPE_JOB, federateScrapeTimeout } from "../../builders/federation/config";
import { externalLabels } from "../../builders/prometheus/config";
import { parseDuration } from "../../config/duration";
import { recordingRules } from "../../builders/rules/recording";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const regions = [exposedRegion("us-east", 0, 2), exposedRegion("eu-west", 1)];
const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));
const config = YAML.parse(files[GLOBAL_FILES.federationConfig]);
const job = (name: string) => config.scrape_configs.find((j: any) => j.job_name === name);

describe("global federation Prometheus", () => {
  it("has one federate-<region> job per region that scrapes every Prometheus pod of the region (every shard, both replicas)", () => {
    assert.deepStrictEqual(
      config.scrape_configs.map((j: any) => j.job_name).filter((n: string) => n.startsWith("federate-")),
      ["federate-us-east", "federate-eu-west"],
    );
    // Every pod through the region's one gateway address, each under its own path and named by its instance.
    assert.deepStrictEqual(
      job("federate-us-east").static_configs,
      ["0-0", "0-1", "1-0", "1-1"].map((pod) => ({
        targets: ["gateway-us-east.lb.example.com:9090"],
        labels: { __metrics_path__: `/prometheus-shard-${pod}/federate`, instance: `prometheus-shard-${pod}` },
      })),
    );
    assert.strictEqual(job("federate-eu-west").static_configs.length, 2);
  });

  it("keeps the regions' labels (honor_labels) and reaches each region over HTTPS with that region's credentials and CA", () => {
    const usEast = job("federate-us-east");
    assert.strictEqual(usEast.honor_labels, true);
    assert.strictEqual(usEast.metrics_path, "/federate");
    assert.strictEqual(usEast.scheme, "https");
    assert.deepStrictEqual(usEast.basic_auth, {
      username: "federation",
      password_file: `${FEDERATION.secretsDir}/region-us-east-federation-password`,
    });
    assert.deepStrictEqual(usEast.tls_config, {
      ca_file: `${FEDERATION.secretsDir}/region-us-east-ca.crt`,
      server_name: "prometheus.us-east.monitoring",
    });
    assert.notStrictEqual(job("federate-eu-west").basic_auth.password_file, usEast.basic_auth.password_file);
  });

  it("stamps federated samples with its own scrape time, so a lost replica's series go stale at once (honor_timestamps: false)", () => {
    const federateJobs = config.scrape_configs.filter((j: any) => j.job_name.startsWith("federate-"));
    assert.strictEqual(federateJobs.length, 2);
    for (const j of federateJobs)
      assert.strictEqual(j.honor_timestamps, false, `${j.job_name} ignores the regions' sample timestamps`);
  });

  it("asks /federate for protobuf first and keeps native histograms, which a text answer leaves out", () => {
    for (const name of ["federate-us-east", "federate-eu-west"]) {
      assert.strictEqual(job(name).scrape_protocols[0], "PrometheusProto", name);
      assert.strictEqual(job(name).scrape_native_histograms, true, name);
    }
  });

  it("gives each federate scrape a timeout within the scrape interval, whatever the interval", () => {
    assert.strictEqual(job("federate-us-east").scrape_timeout, "20s");
    assert.strictEqual(config.global.scrape_interval, "30s");
    for (const interval of ["2s", "15s", "1m", "1m30s"]) {
      const timeout = federateScrapeTimeout(interval);
      assert.ok(
        parseDuration(timeout)! > 0 && parseDuration(timeout)! <= parseDuration(interval)!,
        `${timeout} fits in ${interval}`,
      );
    }
    assert.throws(() => federateScrapeTimeout("soon"), /'soon' is not a positive Prometheus duration/);
  });

  it("its external labels never collide with a label regional series carry (Thanos overwrites series labels with a store's external labels)", () => {
    const regional = externalLabels({
      region: "us-east",
      cloud: "aws",
      cluster: "us-east-monitoring",
      position: { shard: 0, shards: 1 },
      replica: "r",
    });
    const own = Object.keys(config.global.external_labels);
    assert.ok(own.length > 0);
    for (const name of own)
      assert.ok(!(name in regional), `the federation's external label '${name}' is also a regional label`);
  });

  it("federates selectively: recording-rule levels and a few named series, never every series", () => {
    const matchers: string[] = job("federate-us-east").params["match[]"];
    assert.deepStrictEqual(matchers, federationMatchers());
    for (const m of matchers) {
      const regex = /^\{__name__=~"(.+)"\}$/.exec(m)?.[1];
      assert.ok(regex, `${m} selects by metric name`);
      assert.ok(!new RegExp(`^(?:${regex})$`).test("node_cpu_seconds_total"), `${m} does not select raw series`);
      assert.ok(![".+", ".*"].includes(regex!), `${m} is not everything`);
    }
  });

  it("sends alerts to every Alertmanager peer directly, without its own replica label", () => {
    const am = config.alerting.alertmanagers[0];
    assert.strictEqual(am.static_configs[0].targets.length, 3);
    assert.ok(
      am.static_configs[0].targets.every((t: string) =>
        /^alertmanager-\d\.alertmanager-peers\.monitoring\.svc:9093$/.test(t),
      ),
    );
    assert.deepStrictEqual(config.alerting.alert_relabel_configs, [
      { action: "labeldrop", regex: FEDERATION.replicaLabel },
    ]);
  });

  it("scrapes every Query Frontend replica through its headless Service over HTTPS, as a user of the frontend's web config whose password is a mounted file", () => {
    const frontend = job(QUERY_FRONTEND_SCRAPE_JOB);
    assert.deepStrictEqual(frontend.dns_sd_configs, [
      { names: [`${QUERY_FRONTEND.podsService}.monitoring.svc`], type: "A", port: QUERY_FRONTEND.httpPort },
    ]);
    assert.strictEqual(frontend.scheme, "https");
    assert.deepStrictEqual(frontend.basic_auth, {
      username: QUERY_FRONTEND_SCRAPE_USER,
      password_file: `${FEDERATION.secretsDir}/query-frontend-scrape-password`,
    });
    // Replicas are reached by pod address: the name checked is the one the frontend's certificate is issued for.
    assert.deepStrictEqual(frontend.tls_config, {
      ca_file: `${FEDERATION.secretsDir}/query-frontend-ca.crt`,
      server_name: `${QUERY_FRONTEND.service}.monitoring.svc`,
    });
    const users = YAML.parse(files[GLOBAL_FILES.frontendHttpConfig]).basic_auth_users;
    assert.ok(frontend.basic_auth.username in users, "the frontend admits the user the federation scrapes as");
    for (const j of config.scrape_configs)
      assert.ok(!("password" in (j.basic_auth ?? {})), `${j.job_name}: no password inline`);
  });

  it("every global recording rule reads a series the regional rules record or an essential series, and the federation keeps it", () => {
    const regional = new Set(recordingRules().groups.flatMap((g) => g.rules.map((r) => r.record)));
    for (const name of Object.values(REGIONAL_RECORDING_RULES))
      assert.ok(regional.has(name), `the regional rules record ${name}`);
    const kept = (name: string) =>
      federationMatchers().some((m) => new RegExp(`^(?:${/"(.+)"/.exec(m)![1]})$`).test(name));
    const essential = new Set<string>(Object.values(ESSENTIAL_SERIES));
    for (const rule of GLOBAL_RECORDING_RULES) {
      assert.ok(
        regional.has(rule.source) || essential.has(rule.source),
        `${rule.record} reads ${rule.source}, which a region has`,
      );
      assert.ok(kept(rule.source), `the federation keeps ${rule.source}`);
    }
  });
});
