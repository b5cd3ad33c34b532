/**
 * The real Pulumi engine runs the program against local Kubernetes API servers, as a user would with
 * `npm run deploy`: one control plane per cluster (KWOK's fake nodes run no containers, so a workload is
 * Ready when Kubernetes says it is), a file backend, the Kubernetes provider built from its Go module and the
 * random and tls stand-ins. Each case is named after what a user worries about; they run in order on one
 * set of clusters and stacks.
 */
import * as assert from "node:assert";
import * as path from "node:path";
import { RECEIVE, RECEIVE_BUCKET, rulerName, rulerQueryName } from "../../builders/global/layout";
import type { KubeApiError } from "../../local/engine/kube-api";
import { deploy, runInChild } from "../../local/engine/orchestrator";
import { openStack } from "../../local/engine/workspace";
import type { Operation, StackResult } from "../../local/engine/stack-run";
import {
  ENGINE_OAUTH_CLIENT_SECRET,
  EngineProject,
  GLOBAL_SECRETS,
  REGIONAL_SECRETS,
  globalStackConfig,
  qualified,
  regionalStackConfig,
} from "./engine-project";

const POLICY_PACK = path.resolve(__dirname, "../../../policy/analyzer");
/** The address the global cluster's load balancers get (its control plane's stand-in). */
const GLOBAL_LOAD_BALANCER = "192.0.2.20";
/** Thanos Receive's bucket on the S3-compatible store, once a region writes to it, and its keys. */
const RECEIVE_BUCKET_SETTINGS = {
  type: "s3",
  name: "global-receive",
  endpoint: "s3.example.internal:9000",
  insecure: true,
};
const RECEIVE_BUCKET_SECRETS = { bucketAccessKey: "engine-test-access-key", bucketSecretKey: "engine-test-secret-key" };
const REGIONS = ["us-east", "eu-west"] as const;
const NAMESPACE = "monitoring";

interface Workloads {
  items: {
    metadata: { name: string };
    spec: { replicas?: number };
    status: { readyReplicas?: number; numberReady?: number; desiredNumberScheduled?: number };
  }[];
}

function changed(result: StackResult): Record<string, number> {
  return Object.fromEntries(Object.entries(result.changes).filter(([kind, n]) => kind !== "same" && n > 0));
}

