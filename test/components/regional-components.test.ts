/**
 * The regional components under Pulumi mocks: what the cluster would receive, checked against the
 * invariants (distinct replica labels, one compactor per bucket, equal block durations, PDBs, the sidecar's
 * bucket) and the hardening every pod must have.
 */
import * as assert from "node:assert";
import * as k8s from "@pulumi/kubernetes";
import * as YAML from "yaml";
import { gcsLocation, type ObjectStoreLocation, s3Location } from "../../builders/cloud/object-store";
import { GATEWAY_HEALTH_PATH, GATEWAY_READY_PATH } from "../../builders/gateway/haproxy";
import { GATEWAY_PORTS } from "../../builders/gateway/routes";
import { GATEWAY } from "../../builders/regional/gateway";
import {
  BUCKET_IDENTITIES,
  NAMES,
  PATHS,
  PORTS,
  REPLICA_LABEL,
  SHARD_STATE_ANNOTATION,
} from "../../builders/regional/layout";
import { RegionalMonitoring } from "../../components/regional";
import { IMAGES } from "../../versions";
import {
  type MockedResource,
  installMocks,
  k8sNamed,
  ofType,
  resolved,
  revealed,
  settled,
  unwrapSecret,
} from "../harness/mocks";
import { regionalStack } from "../fixtures/regional-fixtures";

/** The objstore file every Thanos component mounts, which must reach the engine as a secret (it may hold bucket keys). */
function objstoreFile(resources: MockedResource[]): unknown {
  const data = unwrapSecret(k8sNamed(resources, "kubernetes:core/v1:Secret", "thanos-objstore").inputs.stringData);
  assert.strictEqual(data.secret, true, "the objstore file is a secret");
  return YAML.parse(unwrapSecret(data.value["objstore.yaml"]).value);
}

const BUCKET = "us-east-thanos-blocks-1a2b";
const IDENTITY = (account: string) => ({
  "eks.amazonaws.com/role-arn": `arn:aws:iam::123456789012:role/us-east-${account}`,
});

/** Runs the component under mocks and waits until every registration has been answered. */
async function deploy(
  stack: "us-east" | "eu-west",
  objectStore: ObjectStoreLocation,
  shards: number,
  replicas: number,
  retiringShards: readonly number[] = [],
): Promise<{ resources: MockedResource[]; component: RegionalMonitoring }> {
  const resources = await installMocks({ stack });
  const config = regionalStack(stack, { shards, replicas, retiringShards });
  const provider = new k8s.Provider(`${stack}-cluster`, { kubeconfig: "apiVersion: v1" });
  const component = new RegionalMonitoring(stack, {
    config,
    provider,
    objectStore,
    identityAnnotations: Object.fromEntries(
      BUCKET_IDENTITIES.map((id) => [id.serviceAccount.name, IDENTITY(id.serviceAccount.name)]),
    ),
    clusterName: `${stack}-monitoring`,
    storageClassName: "monitoring-ssd",
  });
  await settled();
  return { resources, component };
}

const arg = (args: string[], flag: string) => args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);

