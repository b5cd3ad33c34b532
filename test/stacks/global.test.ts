/**
 * The global stack as a user runs it (Pulumi.global.yaml), reading the outputs us-east and eu-west really
 * export (their own programs run in child processes): its cluster and database, the wiring of each region,
 * the Alertmanager mesh and the stack outputs.
 */
import * as assert from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { ALERTMANAGER, FEDERATION, QUERY_FRONTEND, THANOS_QUERY } from "../../builders/global/layout";
import { GLOBAL_FILES } from "../../builders/global/render";
import { REPO_ROOT } from "../../config/stack-file";
import { tempDir } from "../support/tools";
import type { GlobalStackConfig } from "../../config";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import { type ProgramRun, runProgram } from "../harness/program";
import { ownStackOptions } from "../harness/stacks";
import {
  K8S,
  assertExplicitProviders,
  configOf,
  containers,
  createdAfter,
  flag,
  ofType,
  providerOf,
  workloads,
  stackFileApiCidrs,
} from "./graph";
import { assertGrafanaProvisioning, assertGrafanaSettings } from "./grafana-checks";
import { TEST_SECRETS } from "../harness/stacks";
import {
  alertmanagerPeerServices,
  assertRegionWiring,
  federationJobs,
  globalEgress,
  isSelective,
  loadBalancerAddress,
  withDistinctRegionEgress,
} from "./global-checks";

const STACK = "global";

