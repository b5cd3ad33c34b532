import * as assert from "node:assert";
import { onCloud } from "../../components/cloud";
import { resolved, settled } from "../harness/mocks";
import { stackConfig, useCloudMocks } from "../harness/cloud-mocks";

describe("cloud layer: two regions side by side", () => {
  const registered = useCloudMocks("regions");
  // Two AWS stacks in one program (as a preview of both would see them): nothing may collide.
  const usEast = stackConfig("us-east");
  const other = stackConfig("us-east", {
    namePrefix: "us-east-canary",
    region: "us-east-2",
    cluster: { apiAllowedCidrs: ["198.51.100.0/24"], vpcCidr: "10.40.0.0/16" },
  });

  before(async () => {
    for (const config of [usEast, other]) {
      const cluster = onCloud(config, (cloud) => {
        const made = { cluster: cloud.cluster(), bucket: cloud.bucket({ purpose: "thanos" }) };
        cloud.bucketIdentity({
          purpose: "thanos",
          access: "read",
          ...made,
          serviceAccounts: [{ namespace: "monitoring", name: "thanos" }],
        });
        return made.cluster;
      });
      await resolved(cluster.kubeconfig);
    }
    await settled();
  });

  it("gives no two resources the same type and name", () => {
    const seen = new Map<string, number>();
    for (const r of registered) seen.set(`${r.type}::${r.name}`, (seen.get(`${r.type}::${r.name}`) ?? 0) + 1);
    assert.deepStrictEqual(
      [...seen].filter(([, n]) => n > 1),
      [],
    );
  });

  it("leaves globally unique cloud names (buckets, IAM roles, KMS keys) to auto-naming", () => {
    for (const r of registered.filter((x) => ["aws:s3/bucket:Bucket", "aws:iam/role:Role"].includes(x.type))) {
      assert.strictEqual(r.inputs.bucket ?? r.inputs.name, undefined, `${r.type} ${r.name} has a fixed name`);
    }
  });

  it("gives each stack its own provider in its own region", () => {
    const providers = registered.filter((r) => r.type === "pulumi:providers:aws");
    assert.deepStrictEqual(providers.map((p) => [p.name, p.inputs.region]).sort(), [
      ["us-east-aws", "us-east-1"],
      ["us-east-canary-aws", "us-east-2"],
    ]);
  });
});