describe("RegionalMonitoring under mocks (4 shards x 2 replicas)", function () {
  this.timeout(60_000);
  let resources: MockedResource[];
  let component: RegionalMonitoring;
  let statefulSets: MockedResource[];
  const prometheusSets = () => statefulSets.filter((s) => s.inputs.metadata.name.startsWith("prometheus-shard-"));
  const podSpec = (r: MockedResource) => r.inputs.spec.template.spec;
  const containerOf = (r: MockedResource, name: string) => podSpec(r).containers.find((c: any) => c.name === name);

  before(async () => {
    ({ resources, component } = await deploy("us-east", s3Location(BUCKET, "us-east-1"), 4, 2));
    statefulSets = ofType(resources, "kubernetes:apps/v1:StatefulSet");
  });

  it("runs replicas x shards Prometheus pods, named as the contract's prometheusPods", () => {
    const sets = prometheusSets();
    assert.deepStrictEqual(sets.map((s) => s.inputs.metadata.name).sort(), [
      "prometheus-shard-0",
      "prometheus-shard-1",
      "prometheus-shard-2",
      "prometheus-shard-3",
    ]);
    const podNames = sets.flatMap((s) =>
      Array.from({ length: s.inputs.spec.replicas }, (_, ordinal) => `${s.inputs.metadata.name}-${ordinal}`),
    );
    assert.strictEqual(podNames.length, 8);
    assert.deepStrictEqual([...podNames].sort(), component.prometheusPods.map((p) => p.podName).sort());
  });

  it("gives every pod a distinct replica label: its own pod name, substituted into its shard's config", () => {
    const labels: string[] = [];
    for (const set of prometheusSets()) {
      const shard = set.inputs.metadata.name.replace("prometheus-shard-", "");
      const config = YAML.parse(
        k8sNamed(resources, "kubernetes:core/v1:ConfigMap", `${set.inputs.metadata.name}-config`).inputs.data[
          "prometheus.yaml.tmpl"
        ],
      );
      assert.strictEqual(config.global.external_labels.shard, shard);
      assert.strictEqual(config.global.external_labels[REPLICA_LABEL], "$(POD_NAME)");
      const sidecar = containerOf(set, "thanos-sidecar");
      assert.deepStrictEqual(sidecar.env, [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      ]);
      assert.strictEqual(arg(sidecar.args, "--reloader.config-envsubst-file"), PATHS.configOutFile);
      assert.strictEqual(arg(containerOf(set, "prometheus").args, "--config.file"), PATHS.configOutFile);
      assert.deepStrictEqual(
        podSpec(set).initContainers[0].env,
        sidecar.env,
        "the first config is substituted the same way",
      );
      for (let ordinal = 0; ordinal < set.inputs.spec.replicas; ordinal++)
        labels.push(`${set.inputs.metadata.name}-${ordinal}`);
    }
    assert.strictEqual(new Set(labels).size, labels.length);
  });

  it("runs exactly one compactor for the region's bucket", () => {
    const compactors = statefulSets.filter((s) => podSpec(s).containers.some((c: any) => c.args?.[0] === "compact"));
    assert.strictEqual(compactors.length, 1);
    assert.strictEqual(compactors[0].inputs.spec.replicas, 1);
    const deployments = ofType(resources, "kubernetes:apps/v1:Deployment");
    assert.ok(!deployments.some((d) => podSpec(d).containers.some((c: any) => c.args?.[0] === "compact")));
  });

  it("keeps Prometheus min and max block durations equal while the sidecar uploads", () => {
    for (const set of prometheusSets()) {
      const args = containerOf(set, "prometheus").args;
      assert.strictEqual(arg(args, "--storage.tsdb.min-block-duration"), "2h");
      assert.strictEqual(
        arg(args, "--storage.tsdb.max-block-duration"),
        arg(args, "--storage.tsdb.min-block-duration"),
      );
    }
  });

  it("has a PodDisruptionBudget for every workload with more than one replica", () => {
    const budgets = ofType(resources, "kubernetes:policy/v1:PodDisruptionBudget");
    const ha = [...statefulSets, ...ofType(resources, "kubernetes:apps/v1:Deployment")].filter(
      (w) => w.inputs.spec.replicas > 1,
    );
    assert.ok(ha.length >= 5, "4 shards and the store gateway");
    for (const w of ha) {
      const podLabels = w.inputs.spec.template.metadata.labels;
      const budget = budgets.find((b) =>
        Object.entries(b.inputs.spec.selector.matchLabels).every(([k, v]) => podLabels[k] === v),
      );
      assert.ok(budget, `PDB for ${w.inputs.metadata.name}`);
      assert.strictEqual(budget.inputs.spec.maxUnavailable, 1);
    }
  });

  it("governs every StatefulSet by a headless Service selecting its pods, so each pod has its own DNS name", () => {
    const services = ofType(resources, "kubernetes:core/v1:Service");
    for (const set of statefulSets) {
      const governing = services.find((s) => s.inputs.metadata.name === set.inputs.spec.serviceName);
      assert.ok(governing, `${set.inputs.metadata.name}: no Service named ${set.inputs.spec.serviceName}`);
      assert.strictEqual(
        governing.inputs.spec.clusterIP,
        "None",
        `${set.inputs.metadata.name}: ${governing.inputs.metadata.name} is not headless`,
      );
      const podLabels = set.inputs.spec.template.metadata.labels;
      assert.ok(
        Object.entries(governing.inputs.spec.selector).every(([k, v]) => podLabels[k] === v),
        `${governing.inputs.metadata.name} selects ${set.inputs.metadata.name}'s pods`,
      );
    }
    // The gateway still reaches any store gateway through one ClusterIP Service.
    assert.strictEqual(
      k8sNamed(resources, "kubernetes:core/v1:Service", NAMES.storeGateway).inputs.spec.clusterIP,
      undefined,
    );
  });

  it("points every sidecar's objstore at this region's bucket", () => {
    const objstore = objstoreFile(resources);
    assert.deepStrictEqual(objstore, {
      type: "S3",
      config: { bucket: BUCKET, endpoint: "s3.us-east-1.amazonaws.com", region: "us-east-1", aws_sdk_auth: true },
    });
    for (const set of prometheusSets()) {
      const sidecar = containerOf(set, "thanos-sidecar");
      assert.strictEqual(arg(sidecar.args, "--objstore.config-file"), PATHS.objstoreFile);
      const mount = sidecar.volumeMounts.find((m: any) => m.mountPath === PATHS.objstoreDir);
      const volume = podSpec(set).volumes.find((v: any) => v.name === mount.name);
      assert.strictEqual(volume.secret.secretName, "thanos-objstore");
      assert.strictEqual(podSpec(set).serviceAccountName, NAMES.prometheusServiceAccount);
    }
  });

  it("gives each bucket ServiceAccount its own identity, and the store gateway and the compactor each their own ServiceAccount", () => {
    for (const account of [
      NAMES.prometheusServiceAccount,
      NAMES.storeGatewayServiceAccount,
      NAMES.compactorServiceAccount,
    ]) {
      assert.deepStrictEqual(
        k8sNamed(resources, "kubernetes:core/v1:ServiceAccount", account).inputs.metadata.annotations,
        IDENTITY(account),
      );
    }
    assert.strictEqual(
      podSpec(k8sNamed(resources, "kubernetes:apps/v1:StatefulSet", NAMES.storeGateway)).serviceAccountName,
      NAMES.storeGatewayServiceAccount,
    );
    assert.strictEqual(
      podSpec(k8sNamed(resources, "kubernetes:apps/v1:StatefulSet", NAMES.compactor)).serviceAccountName,
      NAMES.compactorServiceAccount,
    );
  });

  it("hardens every container: pinned image, requests and memory limit, non-root, read-only root filesystem", () => {
    const pinned = new Set<string>(Object.values(IMAGES));
    const workloads = [
      ...statefulSets,
      ...ofType(resources, "kubernetes:apps/v1:Deployment"),
      ...ofType(resources, "kubernetes:apps/v1:DaemonSet"),
    ];
    assert.strictEqual(
      workloads.length,
      4 + 2 + 1 + 1 + 1,
      "4 shards, the store gateway and compactor, kube-state-metrics, node-exporter, the gateway",
    );
    for (const w of workloads) {
      assert.strictEqual(podSpec(w).securityContext.runAsNonRoot, true);
      for (const c of [...podSpec(w).containers, ...(podSpec(w).initContainers ?? [])]) {
        const where = `${w.inputs.metadata.name}/${c.name}`;
        assert.ok(pinned.has(c.image), `${where}: ${c.image}`);
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, where);
        assert.strictEqual(c.securityContext.readOnlyRootFilesystem, true, where);
        assert.strictEqual(c.securityContext.allowPrivilegeEscalation, false, where);
      }
    }
  });

  it("spreads Prometheus and the store gateway over zones and keeps replicas off each other's node", () => {
    for (const set of [
      ...prometheusSets(),
      k8sNamed(resources, "kubernetes:apps/v1:StatefulSet", NAMES.storeGateway),
    ]) {
      const spec = podSpec(set);
      assert.strictEqual(spec.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
      assert.ok(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.length > 0);
    }
    assert.ok(k8sNamed(resources, "kubernetes:apps/v1:StatefulSet", NAMES.storeGateway).inputs.spec.replicas >= 2);
  });

  it("admits the gateway's federation and StoreAPI ports from its load balancer only, the pods' from the gateway only, metrics ports from the region's Prometheus only", () => {
    const policies = ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    const deny = k8sNamed(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "default-deny").inputs.spec;
    assert.deepStrictEqual(deny, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    const ingressOf = (name: string) =>
      k8sNamed(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", name).inputs.spec.ingress as any[];
    const source = (rule: any) =>
      rule.from.every((peer: any) => peer.ipBlock)
        ? "load-balancer"
        : rule.from.map((peer: any) => peer.podSelector?.matchLabels?.["app.kubernetes.io/name"]).join(",");
    const ports = (rules: any[], from: string) =>
      rules
        .filter((r) => source(r) === from)
        .flatMap((r) => r.ports.map((p: any) => p.port))
        .sort();
    assert.deepStrictEqual(
      ports(ingressOf(GATEWAY.name), "load-balancer"),
      [GATEWAY_PORTS.federation, GATEWAY_PORTS.storeApi].sort(),
    );
    assert.deepStrictEqual(ports(ingressOf(GATEWAY.name), "prometheus"), [GATEWAY_PORTS.metrics]);
    assert.deepStrictEqual(
      ports(ingressOf("prometheus"), GATEWAY.name),
      [PORTS.prometheusWeb, PORTS.thanosGrpc].sort(),
    );
    assert.deepStrictEqual(
      ports(ingressOf("prometheus"), "load-balancer"),
      [],
      "no Prometheus pod is reached from outside but through the gateway",
    );
    assert.deepStrictEqual(ports(ingressOf(NAMES.storeGateway), GATEWAY.name), [PORTS.thanosGrpc]);
    assert.deepStrictEqual(ports(ingressOf(NAMES.storeGateway), "prometheus"), [PORTS.thanosHttp]);
    assert.deepStrictEqual(ports(ingressOf(NAMES.storeGateway), "load-balancer"), []);
    assert.deepStrictEqual(ports(ingressOf(NAMES.compactor), "load-balancer"), []);
    for (const policy of policies.filter((p) => p.inputs.spec.ingress)) {
      for (const rule of policy.inputs.spec.ingress) {
        assert.ok(rule.from?.length > 0, `${policy.inputs.metadata.name}: every ingress rule names its sources`);
        assert.ok(
          !rule.from.some((peer: any) => peer.podSelector && Object.keys(peer.podSelector).length === 0),
          `${policy.inputs.metadata.name}: not the whole namespace`,
        );
      }
    }
  });

  it("runs the region gateway as two spread, hardened HAProxy replicas with a PDB, its config rolled into the pods, scraped on its metrics port", () => {
    const deployment = k8sNamed(resources, "kubernetes:apps/v1:Deployment", GATEWAY.name).inputs;
    assert.strictEqual(deployment.spec.replicas, 2);
    const pod = deployment.spec.template.spec;
    assert.strictEqual(pod.containers[0].image, IMAGES.haproxy);
    assert.strictEqual(pod.automountServiceAccountToken, false);
    assert.ok(
      pod.topologySpreadConstraints.some(
        (c: any) => c.topologyKey === "topology.kubernetes.io/zone" && c.whenUnsatisfiable === "DoNotSchedule",
      ),
    );
    assert.ok(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.length > 0);
    assert.strictEqual(pod.containers[0].readinessProbe.httpGet.port, GATEWAY_PORTS.metrics);
    // Ready while it reaches a backend, alive while HAProxy answers: losing every backend restarts nothing.
    assert.strictEqual(pod.containers[0].readinessProbe.httpGet.path, GATEWAY_READY_PATH);
    assert.strictEqual(pod.containers[0].livenessProbe.httpGet.path, GATEWAY_HEALTH_PATH);
    const annotations = deployment.spec.template.metadata.annotations;
    assert.strictEqual(annotations["prometheus.io/port"], String(GATEWAY_PORTS.metrics));
    assert.match(annotations["checksum/config"], /^[0-9a-f]{64}$/);
    const pdb = k8sNamed(resources, "kubernetes:policy/v1:PodDisruptionBudget", GATEWAY.name).inputs;
    assert.deepStrictEqual(pdb.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
    assert.deepStrictEqual(deployment.spec.selector.matchLabels, component.gatewaySelector);
    const config = k8sNamed(resources, "kubernetes:core/v1:ConfigMap", GATEWAY.name).inputs.data["haproxy.cfg"];
    for (const pod of component.prometheusPods)
      assert.ok(
        config.includes(`use_backend federate-${pod.podName} if { path /${pod.podName}/federate }`),
        pod.podName,
      );
  });

  it("serves Prometheus over HTTPS with basic auth and Thanos gRPC with mutual TLS from the region's certificates", async () => {
    const secret = revealed(k8sNamed(resources, "kubernetes:core/v1:Secret", "prometheus-secrets").inputs.stringData);
    const web = YAML.parse(secret["web-config.yaml"]);
    assert.deepStrictEqual(Object.keys(web.basic_auth_users), ["federation"]);
    assert.match(web.basic_auth_users.federation, /^\$2/);
    assert.strictEqual(web.tls_server_config.cert_file, PATHS.tlsCertFile);
    const tls = revealed(k8sNamed(resources, "kubernetes:core/v1:Secret", "regional-tls").inputs.stringData);
    assert.deepStrictEqual(Object.keys(tls).sort(), ["ca.crt", "tls.crt", "tls.key"]);
    assert.strictEqual(tls["ca.crt"], await resolved(component.tlsCaCert));
    for (const set of [
      ...prometheusSets(),
      k8sNamed(resources, "kubernetes:apps/v1:StatefulSet", NAMES.storeGateway),
    ]) {
      const thanos = podSpec(set).containers.find((c: any) => c.image === IMAGES.thanos);
      assert.strictEqual(arg(thanos.args, "--grpc-server-tls-client-ca"), PATHS.tlsCaFile, set.inputs.metadata.name);
    }
  });

  it("keeps passwords out of ConfigMaps and exports the credentials as secrets", async () => {
    const password = await resolved(component.federationPassword);
    const alerting = await resolved(component.alertingPassword);
    for (const map of ofType(resources, "kubernetes:core/v1:ConfigMap")) {
      const text = JSON.stringify(map.inputs.data);
      assert.ok(!text.includes(password) && !text.includes(alerting), map.inputs.metadata.name);
    }
    assert.match(
      await resolved(component.alertingPasswordHash),
      /^\$2[aby]?\$\d\d\$/,
      "the global Alertmanagers get a bcrypt hash",
    );
    for (const output of [
      component.federationPassword,
      component.alertingPassword,
      component.alertingCaKey,
      component.storeApiClientKey,
      component.storeApiClientCert,
    ]) {
      assert.strictEqual(await (output as unknown as { isSecret: Promise<boolean> }).isSecret, true);
    }
  });

  it("mounts the global tier's Alertmanager targets as optional, and exposes its selectors and ports", () => {
    for (const set of prometheusSets()) {
      const volume = podSpec(set).volumes.find(
        (v: any) => v.configMap?.name === component.alertmanagerTargetsConfigMap,
      );
      assert.deepStrictEqual(volume.configMap, { name: NAMES.alertmanagerTargetsConfigMap, optional: true });
      const labels = set.inputs.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(component.prometheusSelector)) assert.strictEqual(labels[k], v);
    }
    const storeLabels = k8sNamed(resources, "kubernetes:apps/v1:StatefulSet", NAMES.storeGateway).inputs.spec.template
      .metadata.labels;
    for (const [k, v] of Object.entries(component.storeGatewaySelector)) assert.strictEqual(storeLabels[k], v);
    assert.strictEqual(component.federationPort, 9090);
    assert.strictEqual(component.storeApiPort, 10901);
    assert.strictEqual(component.tlsServerName, "us-east.monitoring.internal");
  });
});

describe("RegionalMonitoring under mocks (eu-west on GCS, 1 shard x 3 replicas)", function () {
  this.timeout(60_000);

  it("runs 3 distinct Prometheus pods, one compactor and sidecars on the region's GCS bucket", async () => {
    const { resources, component } = await deploy("eu-west", gcsLocation("eu-west-thanos-blocks"), 1, 3);
    const sets = ofType(resources, "kubernetes:apps/v1:StatefulSet");
    const prometheus = sets.filter((s) => s.inputs.metadata.name.startsWith("prometheus-shard-"));
    assert.deepStrictEqual(
      prometheus.map((s) => [s.inputs.metadata.name, s.inputs.spec.replicas]),
      [["prometheus-shard-0", 3]],
    );
    assert.deepStrictEqual(
      component.prometheusPods.map((p) => p.podName),
      ["prometheus-shard-0-0", "prometheus-shard-0-1", "prometheus-shard-0-2"],
    );
    assert.strictEqual(
      sets.filter((s) => s.inputs.spec.template.spec.containers.some((c: any) => c.args?.[0] === "compact")).length,
      1,
    );
    const objstore = objstoreFile(resources);
    assert.deepStrictEqual(objstore, { type: "GCS", config: { bucket: "eu-west-thanos-blocks" } });
    const config = YAML.parse(
      k8sNamed(resources, "kubernetes:core/v1:ConfigMap", "prometheus-shard-0-config").inputs.data[
        "prometheus.yaml.tmpl"
      ],
    );
    assert.deepStrictEqual(config.global.external_labels, {
      region: "eu-west",
      cloud: "gcp",
      cluster: "eu-west-monitoring",
      shard: "0",
      [REPLICA_LABEL]: "$(POD_NAME)",
    });
  });
});

describe("RegionalMonitoring under mocks (scaled down from 3 shards to 2, shard 2 retiring)", function () {
  this.timeout(60_000);
  let resources: MockedResource[];
  let component: RegionalMonitoring;
  const configOf = (shard: number) =>
    YAML.parse(
      k8sNamed(resources, "kubernetes:core/v1:ConfigMap", `prometheus-shard-${shard}-config`).inputs.data[
        "prometheus.yaml.tmpl"
      ],
    );
  const keptShare = (shard: number) =>
    configOf(shard)
      .scrape_configs.flatMap((j: any) => j.relabel_configs ?? [])
      .filter((r: any) => r.action === "keep" && r.source_labels?.[0] === "__tmp_hash")
      .map((r: any) => r.regex);

  before(async () => {
    ({ resources, component } = await deploy("us-east", s3Location(BUCKET, "us-east-1"), 2, 2, [2]));
  });

  it("keeps the retiring shard's StatefulSet, its volumes and PDB, marked retiring on the StatefulSet alone (no pod restarts)", () => {
    const sets = ofType(resources, "kubernetes:apps/v1:StatefulSet").filter((s) =>
      s.inputs.metadata.name.startsWith("prometheus-shard-"),
    );
    assert.deepStrictEqual(
      sets.map((s) => [
        s.inputs.metadata.name,
        s.inputs.metadata.annotations[SHARD_STATE_ANNOTATION],
        s.inputs.spec.replicas,
      ]),
      [
        ["prometheus-shard-0", "active", 2],
        ["prometheus-shard-1", "active", 2],
        ["prometheus-shard-2", "retiring", 2],
      ],
    );
    const retiring = sets[2].inputs.spec;
    assert.deepStrictEqual(
      retiring.volumeClaimTemplates.map((v: any) => v.metadata.name),
      ["data"],
      "its head and blocks stay on its volume",
    );
    assert.strictEqual(retiring.template.metadata.annotations[SHARD_STATE_ANNOTATION], undefined);
    k8sNamed(resources, "kubernetes:policy/v1:PodDisruptionBudget", "prometheus-shard-2");
  });

  it("splits the targets over the active shards only: the retiring one drops every sharded job's targets", () => {
    assert.deepStrictEqual([...new Set(keptShare(0))], ["0"]);
    assert.deepStrictEqual([...new Set(keptShare(1))], ["1"]);
    assert.ok(
      configOf(0)
        .scrape_configs.flatMap((j: any) => j.relabel_configs ?? [])
        .some((r: any) => r.action === "hashmod" && r.modulus === 2),
      "the active shards hash modulo 2",
    );
    assert.deepStrictEqual(keptShare(2), []);
    assert.ok(
      configOf(2).scrape_configs.some((j: any) =>
        (j.relabel_configs ?? []).some((r: any) => r.action === "drop" && r.regex === ".*"),
      ),
    );
    assert.strictEqual(configOf(2).global.external_labels.shard, "2");
  });

  it("keeps the retiring pods behind the gateway, so Thanos Query reads their heads until their blocks are in the bucket", () => {
    assert.deepStrictEqual(
      component.prometheusPods.filter((p) => p.shard === 2).map((p) => p.podName),
      ["prometheus-shard-2-0", "prometheus-shard-2-1"],
    );
    const config = k8sNamed(resources, "kubernetes:core/v1:ConfigMap", GATEWAY.name).inputs.data["haproxy.cfg"];
    assert.ok(config.includes("prometheus-shard-2-1"), "the gateway routes the retiring pods' StoreAPI and /federate");
  });
});
