/** The Prometheus config builder of the regional tier: labels, sharding, limits, alerting, discovery. */
import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { prometheusConfig } from "../../builders/prometheus/config";
import { prometheusArgs, reloadMethodFor } from "../../builders/prometheus/args";
import { discoveryRules } from "../../builders/prometheus/rbac";
import { hashmodSharding } from "../../builders/prometheus/sharding";
import {
  type KubernetesSdConfig,
  PROTOBUF_FIRST,
  type PrometheusConfig,
  type ScrapeConfig,
} from "../../builders/prometheus/types";
import { webConfig } from "../../builders/prometheus/web";
import { ALERTMANAGER } from "../../builders/global/layout";
import { NAMES, PATHS, POD_NAME_PLACEHOLDER, REPLICA_LABEL, prometheusPodName } from "../../builders/regional/layout";
import { substituteConfigCommand } from "../../builders/regional/init-config";
import { regionalPlan, regionalPrometheusParams } from "../../builders/regional/plan";
import { toYaml } from "../../builders/yaml";
import { clusterRegionalArgs } from "../../builders/regional/workload-config";
import { retentionSize } from "../../builders/sizing";
import type { StaticScrapeJob } from "../../config/types";
import { withTempDir } from "../support/promtool";
import { regionalStack } from "../fixtures/regional-fixtures";

