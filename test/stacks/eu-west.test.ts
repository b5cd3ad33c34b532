/**
 * The eu-west stack as a user runs it (Pulumi.eu-west.yaml): a regional private GKE cluster, a private GCS
 * bucket Thanos reaches through Workload Identity, and the regional monitoring workloads.
 */
import * as assert from "node:assert";
import type { RegionalStackConfig } from "../../config";
import { type ProgramRun, runProgram } from "../harness/program";
import { ownStackOptions } from "../harness/stacks";
import { type Resource, configOf, named, ofType, only, stackFileApiCidrs } from "./graph";
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
      const authorized = cluster().masterAuthorizedNetworksConfig.cidrBlocks.map(
        (b: { cidrBlock: string }) => b.cidrBlock,
      );
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
      assert.ok(
        bucket().args.lifecycleRules.some(
          (r: any) => r.action.type === "Delete" && r.condition.daysSinceNoncurrentTime > 0,
        ),
      );
    });
  });

  describe("bucket identities (Workload Identity), one per component", () => {
    /** Each Google service account granted on the bucket, with its roles and the Kubernetes ServiceAccounts that may impersonate it. */
    const bucketAccounts = () => {
      const grants = ofType(run, "gcp:storage/bucketIAMMember:BucketIAMMember");
      assert.ok(
        grants.every((g) => g.args.bucket === run.outputs.bucketName),
        "grants on this bucket only",
      );
      return ofType(run, "gcp:serviceaccount/account:Account")
        .map((account) => ({
          account,
          roles: grants
            .filter((g) => g.args.member === `serviceAccount:${account.state.email}`)
            .map((g) => g.args.role)
            .sort(),
          members: ofType(run, "gcp:serviceaccount/iAMMember:IAMMember").filter(
            (b) => b.args.serviceAccountId === account.state.name,
          ),
        }))
        .filter((a) => a.roles.length > 0);
    };
    const member = (name: string) => `serviceAccount:${project}.svc.id.goog[monitoring/${name}]`;

    it("lets only the compactor delete; the store gateway only reads; the sidecars write", () => {
      const byMember = Object.fromEntries(
        bucketAccounts().map((a) => [a.members.map((m) => m.args.member).join(), a.roles]),
      );
      assert.deepStrictEqual(byMember, {
        [member("prometheus")]: ["roles/storage.objectCreator", "roles/storage.objectViewer"],
        [member("thanos-store")]: ["roles/storage.objectViewer"],
        [member("thanos-compact")]: ["roles/storage.objectAdmin"],
      });
      for (const { account } of bucketAccounts()) {
        const projectGrants = ofType(run, "gcp:projects/iAMMember:IAMMember").filter(
          (g) => g.args.member === `serviceAccount:${account.state.email}`,
        );
        assert.deepStrictEqual(projectGrants, [], "no project-wide role for a bucket identity");
      }
    });

    it("lets exactly one monitoring ServiceAccount impersonate each Google service account", () => {
      const accounts = bucketAccounts();
      for (const { members } of accounts) {
        assert.strictEqual(members.length, 1);
        assert.strictEqual(members[0].args.role, "roles/iam.workloadIdentityUser");
      }
      const readers = bucketServiceAccounts(run).map((sa) => member(sa.args.metadata.name));
      assert.deepStrictEqual(accounts.map((a) => a.members[0].args.member).sort(), [...readers].sort());
      assert.strictEqual(ofType(run, "gcp:serviceaccount/key:Key").length, 0, "no service account key exists");
    });

    it("annotates each of those Kubernetes ServiceAccounts with its own Google service account", () => {
      const accounts = bucketAccounts();
      for (const sa of bucketServiceAccounts(run)) {
        const own = accounts.find((a) => a.members[0].args.member === member(sa.args.metadata.name))!;
        assert.deepStrictEqual(
          sa.args.metadata.annotations,
          { "iam.gke.io/gcp-service-account": own.account.state.email },
          sa.args.metadata.name,
        );
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

  describeRegionalStack(
    () => run,
    () => ({ stack: STACK, config, objstoreType: "GCS" }),
  );
});
