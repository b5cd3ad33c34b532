/**
 * The global stack over us-east in remote-write mode and eu-west in sidecar mode (the outputs each region's own
 * program exports, run in child processes): Thanos Receive with its ingress, hashring, limits and bucket, the
 * Ruler pair and tenant Query that evaluate us-east's rules, Thanos Query over Receive beside eu-west's
 * StoreAPIs, the federation scraping eu-west only, and every command line and file mounted as `npm run render`
 * writes it.
 */
import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import {
  FEDERATION,
  RECEIVE,
  RECEIVE_BUCKET,
  RECEIVE_STORE_ADDRESS,
  RULER,
  THANOS_QUERY,
  receiveEndpointAddresses,
  rulerName,
  rulerQueryName,
  serviceHost,
} from "../../builders/global/layout";
import { GLOBAL_FILES, RULER_RENDERED, rulerFile, rulerRuleFile } from "../../builders/global/render";
import { RECEIVE_REPLICATION_FACTOR, RECEIVE_TENANT_LABEL } from "../../builders/thanos/receive";
import type { GlobalStackConfig } from "../../config";
import { REPO_ROOT } from "../../config/stack-file";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import { type ProgramRun, runProgram } from "../harness/program";
import { ownStackOptions, runOptionsFiles } from "../harness/stacks";
import { tempDir } from "../support/tools";
import {
  datasources,
  federationJobs,
  globalFile,
  onProvider,
  regionProvider,
  withDistinctRegionEgress,
} from "./global-checks";
import { K8S, configOf, containers, fileOf, flag, k8sObject, ofType } from "./graph";

const STACK = "global";
const WRITING = "us-east";
const DIALLED = "eu-west";
/** The run options that put us-east in remote-write mode (the policy pack's tests run the same). */
const REGION_OPTIONS = { [WRITING]: "test/fixtures/remote-write/stack.json" };

