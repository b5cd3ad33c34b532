import * as assert from "node:assert";
import { bucketAccessPolicy, irsaTrustPolicy, issuerHost, tlsOnlyBucketPolicy } from "../../builders/cloud/aws-iam";
import { BUCKET_ACCESS, gcsBucketRoles } from "../../builders/cloud/bucket-access";
import { gcpServiceAccountId, workloadIdentityMember } from "../../builders/cloud/gcp-names";
import { eksExecCredential, gkeExecCredential, kubeconfig } from "../../builders/cloud/kubeconfig";
import { awsSubnetPlan, gkeAddressPlan, hostCidrs } from "../../builders/cloud/network";
import { s3Location } from "../../builders/cloud/object-store";
import { perZoneScaling } from "../../builders/cloud/scaling";
import { requireServiceAccounts } from "../../builders/cloud/service-accounts";
import { requireMatchingMinor } from "../../builders/cloud/cluster-autoscaler";

describe("cloud builders", () => {
  describe("cluster autoscaler", () => {
    it("refuses a release made for another Kubernetes minor than the cluster's", () => {
      assert.doesNotThrow(() => requireMatchingMinor("1.33.0", "1.33"));
      assert.throws(
        () => requireMatchingMinor("1.33.0", "1.34"),
        /cluster autoscaler 1\.33\.0 .* supports Kubernetes 1\.33, but cluster\.kubernetesVersion is 1\.34/,
      );
    });
  });

  describe("kubeconfig", () => {
    const endpoint = { clusterName: "us-east-monitoring", endpoint: "203.0.113.10", certificateAuthorityData: "Q0E=" };

    it("points one context at the cluster over https and authenticates through the exec plugin only", () => {
      const doc = kubeconfig(endpoint, gkeExecCredential());
      assert.strictEqual(doc.clusters[0].cluster.server, "https://203.0.113.10");
      assert.strictEqual(doc["current-context"], "us-east-monitoring");
      assert.deepStrictEqual(doc.contexts[0].context, { cluster: "us-east-monitoring", user: "us-east-monitoring" });
      assert.deepStrictEqual(Object.keys(doc.users[0].user), ["exec"]);
    });

    it("keeps an endpoint that already carries its scheme", () => {
      const doc = kubeconfig(
        { ...endpoint, endpoint: "https://abc.gr7.us-east-1.eks.amazonaws.com" },
        eksExecCredential("c", "us-east-1"),
      );
      assert.strictEqual(doc.clusters[0].cluster.server, "https://abc.gr7.us-east-1.eks.amazonaws.com");
    });

    it("asks aws-cli for a token of the named cluster in its region", () => {
      const exec = eksExecCredential("eu-monitoring", "eu-west-1");
      assert.strictEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.deepStrictEqual(exec.args, [
        "eks",
        "get-token",
        "--cluster-name",
        "eu-monitoring",
        "--region",
        "eu-west-1",
        "--output",
        "json",
      ]);
    });
  });

  describe("IAM documents", () => {
    const trust = irsaTrustPolicy({
      oidcProviderArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
      issuerHost: issuerHost("https://oidc.eks.us-east-1.amazonaws.com/id/ABC"),
      serviceAccounts: [{ namespace: "monitoring", name: "thanos" }],
    });

    it("IRSA trust names the service account exactly (StringEquals) and the STS audience", () => {
      assert.deepStrictEqual(trust.Statement[0].Condition, {
        StringEquals: {
          "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": ["system:serviceaccount:monitoring:thanos"],
          "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
        },
      });
      assert.ok(!JSON.stringify(trust).includes("StringLike"));
    });

    it("bucket access never reaches beyond the bucket and its key", () => {
      for (const access of BUCKET_ACCESS) {
        const policy = bucketAccessPolicy({
          bucketArn: "arn:aws:s3:::b",
          kmsKeyArn: "arn:aws:kms:us-east-1:1:key/k",
          access,
        });
        const resources = policy.Statement.flatMap((s) => [s.Resource].flat());
        assert.deepStrictEqual(
          resources,
          ["arn:aws:s3:::b", "arn:aws:s3:::b/*", "arn:aws:kms:us-east-1:1:key/k"],
          access,
        );
        assert.ok(
          policy.Statement.flatMap((s) => [s.Action].flat()).every((a) => !a.endsWith("*")),
          access,
        );
      }
    });

    it("only the compactor's access deletes; the store gateway's only reads; the sidecars' writes without deleting", () => {
      const actions = (access: (typeof BUCKET_ACCESS)[number]) =>
        bucketAccessPolicy({ bucketArn: "arn:aws:s3:::b", kmsKeyArn: "k", access })
          .Statement.flatMap((s) => [s.Action].flat())
          .sort();
      assert.deepStrictEqual(actions("read"), ["kms:Decrypt", "s3:GetObject", "s3:ListBucket"]);
      assert.deepStrictEqual(actions("write"), [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
      ]);
      assert.deepStrictEqual(actions("delete"), [
        "kms:Decrypt",
        "kms:GenerateDataKey",
        "s3:DeleteObject",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
      ]);
      assert.deepStrictEqual(gcsBucketRoles("read"), ["roles/storage.objectViewer"]);
      assert.deepStrictEqual(gcsBucketRoles("write"), ["roles/storage.objectViewer", "roles/storage.objectCreator"]);
      assert.deepStrictEqual(gcsBucketRoles("delete"), ["roles/storage.objectAdmin"]);
    });

    it("the TLS-only bucket policy denies insecure transport on the bucket and its objects", () => {
      const [deny] = tlsOnlyBucketPolicy("arn:aws:s3:::b").Statement;
      assert.strictEqual(deny.Effect, "Deny");
      assert.deepStrictEqual(deny.Resource, ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
      assert.deepStrictEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
    });
  });

  describe("service accounts a cloud identity trusts", () => {
    it("must be at least one, valid and distinct", () => {
      assert.throws(() => requireServiceAccounts("thanos", []), /at least one/);
      assert.throws(
        () => requireServiceAccounts("thanos", [{ namespace: "Monitoring", name: "thanos" }]),
        /namespace 'Monitoring'/,
      );
      assert.throws(
        () =>
          requireServiceAccounts("thanos", [
            { namespace: "monitoring", name: "thanos" },
            { namespace: "monitoring", name: "thanos" },
          ]),
        /listed twice/,
      );
      assert.strictEqual(requireServiceAccounts("thanos", [{ namespace: "monitoring", name: "thanos" }]).length, 1);
    });

    it("map to the Workload Identity member of the project's pool", () => {
      assert.strictEqual(
        workloadIdentityMember("p-1.svc.id.goog", { namespace: "monitoring", name: "thanos" }),
        "serviceAccount:p-1.svc.id.goog[monitoring/thanos]",
      );
    });
  });

  describe("Google service account IDs", () => {
    const valid = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;

    it("keep a short prefix readable", () => {
      assert.strictEqual(gcpServiceAccountId("eu-west", "thanos"), "eu-west-thanos");
    });

    it("stay within 30 characters and distinct for long prefixes that share a beginning", () => {
      const a = gcpServiceAccountId("europe-west-production-monitoring-a", "thanos");
      const b = gcpServiceAccountId("europe-west-production-monitoring-b", "thanos");
      assert.match(a, valid);
      assert.match(b, valid);
      assert.notStrictEqual(a, b);
      assert.ok(a.endsWith("-thanos"));
    });
  });

  describe("address plans", () => {
    it("give every AWS zone its own private /19 and public /24 inside the VPC", () => {
      const plan = awsSubnetPlan("10.10.0.0/16", ["us-east-1a", "us-east-1b", "us-east-1c"]);
      assert.deepStrictEqual(
        plan.map((z) => z.privateCidr),
        ["10.10.0.0/19", "10.10.32.0/19", "10.10.64.0/19"],
      );
      assert.deepStrictEqual(
        plan.map((z) => z.publicCidr),
        ["10.10.192.0/24", "10.10.193.0/24", "10.10.194.0/24"],
      );
      assert.throws(() => awsSubnetPlan("10.10.0.0/16", ["a", "b", "c", "d", "e", "f", "g"]), /at most 6/);
      assert.throws(() => awsSubnetPlan("192.168.0.0/16", ["a", "b", "c"]), /private \/16/);
    });

    it("keep GKE nodes, pods and services apart inside the /16", () => {
      const plan = gkeAddressPlan("10.20.0.0/16");
      assert.deepStrictEqual(
        [plan.nodesCidr, plan.servicesCidr, plan.podsCidr],
        ["10.20.0.0/20", "10.20.16.0/20", "10.20.128.0/17"],
      );
    });

    it("write egress addresses as /32 CIDRs", () => {
      assert.deepStrictEqual(hostCidrs(["198.51.100.1"]), ["198.51.100.1/32"]);
    });
  });

  it("splits the cluster's node bounds over the zones, rounding up", () => {
    assert.deepStrictEqual(perZoneScaling({ machineType: "m", minNodes: 3, maxNodes: 6, diskGiB: 100 }, 3), {
      minSize: 1,
      desiredSize: 1,
      maxSize: 2,
    });
    assert.deepStrictEqual(perZoneScaling({ machineType: "m", minNodes: 4, maxNodes: 4, diskGiB: 100 }, 3), {
      minSize: 2,
      desiredSize: 2,
      maxSize: 2,
    });
  });

  it("locates an S3 bucket by its regional endpoint", () => {
    assert.deepStrictEqual(s3Location("b", "eu-west-1"), {
      type: "S3",
      bucket: "b",
      region: "eu-west-1",
      endpoint: "s3.eu-west-1.amazonaws.com",
    });
  });
});