describe("stack global (AWS), over us-east and eu-west", () => {
  let run: ProgramRun;
  let regions: Record<string, RegionalOutputs>;
  const config = configOf(STACK) as GlobalStackConfig;

  before(async () => {
    const options = ownStackOptions(STACK);
    const stackReferences = withDistinctRegionEgress(options.stackReferences!);
    regions = Object.fromEntries(
      config.regions.map((r) => [r.name, stackReferences[r.stackReference].outputs as RegionalOutputs]),
    );
    run = await runProgram(STACK, { ...options, stackReferences });
  });

  it("runs its own EKS cluster, its API admitted from the stack file's apiAllowedCidrs only", () => {
    const clusters = ofType(run, "aws:eks/cluster:Cluster");
    assert.strictEqual(clusters.length, 1);
    const fileCidrs = stackFileApiCidrs(STACK);
    assert.deepStrictEqual(clusters[0].args.vpcConfig.publicAccessCidrs, fileCidrs);
    assert.strictEqual(clusters[0].args.encryptionConfig.resources[0], "secrets");
    const provider = ofType(run, "pulumi:providers:aws");
    assert.deepStrictEqual(
      provider.map((p) => p.args.region),
      [config.region],
    );
  });

  it("keeps Grafana's database on RDS Multi-AZ, encrypted, backed up for a week or more, protected and private", () => {
    const instances = ofType(run, "aws:rds/instance:Instance");
    assert.strictEqual(instances.length, 1);
    const db = instances[0].args;
    assert.strictEqual(db.multiAz, true);
    assert.strictEqual(db.storageEncrypted, true);
    assert.ok(db.backupRetentionPeriod >= 7, `backups kept ${db.backupRetentionPeriod} days`);
    assert.strictEqual(db.deletionProtection, true);
    assert.strictEqual(db.publiclyAccessible, false);
  });

  it("creates its workloads only after its node groups and the EBS CSI driver", () => {
    const ready = [
      ...ofType(run, "aws:eks/nodeGroup:NodeGroup"),
      ...ofType(run, "aws:eks/addon:Addon").filter((a) => a.args.addonName === "aws-ebs-csi-driver"),
    ];
    assert.strictEqual(ready.length, config.cluster.zones.length + 1);
    const global = [...ofType(run, K8S.statefulSet), ...ofType(run, K8S.deployment)].filter(
      (w) => providerOf(w) === `kubernetes/${config.namePrefix}-k8s` && w.args.metadata.namespace === "monitoring",
    );
    assert.ok(global.length >= 5);
    for (const w of global) {
      for (const target of ready)
        assert.ok(createdAfter(run, w, target), `${w.args.metadata.name} waits for ${target.name}`);
    }
  });

  it("gets every load balancer on AWS, in its own cluster and the regions', from the cloud provider EKS runs (no controller the stacks do not install)", () => {
    const services = ofType(run, K8S.service).filter(
      (s) =>
        s.args.spec.type === "LoadBalancer" &&
        s.args.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-type"] !== undefined,
    );
    // The global cluster's Alertmanagers, Grafana and Query Frontend, and us-east's (EKS) gateway.
    assert.strictEqual(services.length, config.alerting.replicas + 2 + 1);
    for (const service of services) {
      assert.deepStrictEqual(
        service.args.metadata.annotations,
        { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" },
        service.name,
      );
      assert.strictEqual(
        service.args.spec.loadBalancerClass,
        undefined,
        `${service.name}: no class another controller would have to serve`,
      );
    }
  });

  it("keeps the cloud provider's rules for its NLBs within the default security-group quota (60) of every EKS cluster", () => {
    // What the AWS cloud provider adds to the nodes' security group for an NLB Service with source ranges: a
    // rule per range and port, an ICMP (path MTU) rule per distinct range, a health-check rule per subnet
    // (one per zone), on top of the cluster's own self-referencing rule. docs/deploying.md's formulas count the same.
    const nlbs = ofType(run, K8S.service).filter(
      (s) => s.args.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-type"] === "nlb",
    );
    const clusters = [
      { provider: `kubernetes/${config.namePrefix}-k8s`, zones: config.cluster.zones.length },
      { provider: `kubernetes/${config.namePrefix}-us-east-k8s`, zones: configOf("us-east").cluster.zones.length },
    ];
    for (const { provider, zones } of clusters) {
      const services = nlbs.filter((s) => providerOf(s) === provider);
      assert.ok(services.length > 0, provider);
      const ranges = services.map((s) => s.args.spec.loadBalancerSourceRanges as string[]);
      const rules =
        services.reduce((sum, s, i) => sum + s.args.spec.ports.length * ranges[i].length, 0) +
        new Set(ranges.flat()).size +
        services.length * zones +
        1;
      assert.ok(rules <= 60, `${provider}: ${rules} security-group rules`);
    }
  });

  it("creates every resource with an explicit provider", () => {
    assertExplicitProviders(run);
  });

  for (const region of ["us-east", "eu-west"]) {
    it(`wires ${region}: one gateway load balancer in its cluster, targets file, federation job, Query endpoints, datasource`, () => {
      assert.ok(regions[region], `${region} is in the stack file's regions`);
      assertRegionWiring(run, config, region, regions[region]);
    });
  }

  it("admits only its own egress to the regions' endpoints, and every region's egress to the Alertmanagers", () => {
    const own = globalEgress(run);
    assert.ok(own.length > 0);
    const regional = Object.values(regions).flatMap((o) => o.egressCidrs);
    assert.ok(!regional.some((c) => own.includes(c)), "the regions' addresses differ from the global cluster's");
    for (const peer of alertmanagerPeerServices(run, config)) {
      assert.deepStrictEqual(
        [...peer.args.spec.loadBalancerSourceRanges].sort(),
        [...own, ...regional].sort(),
        peer.args.metadata.name,
      );
    }
  });

  it("federates selectively: the selector check rejects a selector that pulls everything", () => {
    assert.ok(!isSelective('{__name__=~".+"}'));
    assert.ok(!isSelective('{__name__=~".*"}'));
    assert.ok(!isSelective('{job="node"}'));
    assert.ok(isSelective('{__name__=~"region:.+"}'));
    assert.deepStrictEqual(
      federationJobs(run, config)
        .map((j) => j.job_name)
        .sort(),
      ["federate-eu-west", "federate-us-east"],
    );
  });

  it("runs an odd Alertmanager mesh of at least three peers that gossip with each other", () => {
    const meshes = ofType(run, K8S.statefulSet).filter((s) => containers(s).some((c) => c.name === "alertmanager"));
    assert.strictEqual(meshes.length, 1);
    const replicas = meshes[0].args.spec.replicas;
    assert.ok(replicas >= 3 && replicas % 2 === 1, `${replicas} peers`);
    const args: string[] = containers(meshes[0]).find((c) => c.name === "alertmanager").args;
    const peers = args.filter((a) => a.startsWith("--cluster.peer=")).map((a) => a.slice("--cluster.peer=".length));
    assert.strictEqual(new Set(peers).size, replicas, "every peer is named");
    assert.ok(flag(args, "cluster.listen-address"));
    assert.strictEqual(alertmanagerPeerServices(run, config).length, replicas, "one load balancer per peer");
  });

  it("provisions Grafana's datasources and every default dashboard where Grafana reads them, each dashboard naming only provisioned datasources", () => {
    assertGrafanaProvisioning(run, config);
  });

  it("sets only settings Grafana documents, its single sign-on's client secret from a Secret", () => {
    assertGrafanaSettings(run, config, TEST_SECRETS.global.grafanaClientSecret);
  });

  it("exports the Grafana and Thanos Query URLs and every Alertmanager endpoint", () => {
    const { outputs } = run;
    assert.strictEqual(outputs.grafanaUrl, `https://${config.grafana.domain}/`);
    assert.match(outputs.thanosQueryUrl, /^https:\/\/[^/]+:\d+$/);
    const peers = alertmanagerPeerServices(run, config)
      .map((s) => `https://${loadBalancerAddress(s)}:9093`)
      .sort();
    assert.deepStrictEqual([...outputs.alertmanagerEndpoints].sort(), peers);
  });

  it("exports the Grafana admin password and its kubeconfig as secrets, and the URLs in the clear", () => {
    for (const name of ["grafanaAdminPassword", "kubeconfig"]) assert.ok(run.secretOutputs.includes(name), name);
    for (const name of ["grafanaUrl", "thanosQueryUrl", "alertmanagerEndpoints"])
      assert.ok(!run.secretOutputs.includes(name), name);
    assert.ok(run.outputs.grafanaAdminPassword.length >= 16);
  });

  it("runs each workload with the command line and the rule files `npm run render` writes for it", () => {
    const dir = tempDir("render-global-");
    try {
      const render = spawnSync(process.execPath, [path.join(REPO_ROOT, "bin", "scripts", "render.js"), STACK, dir], {
        encoding: "utf8",
      });
      assert.strictEqual(render.status, 0, render.stderr);
      const rendered = (file: string) => YAML.parse(fs.readFileSync(path.join(dir, file), "utf8"));
      const argsOf = (workload: string, container: string) =>
        containers(workloads(run).find((w) => w.args.metadata.name === workload)!).find((c) => c.name === container)
          .args;
      const expected: [string, string, string][] = [
        [GLOBAL_FILES.federationArgs, FEDERATION.name, "prometheus"],
        [GLOBAL_FILES.federationSidecarArgs, FEDERATION.name, "thanos-sidecar"],
        [GLOBAL_FILES.alertmanagerArgs, ALERTMANAGER.name, "alertmanager"],
        [GLOBAL_FILES.queryArgs, THANOS_QUERY.name, THANOS_QUERY.name],
        [GLOBAL_FILES.frontendArgs, QUERY_FRONTEND.name, QUERY_FRONTEND.name],
      ];
      for (const [file, workload, container] of expected) {
        assert.deepStrictEqual(argsOf(workload, container), rendered(file), `${workload}/${container} runs ${file}`);
      }
      const mounted = ofType(run, K8S.configMap).find((m) => m.args.metadata.name === `${FEDERATION.name}-rules`)!;
      assert.deepStrictEqual(
        Object.keys(mounted.args.data).sort(),
        fs.readdirSync(path.join(dir, path.dirname(GLOBAL_FILES.federationRules))).sort(),
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
