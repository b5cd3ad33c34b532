import * as assert from "node:assert";
import { mandatoryPolicies } from "../policies";
import { rdsBackupRetention } from "../policies/aws/rds";
import { haReplicas } from "../policies/kubernetes/availability";
import { sidecarBlockDurations } from "../policies/kubernetes/block-durations";
import { oneCompactorPerBucket } from "../policies/kubernetes/compactors";
import { uniqueReplicaLabels } from "../policies/kubernetes/replica-labels";
import { CASES, STATEFUL_SET, without } from "./cases";
import { type FakeResource, runPolicy, UNKNOWN_ARRAY, UNKNOWN_OBJECT, UNKNOWN_STRING, urnOf } from "./engine";
import { rdsInstance } from "./fixtures/cloud";
import {
  container,
  disruptionBudget,
  k8s,
  named,
  objstoreSecret,
  prometheusConfig,
  prometheusShard,
  regionalMonitoring,
  thanos,
  workload,
} from "./fixtures/kubernetes";

/** The same resources as a first preview might send them: every top-level input unknown. */
function allUnknown(resources: FakeResource[]): FakeResource[] {
  return resources.map((r) => ({
    ...r,
    props: Object.fromEntries(
      Object.entries(r.props).map(([key, value]) => [key, typeof value === "object" ? UNKNOWN_OBJECT : UNKNOWN_STRING]),
    ),
  }));
}

describe("every mandatory policy", () => {
  it("has a passing and a failing case, and a unique name", () => {
    const names = mandatoryPolicies.map((p) => p.name);
    assert.deepStrictEqual(new Set(names).size, names.length, `duplicate policy names in ${names.join(", ")}`);
    const tested = new Set(CASES.map((c) => c.policy.name));
    assert.deepStrictEqual(
      names.filter((name) => !tested.has(name)),
      [],
    );
    for (const policy of mandatoryPolicies) assert.strictEqual(policy.enforcementLevel, "mandatory", policy.name);
  });
});

for (const { policy, passes, fails, message } of CASES) {
  describe(policy.name, () => {
    it("passes compliant resources", async () => {
      const outcome = await runPolicy(policy, passes());
      assert.deepStrictEqual(outcome.violations, []);
      assert.deepStrictEqual(outcome.previewSkipped, [], "an unknown value escaped the policy");
    });

    it("reports the violation, naming what is wrong", async () => {
      const outcome = await runPolicy(policy, fails());
      assert.ok(
        outcome.violations.some((v) => message.test(v.message)),
        `expected ${message} in ${JSON.stringify(outcome.violations)}`,
      );
      assert.ok(
        outcome.violations.every((v) => v.urn !== undefined),
        "every violation names the resource at fault",
      );
    });

    it("runs over values unknown during preview without failing or guessing", async () => {
      const outcome = await runPolicy(policy, allUnknown(passes()));
      assert.deepStrictEqual(outcome.violations, []);
      assert.deepStrictEqual(outcome.previewSkipped, []);
    });
  });
}

describe("applicability", () => {
  it("a resource policy declares itself not applicable to other types", async () => {
    const outcome = await runPolicy(rdsBackupRetention, [k8s("kubernetes:core/v1:ConfigMap", "x", { data: {} })]);
    assert.deepStrictEqual(outcome.violations, []);
    assert.strictEqual(outcome.notApplicable.length, 1);
  });
});

describe("policy config", () => {
  it("overrides a threshold's default", async () => {
    const outcome = await runPolicy(rdsBackupRetention, [rdsInstance({ backupRetentionPeriod: 7 })], {
      minBackupRetentionDays: 14,
    });
    assert.match(outcome.violations[0]?.message ?? "", /at least 14 days: backupRetentionPeriod is 7/);
  });

  it("raises the HA replica minimum", async () => {
    const outcome = await runPolicy(haReplicas, [thanos("thanos-store", "store", 2)], { minReplicas: 3 });
    assert.match(outcome.violations[0]?.message ?? "", /runs 2 replica\(s\): at least 3 are required/);
  });
});

