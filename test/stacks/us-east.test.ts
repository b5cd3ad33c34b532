/**
 * The us-east stack as a user runs it (Pulumi.us-east.yaml): an EKS cluster in its own VPC, a private S3
 * bucket Thanos reaches through IRSA, and the regional monitoring workloads.
 */
import * as assert from "node:assert";
import type { RegionalStackConfig } from "../../config";
import { type ProgramRun, runProgram } from "../harness/program";
import { ownStackOptions } from "../harness/stacks";
import { type Resource, configOf, named, ofType, only, stackFileApiCidrs } from "./graph";
import { bucketServiceAccounts, describeRegionalStack } from "./regional-checks";

const STACK = "us-east";

describe("stack us-east (AWS)", () => {
  let run: ProgramRun;
  const config = configOf(STACK) as RegionalStackConfig;
  const prefix = config.namePrefix;
  const one = (type: string): Resource => only(run, type);
  const policy = (resource: Resource, field: string) => JSON.parse(resource.args[field]);

  before(async () => {
    run = await runProgram(STACK, ownStackOptions(STACK));
  });

  describe("EKS cluster", () => {
    it("runs the configured version with every control-plane log type and KMS-encrypted Secrets", () => {
      const cluster = one("aws:eks/cluster:Cluster").args;
      assert.strictEqual(cluster.version, config.cluster.kubernetesVersion);
      for (const type of ["api", "audit", "authenticator", "controllerManager", "scheduler"])
        assert.ok(cluster.enabledClusterLogTypes.includes(type), type);
      assert.deepStrictEqual(cluster.encryptionConfig.resources, ["secrets"]);
      const key = ofType(run, "aws:kms/key:Key").find((k) => k.state.arn === cluster.encryptionConfig.provider.keyArn);
      assert.ok(key, "Secrets are encrypted with a key of this stack");
      assert.strictEqual(key.args.enableKeyRotation, true);
    });

    it("admits the API only from the stack file's apiAllowedCidrs, and privately", () => {
      const fileCidrs = stackFileApiCidrs(STACK);
      const vpc = one("aws:eks/cluster:Cluster").args.vpcConfig;
      assert.deepStrictEqual(vpc.publicAccessCidrs, fileCidrs);
      assert.ok(!vpc.publicAccessCidrs.includes("0.0.0.0/0"));
      assert.strictEqual(vpc.endpointPrivateAccess, true);
    });

    it("lives in a VPC with public and private subnets in three zones, each zone leaving through its own NAT", () => {
      const vpc = one("aws:ec2/vpc:Vpc");
      assert.strictEqual(vpc.args.cidrBlock, config.cluster.vpcCidr);
      const subnets = ofType(run, "aws:ec2/subnet:Subnet");
      assert.ok(subnets.every((s) => s.args.vpcId === `${vpc.name}-id`));
      const zones = [...new Set(subnets.map((s) => s.args.availabilityZone))].sort();
      assert.deepStrictEqual(zones, [...config.cluster.zones].sort());
      assert.ok(zones.length >= 3);
      const isPrivate = (s: Resource) => s.args.tags?.["kubernetes.io/role/internal-elb"] === "1";
      const nats = ofType(run, "aws:ec2/natGateway:NatGateway");
      const routes = ofType(run, "aws:ec2/routeTable:RouteTable");
      const associations = ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation");
      for (const zone of zones) {
        const inZone = subnets.filter((s) => s.args.availabilityZone === zone);
        const privateSubnet = inZone.find(isPrivate)!;
        const publicSubnet = inZone.find((s) => !isPrivate(s))!;
        assert.ok(privateSubnet && publicSubnet, `${zone}: a public and a private subnet`);
        const nat = nats.find((n) => n.args.subnetId === `${publicSubnet.name}-id`);
        assert.ok(nat, `${zone}: a NAT gateway in the public subnet`);
        const table = associations.find((a) => a.args.subnetId === `${privateSubnet.name}-id`)!.args.routeTableId;
        const defaultRoute = routes
          .find((r) => `${r.name}-id` === table)!
          .args.routes.find((r: any) => r.cidrBlock === "0.0.0.0/0");
        assert.strictEqual(
          defaultRoute.natGatewayId,
          `${nat.name}-id`,
          `${zone}: private subnet leaves through its zone's NAT`,
        );
      }
      const eips = ofType(run, "aws:ec2/eip:Eip").map((e) => `${e.state.publicIp}/32`);
      assert.deepStrictEqual([...run.outputs.egressCidrs].sort(), eips.sort(), "egressCidrs are the NAT addresses");
    });

    it("runs a managed node group per zone in the private subnets", () => {
      const groups = ofType(run, "aws:eks/nodeGroup:NodeGroup");
      assert.strictEqual(groups.length, config.cluster.zones.length);
      const privateSubnetIds = one("aws:eks/cluster:Cluster").args.vpcConfig.subnetIds;
      const used = groups.flatMap((g) => g.args.subnetIds);
      assert.deepStrictEqual([...used].sort(), [...privateSubnetIds].sort());
      for (const g of groups) {
        assert.strictEqual(g.args.clusterName, config.cluster.name);
        assert.ok(
          g.args.scalingConfig.minSize >= 1 && g.args.scalingConfig.maxSize >= g.args.scalingConfig.minSize,
          g.name,
        );
      }
    });

    it("has an OIDC provider for IRSA on the cluster's issuer", () => {
      const cluster = one("aws:eks/cluster:Cluster");
      const oidc = one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").args;
      assert.strictEqual(oidc.url, cluster.state.identities[0].oidcs[0].issuer);
      assert.deepStrictEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
      assert.strictEqual(oidc.thumbprintLists.length, 1);
    });
  });

  describe("S3 bucket", () => {
    const forBucket = (type: string) => {
      const found = ofType(run, type).filter((r) => r.args.bucket === run.outputs.bucketName);
      assert.strictEqual(found.length, 1, `one ${type} for bucket ${run.outputs.bucketName}`);
      return found[0].args;
    };

    it("is the bucket the stack exports", () => {
      assert.strictEqual(one("aws:s3/bucket:Bucket").state.bucket, run.outputs.bucketName);
    });

    it("blocks every kind of public access", () => {
      const block = forBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
      for (const setting of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"])
        assert.strictEqual(block[setting], true, setting);
    });

    it("encrypts with a rotating KMS key and keeps versions", () => {
      const rule = forBucket("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        .rules[0];
      assert.strictEqual(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
      const key = ofType(run, "aws:kms/key:Key").find(
        (k) => k.state.arn === rule.applyServerSideEncryptionByDefault.kmsMasterKeyId,
      );
      assert.strictEqual(key?.args.enableKeyRotation, true);
      assert.strictEqual(
        forBucket("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration.status,
        "Enabled",
      );
    });

    it("refuses requests without TLS", () => {
      const doc = JSON.parse(forBucket("aws:s3/bucketPolicy:BucketPolicy").policy);
      const deny = doc.Statement.find(
        (s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
      );
      assert.ok(deny, "a Deny on aws:SecureTransport=false");
      assert.strictEqual(deny.Principal, "*");
      const arn = one("aws:s3/bucket:Bucket").state.arn;
      assert.deepStrictEqual([...deny.Resource].sort(), [arn, `${arn}/*`].sort());
    });

    it("expires noncurrent versions and aborts abandoned uploads", () => {
      const rules = forBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules.filter(
        (r: any) => r.status === "Enabled",
      );
      assert.ok(rules.some((r: any) => r.noncurrentVersionExpiration?.noncurrentDays > 0));
      assert.ok(rules.some((r: any) => r.abortIncompleteMultipartUpload?.daysAfterInitiation > 0));
    });
  });

  describe("bucket identities (IRSA), one per component", () => {
    const bucketRoles = () => {
      const arn = one("aws:s3/bucket:Bucket").state.arn;
      return ofType(run, "aws:iam/rolePolicy:RolePolicy")
        .filter((p) => JSON.stringify(policy(p, "policy")).includes(arn))
        .map((p) => {
          const role = ofType(run, "aws:iam/role:Role").find((r) => `${r.name}-id` === p.args.role)!;
          const [statement] = policy(role, "assumeRolePolicy").Statement;
          const conditions = statement.Condition.StringEquals;
          const sub = Object.entries(conditions).find(([k]) => k.endsWith(":sub"))![1] as string[];
          const actions = policy(p, "policy")
            .Statement.flatMap((st: any) => [st.Action].flat())
            .filter((a: string) => a.startsWith("s3:"))
            .sort();
          return { role, statement, conditions, sub, actions };
        });
    };

    it("gives each ServiceAccount whose pods use the bucket its own role, which only it can assume", () => {
      const roles = bucketRoles();
      assert.strictEqual(roles.length, 3);
      for (const { statement, conditions, sub } of roles) {
        assert.strictEqual(statement.Action, "sts:AssumeRoleWithWebIdentity");
        assert.strictEqual(
          statement.Principal.Federated,
          one("aws:iam/openIdConnectProvider:OpenIdConnectProvider").state.arn,
        );
        assert.strictEqual(Object.entries(conditions).find(([k]) => k.endsWith(":aud"))![1], "sts.amazonaws.com");
        assert.strictEqual(sub.length, 1, "one ServiceAccount per role");
      }
      const readers = bucketServiceAccounts(run).map(
        (sa) => `system:serviceaccount:${sa.args.metadata.namespace}:${sa.args.metadata.name}`,
      );
      assert.deepStrictEqual(roles.map((r) => r.sub[0]).sort(), [...readers].sort());
    });

    it("lets only the compactor delete; the store gateway only reads; the sidecars write", () => {
      const bySubject = Object.fromEntries(bucketRoles().map((r) => [r.sub[0], r.actions]));
      assert.deepStrictEqual(bySubject, {
        "system:serviceaccount:monitoring:prometheus": ["s3:GetObject", "s3:ListBucket", "s3:PutObject"],
        "system:serviceaccount:monitoring:thanos-store": ["s3:GetObject", "s3:ListBucket"],
        "system:serviceaccount:monitoring:thanos-compact": [
          "s3:DeleteObject",
          "s3:GetObject",
          "s3:ListBucket",
          "s3:PutObject",
        ],
      });
    });

    it("annotates each of those ServiceAccounts in the monitoring namespace with its own role's ARN", () => {
      const namespace = ofType(run, "kubernetes:core/v1:Namespace").map((n) => n.args.metadata.name);
      assert.deepStrictEqual(namespace, ["monitoring"]);
      const roles = bucketRoles();
      for (const sa of bucketServiceAccounts(run)) {
        const own = roles.find((r) => r.sub[0] === `system:serviceaccount:monitoring:${sa.args.metadata.name}`)!;
        assert.deepStrictEqual(
          sa.args.metadata.annotations,
          { "eks.amazonaws.com/role-arn": own.role.state.arn },
          sa.args.metadata.name,
        );
      }
    });
  });

  it("creates the cloud resources with the stack's AWS provider in its region", () => {
    const provider = named(run, "pulumi:providers:aws", `${prefix}-aws`);
    assert.strictEqual(provider.args.region, config.region);
    const cloud = run.resources.filter((r) => r.type.startsWith("aws:"));
    assert.ok(cloud.every((r) => r.provider?.includes(`pulumi:providers:aws::${prefix}-aws::`)));
  });

  describeRegionalStack(
    () => run,
    () => ({ stack: STACK, config, objstoreType: "S3" }),
  );
});
