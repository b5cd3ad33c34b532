/**
 * What every regional stack owes its users and the global stack, whatever its cloud: the contract's outputs,
 * explicit providers, and the Prometheus/Thanos workloads' invariants (design.md, invariants 1 to 3).
 */
import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../../config/stack-file";
import { tempDir } from "../support/tools";
import { regionalPlan } from "../../builders/regional/plan";
import { CERTIFICATE_EXPIRY_ALERT, CERTIFICATE_EXPIRY_METRIC } from "../../builders/rules/certificates";
import type { Cloud, RegionalStackConfig } from "../../config";
import {
  MONITORING_NAMESPACE,
  REGIONAL_OUTPUT_NAMES,
  REPLICA_LABEL,
  SECRET_REGIONAL_OUTPUTS,
} from "../../contracts/regional-outputs";
import { validateRegionalOutputs } from "../../contracts/validate-regional-outputs";
import type { ProgramRun } from "../harness/program";
import { NETWORK_POLICY, assertExactNetworkPolicies } from "./network-checks";
import {
  K8S,
  type Resource,
  assertExplicitProviders,
  containers,
  createdAfter,
  fileOf,
  flag,
  k8sObject,
  ofType,
  providerOf,
  workloads,
} from "./graph";

const POD_NAME_ENV = { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } };

/** The shard StatefulSets: those whose pods run Prometheus beside a Thanos sidecar. */
/**
 * What each cloud's workloads must be created after: the nodes they run on and the CSI driver that provisions
 * their volumes, and how many such resources there are at least (EKS: more than one node group per zone
 * with the EBS CSI add-on; GKE: the node pool, its PD CSI driver being part of the cluster).
 */
const WORKLOADS_WAIT_FOR: Record<
  Cloud,
  (run: ProgramRun, config: RegionalStackConfig) => { ready: Resource[]; atLeast: number }
> = {
  aws: (run, config) => ({
    ready: [
      ...ofType(run, "aws:eks/nodeGroup:NodeGroup"),
      ...ofType(run, "aws:eks/addon:Addon").filter((a) => a.args.addonName === "aws-ebs-csi-driver"),
    ],
    atLeast: config.cluster.zones.length,
  }),
  gcp: (run) => ({ ready: ofType(run, "gcp:container/nodePool:NodePool"), atLeast: 0 }),
  // A cluster the user runs has its nodes and storage before the stack exists.
  kubernetes: () => ({ ready: [], atLeast: 0 }),
};

export function prometheusShards(run: ProgramRun): Resource[] {
  return ofType(run, K8S.statefulSet).filter((s) => {
    const names = containers(s).map((c) => c.name);
    return names.includes("prometheus") && containers(s).some((c) => c.args?.[0] === "sidecar");
  });
}

/** The Thanos container of a workload running the given Thanos command (sidecar, store, compact). */
function thanosContainer(workload: Resource, command: string): any | undefined {
  return containers(workload).find((c) => c.args?.[0] === command);
}

/**
 * The object a workload's pods mount at the directory of the given in-pod file, of the kind it must be: a
 * ConfigMap, or a Secret for a file that may hold keys (the objstore file).
 */
function mountedObject(
  run: ProgramRun,
  workload: Resource,
  container: any,
  file: string,
  kind: "configMap" | "secret",
): Resource {
  const mount = (container.volumeMounts as any[]).find((m) => file.startsWith(`${m.mountPath}/`));
  assert.ok(mount, `${workload.name}/${container.name} mounts nothing at ${file}`);
  const volume = (workload.args.spec.template.spec.volumes as any[]).find((v) => v.name === mount.name);
  assert.ok(volume?.[kind], `${workload.name}: volume '${mount.name}' is not a ${kind}`);
  return kind === "secret"
    ? k8sObject(run, K8S.secret, volume.secret.secretName)
    : k8sObject(run, K8S.configMap, volume.configMap.name);
}

/** Workloads whose pods read the bucket (any Thanos container given an objstore config). */
export function bucketReaders(run: ProgramRun): { workload: Resource; objstore: Resource }[] {
  return workloads(run).flatMap((w) =>
    containers(w)
      .filter((c) => flag(c.args ?? [], "objstore.config-file"))
      .map((c) => ({
        workload: w,
        objstore: mountedObject(run, w, c, flag(c.args, "objstore.config-file")!, "secret"),
      })),
  );
}

export interface RegionalExpectations {
  readonly stack: string;
  readonly config: RegionalStackConfig;
  /** `type` of the Thanos objstore config for this cloud. */
  readonly objstoreType: "S3" | "GCS";
}