describe("stack global over us-east in remote-write mode and eu-west in sidecar mode", () => {
  let run: ProgramRun;
  let regions: Record<string, RegionalOutputs>;
  const config = configOf(STACK) as GlobalStackConfig;

  before(async () => {
    const options = ownStackOptions(STACK, runOptionsFiles(REGION_OPTIONS));
    const stackReferences = withDistinctRegionEgress(options.stackReferences!);
    regions = Object.fromEntries(
      config.regions.map((r) => [r.name, stackReferences[r.stackReference].outputs as RegionalOutputs]),
    );
    assert.strictEqual(regions[WRITING].ingestionMode, "remote-write");
    assert.strictEqual(regions[DIALLED].ingestionMode, undefined);
    run = await runProgram(STACK, { ...options, stackReferences });
  });

  const workload = (type: string, name: string) => k8sObject(run, type, name);
  const container = (type: string, name: string) => containers(workload(type, name))[0];
  const receive = () => workload(K8S.statefulSet, RECEIVE.name);

  it("runs Receive as one hashring of 3+ router-ingestors, each sample written to 3, each pod named in the ring", () => {
    const set = receive();
    assert.ok(set.args.spec.replicas >= 3);
    assert.strictEqual(set.args.spec.replicas, config.receive.replicas);
    assert.strictEqual(set.args.spec.serviceName, RECEIVE.podsService);
    const args: string[] = containers(set)[0].args;
    assert.strictEqual(args[0], "receive");
    assert.strictEqual(flag(args, "receive.replication-factor"), String(RECEIVE_REPLICATION_FACTOR));
    assert.strictEqual(RECEIVE_REPLICATION_FACTOR, 3);
    assert.strictEqual(flag(args, "receive.tenant-certificate-field"), "commonName");
    assert.strictEqual(flag(args, "label"), `${RECEIVE.replicaLabel}="$(POD_NAME)"`);
    assert.ok(containers(set)[0].env.some((e: any) => e.name === "POD_NAME"));
    const local = flag(args, "receive.local-endpoint")!.replace("$(POD_NAME)", `${RECEIVE.name}-0`);
    const hashrings = fileOf(workload(K8S.configMap, `${RECEIVE.name}-config`), "hashrings.json");
    assert.deepStrictEqual(hashrings[0].endpoints, receiveEndpointAddresses(config.receive.replicas));
    assert.ok(hashrings[0].endpoints.includes(local), `${local} is in the hashring`);
    const headless = workload(K8S.service, RECEIVE.podsService);
    assert.strictEqual(headless.args.spec.clusterIP, "None");
    assert.ok(set.args.spec.template.spec.affinity.podAntiAffinity);
    assert.strictEqual(set.args.spec.volumeClaimTemplates[0].spec.accessModes[0], "ReadWriteOnce");
    assert.ok(
      ofType(run, K8S.pdb).some((b) => b.args.metadata.name === RECEIVE.name),
      "Receive has a disruption budget",
    );
  });

  it("admits only us-east's egress addresses to Receive's load balancer, on the remote-write port alone", () => {
    const lb = workload(K8S.service, RECEIVE.ingressService);
    assert.strictEqual(lb.args.spec.type, "LoadBalancer");
    assert.deepStrictEqual(
      lb.args.spec.ports.map((p: any) => p.port),
      [RECEIVE.remoteWritePort],
    );
    assert.deepStrictEqual([...lb.args.spec.loadBalancerSourceRanges].sort(), [...regions[WRITING].egressCidrs].sort());
    assert.match(run.outputs.receiveEndpoint, new RegExp(`:${RECEIVE.remoteWritePort}$`));
  });

  it("limits us-east as a tenant, verifies its agents against its CA, and serves a chain to its alerting CA", () => {
    const limits = fileOf(workload(K8S.configMap, `${RECEIVE.name}-config`), "limits.yaml");
    assert.deepStrictEqual(Object.keys(limits.write.tenants), [WRITING]);
    assert.strictEqual(limits.write.tenants[WRITING].request.series_limit, config.receive.tenantLimits.requestSeries);
    const tls = workload(K8S.secret, `${RECEIVE.name}-tls`);
    assert.strictEqual(tls.args.stringData["clients-ca.crt"].trim(), regions[WRITING].tlsCaCert.trim());
    const certificate = ofType(run, "tls:index/certRequest:CertRequest").find((c) =>
      c.name.endsWith("receive-server-csr"),
    );
    assert.deepStrictEqual(certificate?.args.dnsNames, [RECEIVE.tlsServerName]);
  });

  it("gives Receive a bucket of its own, read by a store gateway pair and exactly one compactor", () => {
    const buckets = ofType(run, "aws:s3/bucket:Bucket");
    assert.strictEqual(buckets.length, 1);
    assert.match(buckets[0].name, /receive/);
    const store = workload(K8S.statefulSet, RECEIVE_BUCKET.storeGateway);
    assert.strictEqual(store.args.spec.replicas, 2);
    assert.strictEqual(containers(store)[0].args[0], "store");
    const compactor = workload(K8S.statefulSet, RECEIVE_BUCKET.compactor);
    assert.strictEqual(compactor.args.spec.replicas, 1);
    assert.strictEqual(containers(compactor)[0].args[0], "compact");
    const objstore = YAML.parse(workload(K8S.secret, `${RECEIVE.name}-objstore`).args.stringData["objstore.yaml"]);
    assert.strictEqual(objstore.type, "S3");
    for (const name of [RECEIVE.name, RECEIVE_BUCKET.storeGateway, RECEIVE_BUCKET.compactor]) {
      const account = workload(K8S.serviceAccount, name);
      assert.ok(account.args.metadata.annotations["eks.amazonaws.com/role-arn"], `${name} has its own bucket identity`);
    }
  });

  it("evaluates us-east's rules in a Ruler pair carrying its labels, over a Query that sees its tenant only", () => {
    const set = workload(K8S.statefulSet, rulerName(WRITING));
    assert.strictEqual(set.args.spec.replicas, RULER.replicas);
    const args: string[] = containers(set)[0].args;
    assert.strictEqual(args[0], "rule");
    const labels = args.filter((a) => a.startsWith("--label="));
    for (const [name, value] of Object.entries(regions[WRITING].externalLabels))
      assert.ok(labels.includes(`--label=${name}="${value}"`), `${name}="${value}" in ${labels.join(" ")}`);
    assert.ok(labels.includes(`--label=${regions[WRITING].replicaLabel}="$(POD_NAME)"`));
    assert.strictEqual(flag(args, "alert.label-drop"), regions[WRITING].replicaLabel);
    const rules = workload(K8S.configMap, `${rulerName(WRITING)}-rules`);
    assert.ok(Object.keys(rules.args.data).includes("recording.yaml"));
    const query: string[] = container(K8S.deployment, rulerQueryName(WRITING)).args;
    assert.ok(query.includes("--query.enforce-tenancy"));
    assert.strictEqual(flag(query, "query.default-tenant-id"), WRITING);
    assert.strictEqual(flag(query, "query.tenant-label-name"), RECEIVE_TENANT_LABEL);
    workload(K8S.service, rulerQueryName(WRITING));
    const endpoints = fileOf(workload(K8S.configMap, `${rulerQueryName(WRITING)}-endpoints`), "endpoints.yaml");
    assert.deepStrictEqual(
      endpoints.endpoints.map((e: any) => e.address),
      receiveEndpointAddresses(config.receive.replicas),
    );
    const alerting = workload(K8S.secret, `${rulerName(WRITING)}-alerting`);
    assert.strictEqual(alerting.args.stringData["alerting-ca.crt"], regions[WRITING].alertingCaCert);
  });

  it("reads Receive and its store gateways beside eu-west's StoreAPIs in Thanos Query, deduplicating on receive_replica", () => {
    const endpoints = fileOf(workload(K8S.configMap, `${THANOS_QUERY.name}-endpoints`), "endpoints.yml");
    const addresses = endpoints.endpoints.map((e: any) => e.address);
    for (const address of [...receiveEndpointAddresses(config.receive.replicas), RECEIVE_STORE_ADDRESS])
      assert.ok(addresses.includes(address), `${address} among ${addresses.join(", ")}`);
    const args: string[] = container(K8S.deployment, THANOS_QUERY.name).args;
    const replicaLabels = args.filter((a) => a.startsWith("--query.replica-label="));
    assert.ok(replicaLabels.includes(`--query.replica-label=${RECEIVE.replicaLabel}`));
    assert.ok(replicaLabels.includes(`--query.replica-label=${FEDERATION.replicaLabel}`));
  });

  it("federates eu-west only and takes us-east's recorded series on its remote-write receiver", () => {
    const jobs = federationJobs(run, config).map((j: any) => j.job_name);
    assert.ok(jobs.some((j: string) => j.includes(DIALLED)));
    assert.ok(!jobs.some((j: string) => j.includes(WRITING)), jobs.join(", "));
    const args: string[] = container(K8S.statefulSet, FEDERATION.name).args;
    assert.ok(args.includes("--web.enable-remote-write-receiver"));
    const remoteWrite = fileOf(workload(K8S.configMap, `${rulerName(WRITING)}-config`), RULER_RENDERED.remoteWrite);
    assert.strictEqual(remoteWrite.remote_write.length, config.federationReplicas);
    // us-east is unreachable when its Rulers' recorded series stop arriving, not when a federate job fails.
    const rules = fileOf(workload(K8S.configMap, `${FEDERATION.name}-rules`), "global.rules.yml");
    const unreachable = rules.groups
      .flatMap((g: any) => g.rules)
      .filter((r: any) => r.alert === "RegionUnreachable" && r.labels.region === WRITING);
    assert.ok(unreachable.length > 0 && unreachable.every((r: any) => !r.expr.includes("federate-")));
  });

  it("gives Grafana a datasource of us-east through its tenant Query, and eu-west's through Thanos Query's stores", () => {
    const byName = Object.fromEntries(datasources(run, config).map((d: any) => [d.name, d]));
    assert.strictEqual(
      byName[`Region ${WRITING}`].url,
      `http://${serviceHost(rulerQueryName(WRITING))}:${RULER.queryHttpPort}`,
    );
    assert.strictEqual(byName[`Region ${WRITING}`].jsonData.customQueryParameters, undefined);
    assert.match(byName[`Region ${DIALLED}`].jsonData.customQueryParameters, /^storeMatch/);
  });

  it("dials nothing in us-east: no load balancer, no StoreAPI alias, no Alertmanager targets there", () => {
    assert.deepStrictEqual(onProvider(run, K8S.service, regionProvider(config, WRITING)), []);
    assert.deepStrictEqual(onProvider(run, K8S.configMap, regionProvider(config, WRITING)), []);
    assert.strictEqual(onProvider(run, K8S.service, regionProvider(config, DIALLED)).length, 1);
  });

  it("admits each new flow by a NetworkPolicy: the load balancer to Receive, Receive to Receive, the Queries to Receive, the Ruler out", () => {
    const policy = (name: string) => workload("kubernetes:networking.k8s.io/v1:NetworkPolicy", name).args.spec;
    const receivePolicy = policy(RECEIVE.name);
    assert.ok(
      receivePolicy.ingress.some((r: any) => r.ports.some((p: any) => p.port === RECEIVE.remoteWritePort)),
      "the remote-write port is admitted",
    );
    const grpc = receivePolicy.ingress.find((r: any) => r.ports.some((p: any) => p.port === RECEIVE.grpcPort));
    const from = grpc.from.map((f: any) => f.podSelector?.matchLabels?.["app.kubernetes.io/name"]).sort();
    assert.deepStrictEqual(from, [RECEIVE.name, rulerQueryName(WRITING), THANOS_QUERY.name].sort());
    const ruler = policy(rulerName(WRITING));
    assert.deepStrictEqual(ruler.ingress, []);
    const peers = ruler.egress.flatMap((r: any) =>
      r.to.map((t: any) => t.podSelector?.matchLabels?.["app.kubernetes.io/name"]),
    );
    for (const peer of [rulerQueryName(WRITING), FEDERATION.name, "alertmanager"])
      assert.ok(peers.includes(peer), peer);
    for (const name of [RECEIVE_BUCKET.storeGateway, RECEIVE_BUCKET.compactor, rulerQueryName(WRITING)]) policy(name);
  });

  it("alerts on Receive's server certificate before it expires", () => {
    const rules = globalFile(run, config, "certificate rules", (c) =>
      JSON.stringify(c).includes("monitoring_certificate_expiry_timestamp_seconds"),
    );
    assert.match(JSON.stringify(rules), /receive-server/);
  });

  it("runs Receive, its bucket's readers, the Ruler and its Query with the command lines and files `npm run render` writes", () => {
    const dir = tempDir("render-global-rw-");
    try {
      const outputs = path.join(dir, `${WRITING}.json`);
      fs.writeFileSync(outputs, JSON.stringify(regions[WRITING]));
      const out = path.join(dir, "out");
      const render = spawnSync(
        process.execPath,
        [path.join(REPO_ROOT, "bin", "scripts", "render.js"), STACK, out, "--outputs", `${WRITING}=${outputs}`],
        { encoding: "utf8" },
      );
      assert.strictEqual(render.status, 0, render.stderr);
      const text = (file: string) => fs.readFileSync(path.join(out, file), "utf8");
      const rendered = (file: string) => YAML.parse(text(file));
      const expected: [string, string, string][] = [
        [GLOBAL_FILES.receiveArgs, K8S.statefulSet, RECEIVE.name],
        [GLOBAL_FILES.receiveStoreArgs, K8S.statefulSet, RECEIVE_BUCKET.storeGateway],
        [GLOBAL_FILES.receiveCompactArgs, K8S.statefulSet, RECEIVE_BUCKET.compactor],
        [rulerFile(WRITING, RULER_RENDERED.args), K8S.statefulSet, rulerName(WRITING)],
        [rulerFile(WRITING, RULER_RENDERED.queryArgs), K8S.deployment, rulerQueryName(WRITING)],
      ];
      for (const [file, type, name] of expected)
        assert.deepStrictEqual(container(type, name).args, rendered(file), `${name} runs ${file}`);
      const receiveConfig = workload(K8S.configMap, `${RECEIVE.name}-config`).args.data;
      assert.strictEqual(receiveConfig["hashrings.json"], text(GLOBAL_FILES.receiveHashrings));
      assert.strictEqual(receiveConfig["limits.yaml"], text(GLOBAL_FILES.receiveLimits));
      const rulerConfig = workload(K8S.configMap, `${rulerName(WRITING)}-config`).args.data;
      for (const name of [RULER_RENDERED.query, RULER_RENDERED.alertmanagers, RULER_RENDERED.remoteWrite])
        assert.strictEqual(rulerConfig[name], text(rulerFile(WRITING, name)), name);
      const rules = workload(K8S.configMap, `${rulerName(WRITING)}-rules`).args.data;
      const ruleDir = path.join(out, rulerRuleFile(WRITING, ""));
      assert.deepStrictEqual(Object.keys(rules).sort(), fs.readdirSync(ruleDir).sort());
      for (const name of Object.keys(rules)) assert.strictEqual(rules[name], text(rulerRuleFile(WRITING, name)));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