describe("k8s-ha-replicas", () => {
  const alertmanager = (replicas: number) => [
    workload("alertmanager", {
      kind: "StatefulSet",
      app: "alertmanager",
      replicas,
      containers: [container("alertmanager", "quay.io/prometheus/alertmanager:v0.28.1")],
    }),
    disruptionBudget("alertmanager", "alertmanager"),
  ];
  const grafanaWithAutoscaler = (minReplicas: number, replicas?: number) => [
    workload("grafana", {
      kind: "Deployment",
      app: "grafana",
      replicas,
      containers: [container("grafana", "docker.io/grafana/grafana:12.1.1")],
    }),
    k8s("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "grafana", {
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "grafana" },
        minReplicas,
        maxReplicas: 6,
      },
    }),
  ];

  it("rejects an even Alertmanager mesh and accepts five", async () => {
    assert.match(
      (await runPolicy(haReplicas, alertmanager(4))).violations[0]?.message ?? "",
      /runs 4 replica\(s\): an odd number of at least 3/,
    );
    assert.deepStrictEqual((await runPolicy(haReplicas, alertmanager(5))).violations, []);
  });

  it("counts an autoscaler's minReplicas instead of spec.replicas", async () => {
    assert.deepStrictEqual((await runPolicy(haReplicas, grafanaWithAutoscaler(2))).violations, []);
    assert.match(
      (await runPolicy(haReplicas, grafanaWithAutoscaler(1))).violations[0]?.message ?? "",
      /grafana Deployment 'grafana' runs 1 replica/,
    );
  });

  it("rejects spec.replicas below the floor beside an autoscaler: every update scales the Deployment down to it", async () => {
    const outcome = await runPolicy(haReplicas, grafanaWithAutoscaler(3, 1));
    assert.match(
      outcome.violations[0]?.message ?? "",
      /grafana Deployment 'grafana' sets spec.replicas to 1 beside its autoscaler/,
    );
    assert.deepStrictEqual((await runPolicy(haReplicas, grafanaWithAutoscaler(3, 3))).violations, []);
  });

  it("reads a deployed Deployment's replicas of 1 as the API server's default where the provider does not own the field (found by the engine tests)", async () => {
    const deployed = (owner: string) => {
      const resources = grafanaWithAutoscaler(3, 1);
      const fields = { "f:spec": { "f:template": {}, ...(owner === "pulumi" ? { "f:replicas": {} } : {}) } };
      resources[0].props.metadata.managedFields = [
        { manager: "pulumi-kubernetes-1a2b3c", operation: "Apply", fieldsV1: fields },
      ];
      return resources;
    };
    assert.deepStrictEqual((await runPolicy(haReplicas, deployed("api-server"))).violations, []);
    assert.match(
      (await runPolicy(haReplicas, deployed("pulumi"))).violations[0]?.message ?? "",
      /sets spec.replicas to 1 beside its autoscaler/,
    );
  });
});