/** Registers the cloud-independent checks of a regional stack; `run` is called once the stack has run. */
export function describeRegionalStack(run: () => ProgramRun, expected: () => RegionalExpectations): void {
  it("runs Prometheus, its sidecar and the Thanos bucket workloads with the command lines, and mounts the rule files, `npm run render` writes", () => {
    const dir = tempDir(`render-${expected().stack}-`);
    try {
      const render = spawnSync(
        process.execPath,
        [path.join(REPO_ROOT, "bin", "scripts", "render.js"), expected().stack, dir],
        { encoding: "utf8" },
      );
      assert.strictEqual(render.status, 0, render.stderr);
      const rendered = (file: string) => fs.readFileSync(path.join(dir, file), "utf8").trim().split("\n");
      const all = workloads(run()).flatMap((w) =>
        containers(w).map((c) => ({ workload: w.args.metadata.name as string, container: c })),
      );
      const argsOf = (test: (c: any) => boolean) => all.filter(({ container }) => test(container));
      const expectations: [string, (c: any) => boolean][] = [
        ["prometheus/prometheus.args", (c) => c.name === "prometheus"],
        ["thanos/sidecar.args", (c) => c.name === "thanos-sidecar"],
        ["thanos/store.args", (c) => c.args?.[0] === "store"],
        ["thanos/compact.args", (c) => c.args?.[0] === "compact"],
      ];
      for (const [file, test] of expectations) {
        const running = argsOf(test);
        assert.ok(running.length > 0, `a container runs ${file}`);
        for (const { workload, container } of running)
          assert.deepStrictEqual(container.args, rendered(file), `${workload}/${container.name} runs ${file}`);
      }
      const rules = ofType(run(), K8S.configMap).find((m) => m.args.metadata.name === "prometheus-rules")!;
      assert.deepStrictEqual(Object.keys(rules.args.data).sort(), fs.readdirSync(path.join(dir, "rules")).sort());
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("exports every output of the regional contract, exactly the contract's secret ones as secrets", () => {
    const { outputs, secretOutputs } = run();
    const missing = REGIONAL_OUTPUT_NAMES.filter((name) => outputs[name] === undefined || outputs[name] === null);
    assert.deepStrictEqual(missing, []);
    assert.ok(secretOutputs.includes("kubeconfig"));
    assert.deepStrictEqual([...secretOutputs].sort(), [...SECRET_REGIONAL_OUTPUTS].sort());
  });

  it("exports outputs the global stack accepts for this region", () => {
    const { stack, config } = expected();
    const outputs = validateRegionalOutputs("global", `acme/monitoring/${stack}`, run().outputs);
    assert.strictEqual(outputs.region, stack);
    assert.strictEqual(outputs.cloud, config.cloud);
    assert.strictEqual(outputs.cloudRegion, config.region);
    assert.strictEqual(outputs.replicaLabel, REPLICA_LABEL);
    assert.strictEqual(outputs.namespace, MONITORING_NAMESPACE);
  });

  it("creates every resource with an explicit provider, every Kubernetes object with the region's cluster provider", () => {
    assertExplicitProviders(run());
    const { config } = expected();
    const k8sObjects = run().resources.filter((r) => r.type.startsWith("kubernetes:"));
    assert.ok(k8sObjects.length > 0);
    const elsewhere = k8sObjects
      .filter((r) => providerOf(r) !== `kubernetes/${config.namePrefix}-k8s`)
      .map((r) => r.name);
    assert.deepStrictEqual(elsewhere, []);
  });

  it("creates every workload only after the nodes it runs on and the CSI driver that provisions its volumes", () => {
    const { config } = expected();
    const { ready, atLeast } = WORKLOADS_WAIT_FOR[config.cloud](run(), config);
    assert.ok(ready.length > atLeast);
    const all = [...workloads(run()), ...ofType(run(), K8S.daemonSet)].filter(
      (w) => w.args.metadata.namespace === MONITORING_NAMESPACE,
    );
    assert.ok(all.length > 0);
    for (const w of all) {
      for (const target of ready)
        assert.ok(createdAfter(run(), w, target), `${w.args.metadata.name} waits for ${target.name}`);
    }
  });

  it("runs `replicas` Prometheus pods per shard, and the replica label (the pod's name) differs for every pod", () => {
    const { config } = expected();
    const plan = regionalPlan(config);
    const shards = prometheusShards(run());
    assert.strictEqual(shards.length, plan.shards);
    const podNames: string[] = [];
    const shardLabels = new Set<string>();
    for (const set of shards) {
      assert.strictEqual(set.args.spec.replicas, config.prometheus.replicas, `${set.name} replicas`);
      for (let i = 0; i < set.args.spec.replicas; i++) podNames.push(`${set.args.metadata.name}-${i}`);
      // The config template carries $(POD_NAME), which the init container and the sidecar's reloader
      // replace with the pod's own name: each pod's replica label is its (unique) pod name.
      const prometheus = containers(set).find((c) => c.name === "prometheus");
      const labels = fileOfMountedTemplate(run(), set, flag(prometheus.args, "config.file")!).global.external_labels;
      assert.strictEqual(labels[REPLICA_LABEL], "$(POD_NAME)");
      assert.strictEqual(labels.region, expected().stack);
      shardLabels.add(labels.shard);
      const substitutors = [...set.args.spec.template.spec.initContainers, thanosContainer(set, "sidecar")];
      for (const c of substitutors)
        assert.deepStrictEqual(
          c.env?.find((e: any) => e.name === "POD_NAME"),
          POD_NAME_ENV,
          `${set.name}/${c.name}`,
        );
    }
    assert.strictEqual(shardLabels.size, shards.length, "every shard has its own shard label");
    assert.strictEqual(new Set(podNames).size, podNames.length, `pod names repeat: ${podNames}`);
    assert.strictEqual(podNames.length, plan.shards * config.prometheus.replicas);
    assert.deepStrictEqual(
      [...podNames].sort(),
      run()
        .outputs.prometheusPods.map((p: { podName: string }) => p.podName)
        .sort(),
    );
  });

  it("runs exactly one Thanos compactor for the bucket", () => {
    const compactors = workloads(run()).filter((w) => thanosContainer(w, "compact"));
    assert.strictEqual(compactors.length, 1);
    assert.strictEqual(compactors[0].args.spec.replicas, 1);
  });

  it("keeps Prometheus min and max block durations equal (2h) beside every uploading sidecar", () => {
    const shards = prometheusShards(run());
    assert.ok(shards.length > 0);
    for (const set of shards) {
      assert.ok(flag(thanosContainer(set, "sidecar").args, "objstore.config-file"), `${set.name}: the sidecar uploads`);
      const args = containers(set).find((c) => c.name === "prometheus").args;
      assert.strictEqual(flag(args, "storage.tsdb.min-block-duration"), "2h", set.name);
      assert.strictEqual(flag(args, "storage.tsdb.max-block-duration"), "2h", set.name);
    }
  });

  it("lets nothing stop or reconfigure Prometheus over HTTP: no lifecycle API, the reloader signals it in a shared process namespace", () => {
    const shards = prometheusShards(run());
    assert.ok(shards.length > 0);
    for (const set of shards) {
      const args: string[] = containers(set).find((c) => c.name === "prometheus").args;
      assert.ok(!args.some((a) => a.startsWith("--web.enable-lifecycle")), set.name);
      assert.strictEqual(flag(thanosContainer(set, "sidecar").args, "reloader.method"), "signal", set.name);
      assert.strictEqual(
        set.args.spec.template.spec.shareProcessNamespace,
        true,
        `${set.name}: the sidecar must see Prometheus' process`,
      );
      assert.match(
        flag(args, "storage.tsdb.retention.size") ?? "",
        /^\d+GB$/,
        `${set.name}: a full disk drops old blocks instead of stopping Prometheus`,
      );
    }
  });

  it("grants Prometheus' ClusterRole only list/watch for discovery and get on nodes/metrics, never nodes/proxy", () => {
    // Prometheus' own role; add-ons (the cluster autoscaler) bring theirs, which policy k8s-no-node-proxy checks.
    const roles = ofType(run(), "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").filter(
      (r) => r.args.metadata.name === "monitoring-prometheus",
    );
    assert.strictEqual(roles.length, 1);
    for (const role of roles) {
      for (const rule of role.args.rules as any[]) {
        assert.ok(!rule.nonResourceURLs, `${role.name}: no non-resource URLs`);
        assert.ok(!rule.resources.includes("nodes/proxy"), `${role.name}: nodes/proxy runs commands in any container`);
        assert.deepStrictEqual(
          rule.verbs,
          rule.resources.includes("nodes/metrics") ? ["get"] : ["list", "watch"],
          `${role.name}: ${rule.resources}`,
        );
      }
    }
  });

  it("publishes the expiry of every certificate the stack issued, and alerts certificateWarningDays before, inside the leaves' early renewal", () => {
    const { config } = expected();
    const certs = [
      ...ofType(run(), "tls:index/selfSignedCert:SelfSignedCert"),
      ...ofType(run(), "tls:index/locallySignedCert:LocallySignedCert"),
    ];
    assert.ok(certs.length >= 4);
    const rules = fileOf(k8sObject(run(), K8S.configMap, "prometheus-rules"), "certificates.yaml").groups.flatMap(
      (g: any) => g.rules,
    );
    const expiries = rules
      .filter((r: any) => r.record === CERTIFICATE_EXPIRY_METRIC)
      .map((r: any) => Number(/vector\((\d+)\)/.exec(r.expr)![1]));
    assert.deepStrictEqual(
      [...expiries].sort(),
      certs.map((c) => Math.floor(Date.parse(c.state.validityEndTime) / 1000)).sort(),
    );
    // The global stack holds copies of some of them and alerts on those from this output.
    assert.deepStrictEqual(
      Object.values(run().outputs.certificateExpiries as Record<string, string>).sort(),
      certs.map((c) => c.state.validityEndTime).sort(),
    );
    const alert = rules.find((r: any) => r.alert === CERTIFICATE_EXPIRY_ALERT);
    assert.ok(alert.expr.endsWith(`< ${config.certificateWarningDays * 86400}`), alert.expr);
    for (const leaf of certs.filter((c) => !c.args.isCaCertificate)) {
      assert.ok(
        leaf.args.earlyRenewalHours > config.certificateWarningDays * 24,
        `${leaf.name}: a routine up renews it before the alert`,
      );
      assert.ok(leaf.args.validityPeriodHours > leaf.args.earlyRenewalHours, leaf.name);
    }
  });

  it("denies all traffic by default, sends DNS to kube-dns only, admits each workload's flows exactly and blocks instance metadata", () => {
    const { config } = expected();
    // node-exporter runs on the host network, where NetworkPolicies do not apply.
    const pods = workloads(run()).filter((w) => !w.args.spec.template.spec.hostNetwork);
    assertExactNetworkPolicies(ofType(run(), NETWORK_POLICY), pods, config.cloud);
  });

  it("gives every workload of more than one pod a PodDisruptionBudget selecting its pods", () => {
    const budgets = ofType(run(), K8S.pdb);
    const ha = workloads(run()).filter((w) => w.args.spec.replicas > 1);
    assert.ok(ha.length >= 2, "Prometheus shards and the store gateway run several pods");
    for (const w of ha) {
      const podLabels = w.args.spec.template.metadata.labels;
      const covering = budgets.filter(
        (b) =>
          b.args.metadata.namespace === w.args.metadata.namespace &&
          Object.entries(b.args.spec.selector.matchLabels).every(([k, v]) => podLabels[k] === v),
      );
      assert.strictEqual(covering.length, 1, `${w.name}: ${covering.length} budgets`);
      const budget = covering[0].args.spec;
      const allowsDisruption =
        budget.maxUnavailable !== undefined ? budget.maxUnavailable >= 1 : budget.minAvailable < w.args.spec.replicas;
      assert.ok(allowsDisruption, `${w.name}: the budget must still let a node drain`);
      assert.ok(
        budget.maxUnavailable === undefined || budget.maxUnavailable < w.args.spec.replicas,
        `${w.name}: the budget must keep a pod up`,
      );
    }
  });

  it("points every sidecar, the store gateway and the compactor at this region's bucket", () => {
    const { config, objstoreType } = expected();
    const readers = bucketReaders(run());
    const commands = readers.map(
      (r) => containers(r.workload).find((c) => flag(c.args ?? [], "objstore.config-file")).args[0],
    );
    assert.deepStrictEqual([...new Set(commands)].sort(), ["compact", "sidecar", "store"]);
    const shardNames = prometheusShards(run()).map((s) => s.name);
    assert.strictEqual(readers.filter((r) => shardNames.includes(r.workload.name)).length, regionalPlan(config).shards);
    for (const { workload, objstore } of readers) {
      const file = fileOf(objstore, Object.keys(objstore.args.stringData)[0]);
      assert.strictEqual(file.type, objstoreType, workload.name);
      assert.strictEqual(file.config.bucket, run().outputs.bucketName, workload.name);
      const keys = Object.keys(file.config).map((k) => k.toLowerCase());
      assert.ok(
        !keys.some((k) => k.includes("secret") || k.includes("access_key") || k.includes("service_account")),
        `${workload.name}: no static credentials`,
      );
    }
  });
}

/** The Prometheus config template of a shard: the ConfigMap the substituted file is rendered from. */
function fileOfMountedTemplate(run: ProgramRun, set: Resource, renderedFile: string): any {
  const reloader = thanosContainer(set, "sidecar");
  assert.strictEqual(
    flag(reloader.args, "reloader.config-envsubst-file"),
    renderedFile,
    `${set.name}: the reloader writes the file Prometheus reads`,
  );
  const template = flag(reloader.args, "reloader.config-file")!;
  const configMap = mountedObject(run, set, reloader, template, "configMap");
  return fileOf(configMap, template.slice(template.lastIndexOf("/") + 1));
}

/** The Kubernetes ServiceAccounts of the bucket readers' pods, with their annotations. */
export function bucketServiceAccounts(run: ProgramRun): Resource[] {
  const names = [
    ...new Set(bucketReaders(run).map((r) => r.workload.args.spec.template.spec.serviceAccountName as string)),
  ];
  return names.map((name) => k8sObject(run, K8S.serviceAccount, name));
}