/** The value of `--name=value` in an argument list. */
function flagValue(args: readonly string[], name: string): string | undefined {
  return args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

const PINNED: StaticScrapeJob = {
  job: "mainframe",
  targets: ["mainframe.internal:9100"],
  shard: 2,
  metricsPath: "/metrics",
  scheme: "http",
};
const SPREAD: StaticScrapeJob = {
  job: "payments",
  targets: ["p-0.internal:8080", "p-1.internal:8080"],
  metricsPath: "/metrics",
  scheme: "https",
};

function configOf(
  stack: "us-east" | "eu-west",
  shards: number,
  shard: number,
  replica = POD_NAME_PLACEHOLDER,
): PrometheusConfig {
  const config = regionalStack(stack, {
    shards,
    staticJobs: [PINNED, SPREAD].filter((j) => j.shard === undefined || j.shard < shards),
  });
  const plan = regionalPlan(config);
  return prometheusConfig(regionalPrometheusParams(config, plan, config.cluster.name, shard, replica));
}

function job(config: PrometheusConfig, name: string): ScrapeConfig {
  const found = config.scrape_configs.find((j) => j.job_name === name);
  assert.ok(found, `job ${name} in ${config.scrape_configs.map((j) => j.job_name)}`);
  return found;
}

describe("regional Prometheus config", () => {
  it("carries region, cloud, cluster, shard and the replica label as external labels", () => {
    const config = configOf("eu-west", 4, 3, "prometheus-shard-3-1");
    assert.deepStrictEqual(config.global.external_labels, {
      region: "eu-west",
      cloud: "gcp",
      cluster: "eu-west-monitoring",
      shard: "3",
      [REPLICA_LABEL]: "prometheus-shard-3-1",
    });
  });

  it("scrapes native histograms over protobuf by default, keeping classic buckets; prometheus.nativeHistograms false says classic only", () => {
    const on = configOf("us-east", 1, 0).global;
    assert.deepStrictEqual(on.scrape_protocols, PROTOBUF_FIRST);
    assert.strictEqual(on.scrape_protocols?.[0], "PrometheusProto");
    assert.strictEqual(on.scrape_native_histograms, true);
    assert.strictEqual(on.always_scrape_classic_histograms, true);
    const config = regionalStack("us-east", { shards: 1 });
    const off = prometheusConfig(
      regionalPrometheusParams(
        { ...config, prometheus: { ...config.prometheus, nativeHistograms: false } },
        regionalPlan(config),
        config.cluster.name,
        0,
        POD_NAME_PLACEHOLDER,
      ),
    ).global;
    assert.strictEqual(off.scrape_native_histograms, false);
    assert.strictEqual(off.scrape_protocols, undefined, "Prometheus' text-first default");
  });

  it("in a cluster, the replica label is $(POD_NAME), which the sidecar's reloader substitutes per pod", () => {
    assert.strictEqual(configOf("us-east", 1, 0).global.external_labels[REPLICA_LABEL], "$(POD_NAME)");
  });

  it("the init container's command substitutes the pod's name into the template, as the reloader does", () => {
    withTempDir("init-config-", (dir) => {
      const template = path.join(dir, "prometheus.yaml.tmpl");
      const out = path.join(dir, "prometheus.yaml");
      fs.writeFileSync(template, toYaml(configOf("us-east", 4, 3)));
      const [shell, flag, script] = substituteConfigCommand(template, out);
      const result = spawnSync(shell, [flag, script], {
        env: { PATH: process.env.PATH, POD_NAME: "prometheus-shard-3-1" },
        encoding: "utf8",
      });
      assert.strictEqual(result.status, 0, result.stderr);
      const substituted = YAML.parse(fs.readFileSync(out, "utf8"));
      assert.deepStrictEqual(substituted, configOf("us-east", 4, 3, "prometheus-shard-3-1"));
    });
  });

  it("gives every pod of a region a distinct replica label, and two regions never the same label set", () => {
    const labelSets = (["us-east", "eu-west"] as const).flatMap((stack) => {
      const plan = regionalPlan(regionalStack(stack, { shards: 4 }));
      return plan.pods.map((pod) => JSON.stringify(configOf(stack, 4, pod.shard, pod.podName).global.external_labels));
    });
    assert.strictEqual(labelSets.length, 16);
    assert.strictEqual(new Set(labelSets).size, 16);
  });

  it("shards with hashmod on __address__ exactly as Prometheus expects", () => {
    assert.deepStrictEqual(hashmodSharding({ shard: 2, shards: 4 }), [
      { source_labels: ["__address__"], modulus: 4, target_label: "__tmp_hash", action: "hashmod" },
      { source_labels: ["__tmp_hash"], regex: "2", action: "keep" },
    ]);
    assert.deepStrictEqual(hashmodSharding({ shard: 0, shards: 1 }), []);
    assert.throws(() => hashmodSharding({ shard: 4, shards: 4 }), /shard must be an integer from 0 to 3/);
  });

  it("gives a retiring shard no target of any sharded job, and keeps its own self-scrapes, so its head keeps being cut into blocks", () => {
    assert.deepStrictEqual(hashmodSharding({ shard: 2, shards: 2, retiring: true }), [
      { source_labels: ["__address__"], regex: ".*", action: "drop" },
    ]);
    assert.throws(
      () => hashmodSharding({ shard: 1, shards: 2, retiring: true }),
      /retiring shard must be an integer from 2 up/,
    );
    const config = regionalStack("us-east", { shards: 2, retiringShards: [2, 3], staticJobs: [SPREAD] });
    const plan = regionalPlan(config);
    assert.deepStrictEqual(
      plan.pods.map((p) => p.podName),
      [0, 1, 2, 3].flatMap((s) => [0, 1].map((r) => prometheusPodName(s, r))),
      "retiring pods stay reachable (StoreAPI, federation)",
    );
    const retiring = prometheusConfig(
      regionalPrometheusParams(config, plan, config.cluster.name, 3, POD_NAME_PLACEHOLDER),
    );
    assert.strictEqual(retiring.global.external_labels.shard, "3", "its blocks keep the shard they were scraped as");
    const active = prometheusConfig(
      regionalPrometheusParams(config, plan, config.cluster.name, 1, POD_NAME_PLACEHOLDER),
    );
    for (const scrape of retiring.scrape_configs) {
      const activeJob = job(active, scrape.job_name);
      const sharded = (activeJob.relabel_configs ?? []).some((r) => r.action === "hashmod");
      const dropsAll = (scrape.relabel_configs ?? []).some((r) => r.action === "drop" && r.regex === ".*");
      assert.strictEqual(
        dropsAll,
        sharded,
        `${scrape.job_name}: ${sharded ? "an active shard's hashmod job, dropped whole" : "a job every pod runs on itself, kept"}`,
      );
      assert.ok(
        !(scrape.relabel_configs ?? []).some((r) => r.action === "hashmod"),
        `${scrape.job_name}: the retiring shard takes no hash share`,
      );
    }
    assert.ok(
      retiring.scrape_configs.some(
        (j) => !(j.relabel_configs ?? []).some((r) => r.action === "drop" && r.regex === ".*"),
      ),
      "it still scrapes itself (so the test can fail)",
    );
    assert.deepStrictEqual(
      active.scrape_configs.map((j) => j.job_name),
      retiring.scrape_configs.map((j) => j.job_name),
      "the same jobs, with no targets",
    );
  });

  it("applies the shard's hashmod to every discovered job and to unpinned static jobs", () => {
    const config = configOf("us-east", 4, 1);
    for (const name of [
      "kubelet",
      "cadvisor",
      "kubernetes-pods",
      "kubernetes-service-endpoints",
      "node-exporter",
      "kube-state-metrics",
      "thanos",
      "payments",
    ]) {
      const relabel = job(config, name).relabel_configs ?? [];
      const hash = relabel.findIndex((r) => r.action === "hashmod");
      assert.ok(hash >= 0, `${name} is sharded`);
      assert.deepStrictEqual(relabel[hash + 1], { source_labels: ["__tmp_hash"], regex: "1", action: "keep" }, name);
    }
  });

  it("scrapes kubelet and cAdvisor on the kubelet port itself with the token, verifying the cluster CA (no API server proxy)", () => {
    const config = configOf("us-east", 4, 0);
    for (const name of ["kubelet", "cadvisor"]) {
      const j = job(config, name);
      assert.strictEqual(j.scheme, "https", name);
      assert.ok(
        !(j.relabel_configs ?? []).some(
          (r) => r.target_label === "__address__" || r.target_label === "__metrics_path__",
        ),
        `${name}: the address node discovery gives (the kubelet port)`,
      );
      assert.deepStrictEqual(j.authorization, { credentials_file: PATHS.serviceAccountToken }, name);
      assert.deepStrictEqual(j.tls_config, { ca_file: PATHS.serviceAccountCa }, name);
    }
    assert.strictEqual(job(config, "kubelet").metrics_path, "/metrics");
    assert.strictEqual(job(config, "cadvisor").metrics_path, "/metrics/cadvisor");
  });

  it("grants discovery exactly what the jobs read: list/watch per discovery role, get on nodes/metrics, never nodes/proxy", () => {
    const config = configOf("us-east", 4, 0);
    const rules = discoveryRules(config.scrape_configs);
    // Each rule and the jobs that use it: a rule no job needs is a test failure.
    const uses: Record<string, string[]> = {
      "/nodes": ["kubelet", "cadvisor"],
      "/nodes/metrics": ["kubelet", "cadvisor"],
      "/pods": ["kubernetes-pods", "node-exporter", "thanos", "kubernetes-service-endpoints", "kube-state-metrics"],
      "/services": ["kubernetes-service-endpoints", "kube-state-metrics"],
      "discovery.k8s.io/endpointslices": ["kubernetes-service-endpoints", "kube-state-metrics"],
    };
    const granted = rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${res}`));
    assert.deepStrictEqual([...granted].sort(), Object.keys(uses).sort());
    for (const r of rules) {
      assert.deepStrictEqual(
        r.verbs,
        r.resources.includes("nodes/metrics") ? ["get"] : ["list", "watch"],
        r.resources.join(),
      );
      for (const res of r.resources)
        for (const name of uses[`${r.apiGroups[0]}/${res}`]) assert.ok(job(config, name), `${res}: used by ${name}`);
    }
    assert.ok(!granted.some((g) => g.endsWith("nodes/proxy")));
  });

  it("hashes pod targets after the port rewrite", () => {
    const config = configOf("us-east", 4, 0);
    const pods = job(config, "kubernetes-pods").relabel_configs!;
    assert.ok(
      pods.findIndex((r) => r.action === "hashmod") > pods.findIndex((r) => r.target_label === "__address__"),
      "pods: hash on the final address",
    );
  });

  it("scrapes a pinned static job only on its shard, whole (functional sharding)", () => {
    for (let shard = 0; shard < 4; shard++) {
      const pinned = configOf("us-east", 4, shard).scrape_configs.filter((j) => j.job_name === PINNED.job);
      if (shard === PINNED.shard) {
        assert.strictEqual(pinned.length, 1);
        assert.strictEqual(pinned[0].relabel_configs, undefined, "no hashmod on a pinned job");
        assert.deepStrictEqual(pinned[0].static_configs, [{ targets: PINNED.targets }]);
      } else {
        assert.strictEqual(pinned.length, 0, `shard ${shard} does not scrape ${PINNED.job}`);
      }
    }
  });

  it("reads targets users bring (annotated pods and services, static jobs) as classic text when their Content-Type is missing or unknown (Prometheus 3)", () => {
    const config = configOf("us-east", 4, PINNED.shard!);
    for (const name of ["kubernetes-pods", "kubernetes-service-endpoints", PINNED.job, SPREAD.job]) {
      assert.strictEqual(job(config, name).fallback_scrape_protocol, "PrometheusText0.0.4", name);
    }
  });

  it("sets sample_limit and label_limit on every job; cluster-wide exporters get a larger sample budget", () => {
    const config = configOf("us-east", 1, 0);
    for (const j of config.scrape_configs) {
      assert.ok(j.sample_limit > 0 && j.label_limit > 0, j.job_name);
      assert.strictEqual(j.label_limit, 64);
    }
    assert.strictEqual(job(config, "kubernetes-pods").sample_limit, 50_000);
    assert.ok(job(config, "cadvisor").sample_limit > 50_000);
    assert.ok(job(config, "kube-state-metrics").sample_limit > 50_000);
  });

  it("drops high-cardinality series it does not need (metric relabeling)", () => {
    const config = configOf("us-east", 1, 0);
    const drops = (name: string) =>
      (job(config, name).metric_relabel_configs ?? [])
        .filter((r) => r.action === "drop")
        .map((r) => new RegExp(`^(?:${r.regex})$`));
    assert.ok(drops("cadvisor").some((re) => re.test("container_tasks_state")));
    assert.ok(!drops("cadvisor").some((re) => re.test("container_cpu_usage_seconds_total")), "keeps container CPU");
    assert.ok(drops("kubelet").some((re) => re.test("rest_client_request_duration_seconds_bucket")));
  });

  it("loads the mounted rule files", () => {
    assert.deepStrictEqual(configOf("us-east", 1, 0).rule_files, [`${PATHS.rulesDir}/*.yaml`]);
  });

  it("sends alerts over HTTPS with basic auth to every Alertmanager the global tier lists, without the replica label", () => {
    const { alerting } = configOf("us-east", 1, 0);
    assert.deepStrictEqual(alerting.alert_relabel_configs, [{ regex: REPLICA_LABEL, action: "labeldrop" }]);
    assert.strictEqual(alerting.alertmanagers.length, 1);
    const am = alerting.alertmanagers[0];
    assert.strictEqual(am.scheme, "https");
    assert.deepStrictEqual(am.basic_auth, {
      username: "prometheus-us-east",
      password_file: PATHS.alertingPasswordFile,
    });
    assert.deepStrictEqual(
      am.tls_config,
      { ca_file: PATHS.alertingCaFile, server_name: ALERTMANAGER.tlsServerName },
      "the name the global Alertmanagers' certificate carries",
    );
    assert.deepStrictEqual(am.file_sd_configs?.[0].files, [
      `/etc/prometheus/alertmanagers/${NAMES.alertmanagerTargetsKey}`,
    ]);
    assert.strictEqual(am.static_configs, undefined, "no load balancer in front of the mesh");
  });

  it("scrapes itself over HTTPS with the federation credentials, verifying the region's server name", () => {
    const self = job(configOf("eu-west", 1, 0), "prometheus");
    assert.strictEqual(self.scheme, "https");
    assert.deepStrictEqual(self.basic_auth, { username: "federation", password_file: PATHS.federationPasswordFile });
    assert.deepStrictEqual(self.tls_config, { ca_file: PATHS.tlsCaFile, server_name: "eu-west.monitoring.internal" });
  });

  it("refuses a static job that reuses a built-in job name (config refuses it first; the builder holds on its own)", () => {
    const config = regionalStack("us-east", { shards: 1 });
    const kubelet = { job: "kubelet", targets: ["x.internal:1"], metricsPath: "/metrics", scheme: "http" as const };
    const params = { ...regionalPrometheusParams(config, regionalPlan(config), "c", 0, "r"), staticJobs: [kubelet] };
    assert.throws(() => prometheusConfig(params), /scrape job 'kubelet' is defined twice/);
  });

  it("never sees a job pinned to a shard the region does not run: config refuses it", () => {
    assert.throws(
      () => regionalStack("us-east", { staticJobs: [{ job: "pinned", targets: ["x.internal:1"], shard: 3 }] }),
      /config key 'monitoring:prometheus\.staticJobs\[0\]\.shard' has the number 3; allowed: a shard from 0 to 0/,
    );
  });

  it("without Kubernetes (local topology) scrapes static stand-ins for what discovery would find, under the same job names", () => {
    const config = regionalStack("us-east", { shards: 1, staticJobs: [SPREAD] });
    const standIn = {
      job: "node-exporter",
      targets: ["127.0.0.1:9100"],
      metricsPath: "/metrics",
      scheme: "http" as const,
    };
    const params = {
      ...regionalPrometheusParams(config, regionalPlan(config), "local", 0, "local-0"),
      discoveredStandIns: [standIn],
    };
    assert.deepStrictEqual(
      prometheusConfig(params).scrape_configs.map((j) => j.job_name),
      ["prometheus", "thanos-sidecar", "node-exporter", "payments"],
    );
    const noSidecar = prometheusConfig({ ...params, localPorts: { web: 19090 } });
    assert.deepStrictEqual(
      noSidecar.scrape_configs.map((j) => j.job_name),
      ["prometheus", "node-exporter", "payments"],
    );
    assert.deepStrictEqual(noSidecar.scrape_configs[0].static_configs, [{ targets: ["localhost:19090"] }]);
  });
});

/**
 * The Kubernetes SD blocks, which Debian's promtool cannot check, against the kubernetes_sd_config section of
 * the Prometheus configuration docs: roles, fields, selector roles, and the meta labels each role provides.
 */
describe("Kubernetes service discovery blocks (Prometheus configuration docs)", () => {
  const DOCUMENTED_FIELDS = new Set([
    "role",
    "api_server",
    "kubeconfig_file",
    "namespaces",
    "selectors",
    "attach_metadata",
  ]);
  // Selector roles each discovery role accepts; endpointslice also takes pod and service selectors.
  const SELECTOR_ROLES: Record<string, string[]> = {
    node: ["node"],
    pod: ["pod"],
    service: ["service"],
    endpointslice: ["endpointslice", "pod", "service"],
  };
  // Meta label prefixes the docs list for each role (endpointslice targets carry their pod's and service's too).
  const META: Record<string, RegExp> = {
    node: /^__meta_kubernetes_node_(name|label_\w+|labelpresent_\w+|annotation_\w+|annotationpresent_\w+|address_\w+|provider_id)$/,
    pod: /^__meta_kubernetes_(namespace|pod_(name|ip|label_\w+|labelpresent_\w+|annotation_\w+|annotationpresent_\w+|container_(init|name|id|image|port_name|port_number|port_protocol)|ready|phase|node_name|host_ip|uid|controller_kind|controller_name))$/,
    endpointslice:
      /^__meta_kubernetes_(namespace|endpointslice_(name|label_\w+|labelpresent_\w+|annotation_\w+|annotationpresent_\w+|address_target_kind|address_target_name|address_type|endpoint_conditions_(ready|serving|terminating)|endpoint_hostname|endpoint_node_name|endpoint_zone|port|port_name|port_protocol|port_app_protocol)|service_(name|label_\w+|labelpresent_\w+|annotation_\w+|annotationpresent_\w+|cluster_ip|port_name|type)|pod_\w+)$/,
  };

  const config = configOf("us-east", 4, 0);
  const discovered = config.scrape_configs.filter((j) => j.kubernetes_sd_configs);

  it("discovers pods, endpoint slices and nodes (kubelet and cAdvisor)", () => {
    const roles = new Set(discovered.flatMap((j) => j.kubernetes_sd_configs!.map((sd) => sd.role)));
    assert.deepStrictEqual([...roles].sort(), ["endpointslice", "node", "pod"]);
    assert.strictEqual(job(config, "cadvisor").kubernetes_sd_configs![0].role, "node");
  });

  for (const j of discovered) {
    it(`${j.job_name}: documented fields, selector roles and meta labels only`, () => {
      for (const sd of j.kubernetes_sd_configs as KubernetesSdConfig[]) {
        for (const field of Object.keys(sd)) assert.ok(DOCUMENTED_FIELDS.has(field), `${j.job_name}: field ${field}`);
        for (const selector of sd.selectors ?? []) {
          assert.ok(
            SELECTOR_ROLES[sd.role].includes(selector.role),
            `${j.job_name}: selector role ${selector.role} under ${sd.role}`,
          );
          assert.match(selector.label ?? selector.field ?? "", /^[\w./-]+(=|!=)[\w.-]+$/);
        }
        for (const name of j
          .relabel_configs!.flatMap((r) => r.source_labels ?? [])
          .filter((l) => l.startsWith("__meta_"))) {
          assert.match(name, META[sd.role], `${j.job_name} (${sd.role}) reads ${name}`);
        }
      }
    });
  }
});

describe("Prometheus arguments and web config", () => {
  it("keeps min and max block durations equal (2h) while the sidecar uploads", () => {
    const config = regionalStack("us-east");
    const args = clusterRegionalArgs(config, regionalPlan(config).sizing).prometheus;
    assert.ok(args.includes("--storage.tsdb.min-block-duration=2h"));
    assert.ok(args.includes("--storage.tsdb.max-block-duration=2h"));
    assert.ok(args.includes("--storage.tsdb.retention.time=24h"));
    assert.ok(args.includes(`--config.file=${PATHS.configOutFile}`), "reads the substituted config, not the template");
    assert.ok(args.includes(`--web.config.file=${PATHS.webConfigFile}`));
  });

  it("never enables the lifecycle API: the sidecar's reloader signals Prometheus instead", () => {
    const config = regionalStack("us-east");
    const args = clusterRegionalArgs(config, regionalPlan(config).sizing).prometheus;
    assert.ok(
      !args.some((a) => a.startsWith("--web.enable-lifecycle")),
      "/-/quit and /-/reload would be reachable through the federation load balancers",
    );
    assert.ok(clusterRegionalArgs(config, regionalPlan(config).sizing).sidecar.includes("--reloader.method=signal"));
  });

  it("enables the lifecycle API only on a loopback-only listener (the local topology), where the reloader reloads over HTTP", () => {
    const args = (listenAddress: string) =>
      prometheusArgs({
        configFile: "c",
        webConfigFile: "w",
        dataDir: "d",
        retention: "6h",
        listenAddress,
        blockDuration: "2h",
      });
    assert.ok(args("127.0.0.1:9090").includes("--web.enable-lifecycle"));
    assert.strictEqual(reloadMethodFor("127.0.0.1:9090"), "http");
    for (const address of ["0.0.0.0:9090", ":9090", "10.0.0.5:9090"]) {
      assert.ok(!args(address).includes("--web.enable-lifecycle"), address);
      assert.strictEqual(reloadMethodFor(address), "signal", address);
    }
  });

  it("bounds the TSDB by size as well as time, below the volume the sizing function gives it", () => {
    const config = regionalStack("us-east");
    const sizing = regionalPlan(config).sizing;
    const size = flagValue(clusterRegionalArgs(config, sizing).prometheus, "storage.tsdb.retention.size");
    assert.match(size ?? "", /^\d+GB$/);
    const gib = Number(size!.replace("GB", ""));
    assert.ok(gib > 0 && gib < sizing.prometheus.diskGiB, `${size} on a ${sizing.prometheus.diskGiB} GiB volume`);
    assert.strictEqual(retentionSize(100), "80GB");
    assert.strictEqual(retentionSize(10), "8GB");
  });

  it("serves HTTPS with one basic-auth user whose password appears only as a bcrypt hash", () => {
    const hash = `$2a$10$${"h".repeat(53)}`;
    assert.deepStrictEqual(
      webConfig({ certFile: "/c", keyFile: "/k", username: "federation", passwordBcryptHash: hash }),
      {
        tls_server_config: { cert_file: "/c", key_file: "/k", min_version: "TLS12" },
        basic_auth_users: { federation: hash },
      },
    );
    assert.throws(
      () => webConfig({ certFile: "/c", keyFile: "/k", username: "federation", passwordBcryptHash: "hunter2" }),
      /bcrypt hash/,
    );
  });

  it("names pods after their shard and replica", () => {
    assert.strictEqual(prometheusPodName(3, 1), "prometheus-shard-3-1");
  });
});