describe("k8s-one-compactor-per-bucket", () => {
  function compactorOn(secretName: string, name: string) {
    const compactor = thanos(name, "compact", 1);
    compactor.props.spec.template.spec.volumes = [{ name: "objstore", secret: { secretName } }];
    return compactor;
  }

  it("allows one compactor on each of two buckets", async () => {
    const resources = [
      objstoreSecret("a"),
      objstoreSecret("b", "objstore-b"),
      compactorOn("thanos-objstore", "compact-a"),
      compactorOn("objstore-b", "compact-b"),
    ];
    assert.deepStrictEqual((await runPolicy(oneCompactorPerBucket, resources)).violations, []);
  });

  it("counts replicas of one compactor", async () => {
    const outcome = await runPolicy(oneCompactorPerBucket, [
      objstoreSecret("a"),
      thanos("thanos-compact", "compact", 2),
    ]);
    assert.match(
      outcome.violations[0]?.message ?? "",
      /2 Thanos Compactor pods \('thanos-compact'\) run on bucket 'a'/,
    );
  });

  it("finds the bucket in an inline --objstore.config, and in two configs naming one bucket", async () => {
    const inline = thanos("compact-inline", "compact", 1);
    inline.props.spec.template.spec.containers[0].args = [
      "compact",
      "--objstore.config=type: GCS\nconfig:\n  bucket: a\n",
    ];
    const outcome = await runPolicy(oneCompactorPerBucket, [
      objstoreSecret("a"),
      compactorOn("thanos-objstore", "compact-file"),
      inline,
    ]);
    assert.match(outcome.violations[0]?.message ?? "", /2 Thanos Compactor pods .* run on bucket 'a'/);
  });

  it("during preview, counts compactors reading one unknown config together", async () => {
    const secret = objstoreSecret("a");
    secret.props.stringData = { "objstore.yaml": UNKNOWN_STRING };
    const outcome = await runPolicy(oneCompactorPerBucket, [
      secret,
      compactorOn("thanos-objstore", "c1"),
      compactorOn("thanos-objstore", "c2"),
    ]);
    assert.match(
      outcome.violations[0]?.message ?? "",
      /run on the objstore config in Secret 'thanos-objstore' key 'objstore.yaml'/,
    );
  });
});

describe("k8s-sidecar-block-durations", () => {
  const withoutBlockFlags = () => prometheusShard(0, 2, ["--config.file=/etc/prometheus/config_out/prometheus.yaml"]);

  it("requires both flags beside an uploading sidecar", async () => {
    const outcome = await runPolicy(sidecarBlockDurations, [withoutBlockFlags()]);
    assert.match(
      outcome.violations[0]?.message ?? "",
      /must set both --storage.tsdb.min-block-duration and --storage.tsdb.max-block-duration/,
    );
  });

  it("leaves alone a sidecar that only serves the StoreAPI (no object store)", async () => {
    const shard = withoutBlockFlags();
    const sidecar = shard.props.spec.template.spec.containers[1];
    sidecar.args = sidecar.args.filter((a: string) => !a.startsWith("--objstore.config"));
    assert.deepStrictEqual((await runPolicy(sidecarBlockDurations, [shard])).violations, []);
  });
});

describe("k8s-unique-replica-labels", () => {
  const configMap = "kubernetes:core/v1:ConfigMap";

  it("reports a Prometheus whose config has no replica label", async () => {
    const config = prometheusConfig(0);
    config.props.data["prometheus.yaml.tmpl"] = config.props.data["prometheus.yaml.tmpl"].replace(
      / {4}prometheus_replica: .*\n/,
      "",
    );
    const outcome = await runPolicy(uniqueReplicaLabels, [
      ...without(regionalMonitoring(), configMap, "prometheus-shard-0-config"),
      config,
    ]);
    assert.match(
      outcome.violations[0]?.message ?? "",
      /Prometheus 'prometheus-shard-0' has no replica external label \(one of prometheus_replica, federation_replica\)/,
    );
  });

  it("skips only the workload whose pod spec is unknown during preview", async () => {
    const resources = [
      ...without(regionalMonitoring(), configMap, "prometheus-shard-1-config"),
      prometheusConfig(1, "replica-a"),
    ];
    named(resources, STATEFUL_SET, "prometheus-shard-0").props.spec.template.spec.containers[1].env = UNKNOWN_ARRAY;
    const outcome = await runPolicy(uniqueReplicaLabels, resources);
    assert.deepStrictEqual(outcome.previewSkipped, []);
    assert.deepStrictEqual(
      outcome.violations.map((v) => v.urn),
      [urnOf(named(resources, STATEFUL_SET, "prometheus-shard-1"))],
    );
  });
});