describe("the real engine on local Kubernetes API servers", function () {
  this.timeout(900_000);
  const project = new EngineProject();
  const run = (operation: Operation, stacks: readonly string[], policy = true) =>
    deploy({
      operation,
      stacks,
      settings: project.settings,
      parallel: 2,
      policyPack: policy ? POLICY_PACK : undefined,
    });
  const one = (stack: string, operation: Operation, policy = false) =>
    runInChild(stack, { operation, settings: project.settings, policyPack: policy ? POLICY_PACK : undefined });

  before(async () => {
    const clusters = await Promise.all([
      project.startCluster("us-east", "192.0.2.11"),
      project.startCluster("eu-west", "192.0.2.12"),
      project.startCluster("global", GLOBAL_LOAD_BALANCER),
    ]);
    for (const [i, region] of REGIONS.entries())
      await project.writeStack(region, regionalStackConfig(region), REGIONAL_SECRETS(clusters[i]));
    await project.writeStack("global", globalStackConfig(REGIONS), GLOBAL_SECRETS(clusters[2]));
  });

  after(async function () {
    this.timeout(120_000);
    await project.stop();
  });

  it("global before its regions: one sentence per missing region, and nothing created", async () => {
    const result = await one("global", "up");
    assert.strictEqual(result.result, "failed");
    for (const region of REGIONS) {
      assert.match(
        result.message!,
        new RegExp(`regional stack '${qualified(region)}' .*pulumi up -s ${region}`),
        result.message,
      );
    }
    assert.strictEqual(await project.resourceCount("global"), 0);
  });

  it("a config mistake: the one sentence through the real CLI, and nothing created", async () => {
    project.editStack("eu-west", (config) => ((config.prometheus as Record<string, unknown>).scrapeInterval = "2h"));
    const result = await one("eu-west", "up");
    project.editStack("eu-west", (config) => delete (config.prometheus as Record<string, unknown>).scrapeInterval);
    assert.strictEqual(result.result, "failed");
    assert.match(
      result.message!,
      /^stack 'eu-west': config key 'monitoring:prometheus\.scrapeInterval' .*"2h".*at most 1h/m,
      result.message,
    );
    assert.strictEqual(await project.resourceCount("eu-west"), 0);
  });

  it("deploy up: both regions, then global through the policy pack; every workload Ready, every StackReference resolved", async () => {
    const results = await run("up", ["global"]);
    assert.deepStrictEqual(
      results.map((r) => [r.stack, r.result]),
      [
        [qualified("us-east"), "succeeded"],
        [qualified("eu-west"), "succeeded"],
        ["global", "succeeded"],
      ],
      JSON.stringify(results),
    );
    for (const cluster of ["us-east", "eu-west", "global"]) {
      const api = project.cluster(cluster).api;
      const sets = await api.get<Workloads>(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets`);
      const deployments = await api.get<Workloads>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`);
      assert.ok(sets.items.length > 0, `${cluster}: no StatefulSet`);
      for (const w of [...sets.items, ...deployments.items]) {
        assert.strictEqual(w.status.readyReplicas, w.spec.replicas, `${cluster}: ${w.metadata.name} is not Ready`);
      }
      const daemons = await api.get<Workloads>(`/apis/apps/v1/namespaces/${NAMESPACE}/daemonsets`);
      for (const d of daemons.items)
        assert.strictEqual(d.status.numberReady, d.status.desiredNumberScheduled, `${cluster}: ${d.metadata.name}`);
    }
    // What the global tier placed into each region through the provider it built from the region's kubeconfig.
    for (const region of REGIONS) {
      const gateway = await project
        .cluster(region)
        .api.get<{ spec: { type: string } }>(`/api/v1/namespaces/${NAMESPACE}/services/global-region-gateway`);
      assert.strictEqual(gateway.spec.type, "LoadBalancer");
    }
  });

  it("Grafana signs in through the OpenID Connect provider, its client secret in its Secret, not in the pod spec", async () => {
    const api = project.cluster("global").api;
    const grafana = await api.get<{
      spec: { template: { spec: { containers: { env: { name: string; value?: string; valueFrom?: any }[] }[] } } };
    }>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments/grafana`);
    const env = grafana.spec.template.spec.containers[0].env;
    const variable = (name: string) => env.find((e) => e.name === name);
    assert.strictEqual(variable("GF_AUTH_GENERIC_OAUTH_ENABLED")?.value, "true");
    assert.strictEqual(variable("GF_AUTH_DISABLE_LOGIN_FORM")?.value, "true");
    const { name, key } = variable("GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET")!.valueFrom.secretKeyRef;
    const secret = await api.get<{ data: Record<string, string> }>(`/api/v1/namespaces/${NAMESPACE}/secrets/${name}`);
    assert.strictEqual(Buffer.from(secret.data[key], "base64").toString(), ENGINE_OAUTH_CLIENT_SECRET);
    assert.ok(!JSON.stringify(grafana).includes(ENGINE_OAUTH_CLIENT_SECRET), "the pod spec holds no client secret");
  });

  it("a second up changes nothing", async () => {
    const results = await run("up", ["global"]);
    for (const r of results) assert.deepStrictEqual(changed(r), {}, `${r.stack}: ${JSON.stringify(r)}`);
  });

  it("preview with the policy pack passes all three stacks, and blocks a violating config naming the policy", async () => {
    for (const r of await run("preview", ["global"])) assert.strictEqual(r.result, "succeeded", JSON.stringify(r));
    // Annotations a user copies from an AWS guide: the AWS Load Balancer Controller's, which this cluster lacks.
    project.editStack(
      "global",
      (config) =>
        ((config.kubernetes as Record<string, unknown>).loadBalancerAnnotations = {
          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        }),
    );
    const blocked = await one("global", "preview", true);
    project.editStack(
      "global",
      (config) => delete (config.kubernetes as Record<string, unknown>).loadBalancerAnnotations,
    );
    assert.strictEqual(blocked.result, "failed");
    assert.match(blocked.message!, /k8s-load-balancer-served/, blocked.message);
  });

  it("changing shards, replicas and retention and adding a team is an update, not a replacement storm", async () => {
    project.editStack("us-east", (config) => {
      config.prometheus = { replicas: 3, shards: 2, retention: "48h" };
      config.teams = [
        {
          name: "payments",
          namespaces: ["payments"],
          services: [
            {
              name: "api",
              selector: { matchLabels: { "app.kubernetes.io/name": "payments-api" } },
              endpoints: [{ port: "metrics" }],
            },
          ],
        },
      ];
    });
    const result = await one("us-east", "up", true);
    assert.strictEqual(result.result, "succeeded", JSON.stringify(result));
    console.log(
      `    us-east update: ${JSON.stringify(result.changes)}; replaced: ${JSON.stringify(result.replaced ?? [])}`,
    );
    assert.deepStrictEqual(result.replaced ?? [], [], "no resource is replaced");
    assert.ok((result.changes.create ?? 0) > 0 && (result.changes.update ?? 0) > 0, JSON.stringify(result.changes));
  });

  it("a third region joins with a stack file and one line of regions, without touching the others (reached through a NodePort)", async () => {
    const cluster = await project.startCluster("ap-south", "192.0.2.13");
    const config = regionalStackConfig("ap-south");
    (config.kubernetes as Record<string, unknown>).exposure = { type: "node-port", host: "10.13.0.5" };
    await project.writeStack("ap-south", config, REGIONAL_SECRETS(cluster));
    project.editStack("global", (config) => (config.regions as string[]).push(qualified("ap-south")));
    const results = await run("up", ["global"]);
    const by = Object.fromEntries(results.map((r) => [r.stack, r]));
    for (const region of REGIONS)
      assert.deepStrictEqual(changed(by[qualified(region)]), {}, JSON.stringify(by[qualified(region)]));
    assert.ok((by[qualified("ap-south")].changes.create ?? 0) > 0, JSON.stringify(by[qualified("ap-south")]));
    assert.strictEqual(by.global.result, "succeeded", JSON.stringify(by.global));
    const gateway = await cluster.api.get<{ spec: { type: string; ports: { nodePort: number }[] } }>(
      `/api/v1/namespaces/${NAMESPACE}/services/global-region-gateway`,
    );
    assert.deepStrictEqual(
      [gateway.spec.type, gateway.spec.ports.map((p) => p.nodePort)],
      ["NodePort", [30943, 30901]],
    );
    const slice = await project
      .cluster("global")
      .api.get<{ endpoints: { addresses: string[] }[]; ports: { port: number }[] }>(
        `/apis/discovery.k8s.io/v1/namespaces/${NAMESPACE}/endpointslices/store-api-ap-south-thanos-store`,
      );
    assert.deepStrictEqual(
      [slice.endpoints[0].addresses, slice.ports[0].port],
      [["10.13.0.5"], 30901],
      "Thanos Query dials the node port",
    );
  });

  it("upgrading the program to a new pinned Prometheus is an in-place update of the Prometheus pods, nothing replaced", async () => {
    const upgraded = project.upgradedProgram((versions) =>
      versions.replace(/prometheus: "3\.13\.5"/, 'prometheus: "3.13.99"'),
    );
    const result = await upgraded.runInChild("eu-west", {
      operation: "up",
      settings: project.settings,
      policyPack: POLICY_PACK,
    });
    assert.strictEqual(result.result, "succeeded", JSON.stringify(result));
    console.log(
      `    eu-west upgrade: ${JSON.stringify(result.changes)}; replaced: ${JSON.stringify(result.replaced ?? [])}`,
    );
    assert.deepStrictEqual(result.replaced ?? [], [], "no resource is replaced");
    assert.ok((result.changes.update ?? 0) > 0 && (result.changes.create ?? 0) === 0, JSON.stringify(result.changes));
    const sets = await project.cluster("eu-west").api.get<{
      items: { metadata: { name: string }; spec: { template: { spec: { containers: { image: string }[] } } } }[];
    }>(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets`);
    const images = sets.items
      .flatMap((s) => s.spec.template.spec.containers.map((c) => c.image))
      .filter((i) => i.includes("/prometheus/prometheus:"));
    assert.ok(images.length > 0 && images.every((i) => i.endsWith(":v3.13.99")), images.join(", "));
  });

  it("a region that can only send out: ap-south writes to the global tier's Receive, whose hashring, bucket readers and Ruler pair run Ready", async () => {
    const global = await openStack("global", project.settings, async () => ({}));
    for (const [key, value] of Object.entries(RECEIVE_BUCKET_SECRETS))
      await global.setConfig(key, { value, secret: true });
    project.editStack("global", (config) => {
      (config.kubernetes as Record<string, unknown>).bucket = RECEIVE_BUCKET_SETTINGS;
    });
    project.editStack("ap-south", (config) => {
      config.ingestion = {
        mode: "remote-write",
        receiveEndpoint: `${GLOBAL_LOAD_BALANCER}:${RECEIVE.remoteWritePort}`,
      };
    });
    const results = await run("up", ["global"]);
    assert.deepStrictEqual(
      results.map((r) => r.result),
      results.map(() => "succeeded"),
      JSON.stringify(results),
    );
    const api = project.cluster("global").api;
    const sets = await api.get<Workloads>(`/apis/apps/v1/namespaces/${NAMESPACE}/statefulsets`);
    const deployments = await api.get<Workloads>(`/apis/apps/v1/namespaces/${NAMESPACE}/deployments`);
    const ready = Object.fromEntries(
      [...sets.items, ...deployments.items].map((w) => [w.metadata.name, [w.spec.replicas, w.status.readyReplicas]]),
    );
    for (const name of [
      RECEIVE.name,
      RECEIVE_BUCKET.storeGateway,
      RECEIVE_BUCKET.compactor,
      rulerName("ap-south"),
      rulerQueryName("ap-south"),
    ]) {
      assert.ok(ready[name], `${name} runs in the global cluster: ${JSON.stringify(ready)}`);
      assert.strictEqual(ready[name][1], ready[name][0], `${name} is Ready`);
    }
    assert.ok(ready[RECEIVE.name][0]! >= 3);
    const ingress = await api.get<{ spec: { type: string; loadBalancerSourceRanges: string[] } }>(
      `/api/v1/namespaces/${NAMESPACE}/services/${RECEIVE.ingressService}`,
    );
    assert.strictEqual(ingress.spec.type, "LoadBalancer");
    // The global tier dials nothing in a region that only sends out: its gateway's Service is gone.
    await assert.rejects(
      project.cluster("ap-south").api.get(`/api/v1/namespaces/${NAMESPACE}/services/global-region-gateway`),
      (err: KubeApiError) => err.status === 404,
    );
  });

  it("deploy destroy leaves every cluster and the state empty", async () => {
    const results = await run("destroy", ["global"]);
    assert.deepStrictEqual(
      results.map((r) => r.result),
      results.map(() => "succeeded"),
      JSON.stringify(results),
    );
    assert.strictEqual(results[0].stack, "global", "the global stack goes first");
    for (const stack of ["global", ...REGIONS, "ap-south"])
      assert.strictEqual(await project.resourceCount(stack), 0, stack);
    for (const cluster of ["us-east", "eu-west", "ap-south", "global"]) {
      const namespaces = await project
        .cluster(cluster)
        .api.get<{ items: { metadata: { name: string } }[] }>("/api/v1/namespaces");
      assert.ok(
        !namespaces.items.some((n) => n.metadata.name === NAMESPACE),
        `${cluster} still has the ${NAMESPACE} namespace`,
      );
    }
  });
});
