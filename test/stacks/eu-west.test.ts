/**
 * The eu-west stack as a user runs it (Pulumi.eu-west.yaml): a regional private GKE cluster, a private GCS
 * bucket Thanos reaches through Workload Identity, and the regional monitoring workloads.
 */
import * as assert from "assert";
import type { RegionalStackConfig } from "../../config";
import { ProgramRun, runProgram } from "../harness/program";
import { ownStackOptions } from "../harness/stacks";
import { Resource, configOf, named, ofType, only, stackFileApiCidrs } from "./graph";
import { bucketServiceAccounts, describeRegionalStack } from "./regional-checks";

const STACK = "eu-west";

describe("stack eu-west (GCP)", () => {
  let run: ProgramRun;
  const config = configOf(STACK) as RegionalStackConfig;
  const project = config.gcpProject!;
  const one = (type: string): Resource => only(run, type);
  const cluster = () => one("gcp:container/cluster:Cluster").args;
  const bucket = () => one("gcp:storage/bucket:Bucket");
  /** The Google service account the bucket grants object access to. */
  const bucketAccount = () => {
    const grants = ofType(run, "gcp:storage/bucketIAMMember:BucketIAMMember").filter((g) => g.args.bucket === run.outputs.bucketName);
    assert.strictEqual(grants.length, 1, "one identity is granted the bucket");
    const account = ofType(run, "gcp:serviceaccount/account:Account").find((a) => grants[0].args.member === `serviceAccount:${a.state.email}`);
    assert.ok(account, "the grant names a service account of this stack");
    return { grant: grants[0].args, account };
  };

  before(async () => {
    run = await runProgram(STACK, ownStackOptions(STACK));
  });

  describe("GKE cluster", () => {
    it("is regional: control plane in the region, nodes in the configured zones", () => {
      assert.strictEqual(cluster().location, config.region);
      assert.deepStrictEqual(cluster().nodeLocations, [...config.cluster.zones]);
      assert.ok(config.cluster.zones.length >= 3);
      const pools = ofType(run, "gcp:container/nodePool:NodePool");
      assert.ok(pools.length >= 1);
      for (const pool of pools) {
        assert.strictEqual(pool.args.location, config.region);
        assert.deepStrictEqual(pool.args.nodeLocations, [...config.cluster.zones]);
      }
      assert.strictEqual(cluster().removeDefaultNodePool, true);
    });

    it("keeps nodes private, reachable to the API only from the stack file's apiAllowedCidrs", () => {
      assert.strictEqual(cluster().privateClusterConfig.enablePrivateNodes, true);
      const fileCidrs = stackFileApiCidrs(STACK);
      const authorized = cluster().masterAuthorizedNetworksConfig.cidrBlocks.map((b: { cidrBlock: string }) => b.cidrBlock);
      assert.deepStrictEqual(authorized, fileCidrs);
      assert.ok(!authorized.includes("0.0.0.0/0"));
    });

    it("runs Workload Identity on the project's pool and nodes serve it", () => {
      assert.strictEqual(cluster().workloadIdentityConfig.workloadPool, `${project}.svc.id.goog`);
      for (const pool of ofType(run, "gcp:container/nodePool:NodePool")) {
        assert.strictEqual(pool.args.nodeConfig.workloadMetadataConfig.mode, "GKE_METADATA", pool.name);
      }
    });

    it("follows the configured release channel", () => {
      assert.strictEqual(cluster().releaseChannel.channel, config.cluster.releaseChannel);
      assert.ok(["RAPID", "REGULAR", "STABLE"].includes(cluster().releaseChannel.channel));
    });

    it("leaves the private nodes through Cloud NAT on the addresses it exports as egressCidrs", () => {
      const nat = one("gcp:compute/routerNat:RouterNat").args;
      const addresses = ofType(run, "gcp:compute/address:Address");
      assert.strictEqual(nat.natIpAllocateOption, "MANUAL_ONLY");
      assert.deepStrictEqual([...nat.natIps].sort(), addresses.map((a) => a.state.selfLink).sort());
      assert.deepStrictEqual([...run.outputs.egressCidrs].sort(), addresses.map((a) => `${a.state.address}/32`).sort());
    });
  });

  describe("GCS bucket", () => {
    it("is the bucket the stack exports, in the stack's region", () => {
      assert.strictEqual(bucket().state.name, run.outputs.bucketName);
      assert.strictEqual(bucket().args.location, config.region.toUpperCase());
    });

    it("allows IAM only (uniform bucket-level access), enforces public access prevention and keeps versions", () => {
      assert.strictEqual(bucket().args.uniformBucketLevelAccess, true);
      assert.strictEqual(bucket().args.publicAccessPrevention, "enforced");
      assert.strictEqual(bucket().args.versioning.enabled, true);
      assert.ok(bucket().args.lifecycleRules.some((r: any) => r.action.type === "Delete" && r.condition.daysSinceNoncurrentTime > 0));
    });
  });

  describe("bucket identity (Workload Identity)", () => {
    it("grants one Google service account object access on this bucket only", () => {
      const { grant } = bucketAccount();
      assert.strictEqual(grant.role, "roles/storage.objectAdmin");
      const grants = ofType(run, "gcp:storage/bucketIAMMember:BucketIAMMember");
      assert.deepStrictEqual(grants.map((g) => g.args.bucket), [run.outputs.bucketName]);
      const projectGrants = ofType(run, "gcp:projects/iAMMember:IAMMember").filter((g) => g.args.member === grant.member);
      assert.deepStrictEqual(projectGrants, [], "no project-wide role for the bucket identity");
    });

    it("lets exactly the monitoring ServiceAccounts whose pods read the bucket impersonate it", () => {
      const { account } = bucketAccount();
      const bindings = ofType(run, "gcp:serviceaccount/iAMMember:IAMMember").filter((b) => b.args.serviceAccountId === account.state.name);
      assert.ok(bindings.every((b) => b.args.role === "roles/iam.workloadIdentityUser"));
      const readers = bucketServiceAccounts(run).map((sa) => `serviceAccount:${project}.svc.id.goog[${sa.args.metadata.namespace}/${sa.args.metadata.name}]`);
      assert.deepStrictEqual(bindings.map((b) => b.args.member).sort(), readers.sort());
      assert.deepStrictEqual(readers.sort(), [
        `serviceAccount:${project}.svc.id.goog[monitoring/prometheus]`,
        `serviceAccount:${project}.svc.id.goog[monitoring/thanos]`,
      ]);
      assert.strictEqual(ofType(run, "gcp:serviceaccount/key:Key").length, 0, "no service account key exists");
    });

    it("annotates those Kubernetes ServiceAccounts with the Google service account", () => {
      const { account } = bucketAccount();
      for (const sa of bucketServiceAccounts(run)) {
        assert.deepStrictEqual(sa.args.metadata.annotations, { "iam.gke.io/gcp-service-account": account.state.email }, sa.args.metadata.name);
      }
    });
  });

  it("creates the cloud resources with the stack's GCP provider for its project and region", () => {
    const provider = named(run, "pulumi:providers:gcp", `${config.namePrefix}-gcp`);
    assert.strictEqual(provider.args.project, project);
    assert.strictEqual(provider.args.region, config.region);
    const cloud = run.resources.filter((r) => r.type.startsWith("gcp:"));
    assert.ok(cloud.every((r) => r.provider?.includes(`pulumi:providers:gcp::${config.namePrefix}-gcp::`)));
  });

  describeRegionalStack(() => run, () => ({ stack: STACK, config, objstoreType: "GCS" }));
});
