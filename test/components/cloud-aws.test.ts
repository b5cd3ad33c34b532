import * as assert from "node:assert";
import * as YAML from "yaml";
import type { Cloud, GlobalStackConfig } from "../../config";
import {
  type KubernetesCluster,
  type KubernetesServiceAccountRef,
  type ObjectBucket,
  type BucketIdentity,
  type PostgresDatabase,
  onCloud,
} from "../../components/cloud";
import { IMAGES } from "../../versions";
import {
  type MockedResource,
  isSecret,
  named,
  one,
  ofType,
  resolved,
  settled,
  unwrapSecret,
  waitsFor,
} from "../harness/mocks";
import { onDefaultProviders, stackConfig, useCloudMocks } from "../harness/cloud-mocks";
import { TEST_SECRETS } from "../harness/stacks";

describe("cloud layer on AWS (EKS, S3, IRSA, RDS)", () => {
  const registered = useCloudMocks("global");
  const config = stackConfig("global", {
    ...TEST_SECRETS.global,
  }) as GlobalStackConfig;
  const prefix = config.namePrefix;
  const thanos = { namespace: "monitoring", name: "thanos" };
  let cloud: Cloud;
  let identityFor: (serviceAccounts: readonly KubernetesServiceAccountRef[]) => BucketIdentity;
  let cluster: KubernetesCluster;
  let bucket: ObjectBucket;
  let identity: BucketIdentity;
  let database: PostgresDatabase;

  before(async () => {
    onCloud(config, (platform) => {
      const made = { cluster: platform.cluster(), bucket: platform.bucket({ purpose: "thanos" }) };
      cloud = platform.cloud;
      cluster = made.cluster;
      bucket = made.bucket;
      identityFor = (serviceAccounts) =>
        platform.bucketIdentity({ purpose: "nobody", access: "read", ...made, serviceAccounts });
      identity = platform.bucketIdentity({ purpose: "thanos", access: "delete", ...made, serviceAccounts: [thanos] });
      database = platform.database({ purpose: "grafana", cluster: made.cluster, settings: config.database });
    });
    await resolved(database.host);
    await settled();
  });

  const byName = (type: string, name: string) => named(registered, type, name);
  const policyOf = (r: MockedResource, field = "policy") => JSON.parse(r.inputs[field]);

  it("is the AWS platform for an AWS stack", () => {
    assert.strictEqual(cloud, "aws");
    assert.strictEqual(cluster.cloud, "aws");
  });

  describe("network", () => {
    it("has a public and a private subnet in every configured zone, none giving instances public addresses", () => {
      const subnets = ofType(registered, "aws:ec2/subnet:Subnet");
      assert.strictEqual(subnets.length, 2 * config.cluster.zones.length);
      assert.deepStrictEqual(
        [...new Set(subnets.map((s) => s.inputs.availabilityZone))].sort(),
        [...config.cluster.zones].sort(),
      );
      for (const subnet of subnets) assert.strictEqual(subnet.inputs.mapPublicIpOnLaunch, false, subnet.name);
    });

    it("marks every subnet as the cluster's, public ones for internet-facing load balancers, which the cloud provider places there", () => {
      for (const subnet of ofType(registered, "aws:ec2/subnet:Subnet")) {
        assert.strictEqual(subnet.inputs.tags[`kubernetes.io/cluster/${config.cluster.name}`], "shared", subnet.name);
        const role = subnet.name.endsWith("-public") ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb";
        assert.strictEqual(subnet.inputs.tags[role], "1", subnet.name);
      }
    });

    it("routes each zone's private subnet through the NAT gateway of that zone", () => {
      const nats = ofType(registered, "aws:ec2/natGateway:NatGateway");
      assert.strictEqual(nats.length, config.cluster.zones.length);
      for (const zone of config.cluster.zones) {
        const routes = byName("aws:ec2/routeTable:RouteTable", `${prefix}-${zone}-private`);
        assert.deepStrictEqual(routes.inputs.routes, [
          { cidrBlock: "0.0.0.0/0", natGatewayId: `${prefix}-${zone}-nat-id` },
        ]);
        assert.strictEqual(
          byName("aws:ec2/natGateway:NatGateway", `${prefix}-${zone}-nat`).inputs.subnetId,
          `${prefix}-${zone}-public-id`,
        );
      }
    });

    it("exports the NAT gateways' Elastic IPs as /32 egress CIDRs", async () => {
      const eips = ofType(registered, "aws:ec2/eip:Eip");
      assert.strictEqual(eips.length, config.cluster.zones.length);
      const egress = await resolved(cluster.egressCidrs);
      assert.deepStrictEqual([...egress].sort(), eips.map((e) => `${e.state.publicIp}/32`).sort());
    });
  });

  describe("EKS cluster", () => {
    const eks = () => one(registered, "aws:eks/cluster:Cluster");

    it("runs the configured Kubernetes version in the private subnets", () => {
      assert.strictEqual(eks().inputs.version, config.cluster.kubernetesVersion);
      assert.strictEqual(eks().inputs.name, config.cluster.name);
      const privateSubnets = config.cluster.zones.map((z) => `${prefix}-${z}-private-id`);
      assert.deepStrictEqual(eks().inputs.vpcConfig.subnetIds, privateSubnets);
    });

    it("opens the public API endpoint to apiAllowedCidrs only, never to the internet", () => {
      const vpc = eks().inputs.vpcConfig;
      assert.strictEqual(vpc.endpointPrivateAccess, true);
      assert.strictEqual(vpc.endpointPublicAccess, true);
      assert.deepStrictEqual(vpc.publicAccessCidrs, [...config.cluster.apiAllowedCidrs]);
      assert.ok(!vpc.publicAccessCidrs.includes("0.0.0.0/0"));
    });

    it("sends all five control-plane log types", () => {
      assert.deepStrictEqual([...eks().inputs.enabledClusterLogTypes].sort(), [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
      ]);
    });

    it("envelope-encrypts Secrets with its own rotating KMS key", () => {
      const key = byName("aws:kms/key:Key", `${prefix}-eks-secrets`);
      assert.strictEqual(key.inputs.enableKeyRotation, true);
      assert.deepStrictEqual(eks().inputs.encryptionConfig, {
        provider: { keyArn: key.state.arn },
        resources: ["secrets"],
      });
      const encryption = byName("aws:iam/rolePolicy:RolePolicy", `${prefix}-eks-cluster-encryption`);
      assert.deepStrictEqual(policyOf(encryption).Statement[0].Resource, key.state.arn);
    });

    it("gives the cluster and node roles the AWS managed policies EKS requires", () => {
      const attached = (role: string) =>
        ofType(registered, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
          .filter((a) => a.inputs.role === `${role}-id`)
          .map((a) => a.inputs.policyArn)
          .sort();
      assert.deepStrictEqual(attached(`${prefix}-eks-cluster`), ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"]);
      assert.deepStrictEqual(attached(`${prefix}-eks-nodes`), [
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
        "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      ]);
      assert.strictEqual(
        policyOf(byName("aws:iam/role:Role", `${prefix}-eks-nodes`), "assumeRolePolicy").Statement[0].Principal.Service,
        "ec2.amazonaws.com",
      );
    });

    it("has one managed node group per zone, in that zone's private subnet, scaled from config", () => {
      const groups = ofType(registered, "aws:eks/nodeGroup:NodeGroup");
      assert.strictEqual(groups.length, config.cluster.zones.length);
      for (const zone of config.cluster.zones) {
        const group = byName("aws:eks/nodeGroup:NodeGroup", `${prefix}-${zone}`);
        assert.deepStrictEqual(group.inputs.subnetIds, [`${prefix}-${zone}-private-id`]);
        assert.deepStrictEqual(group.inputs.instanceTypes, [config.cluster.nodes.machineType]);
        assert.strictEqual(group.inputs.diskSize, config.cluster.nodes.diskGiB);
      }
      const total = (field: "minSize" | "maxSize") => groups.reduce((sum, g) => sum + g.inputs.scalingConfig[field], 0);
      assert.ok(total("minSize") >= config.cluster.nodes.minNodes);
      assert.ok(total("maxSize") >= config.cluster.nodes.maxNodes);
    });

    it("registers the cluster's OIDC issuer for IRSA, for the STS audience, pinned to the issuer's root CA", () => {
      const oidc = one(registered, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
      assert.strictEqual(oidc.inputs.url, eks().state.identities[0].oidcs[0].issuer);
      assert.deepStrictEqual(oidc.inputs.clientIdLists, ["sts.amazonaws.com"]);
      assert.deepStrictEqual(oidc.inputs.thumbprintLists, ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]);
    });

    it("enforces NetworkPolicies through the managed VPC CNI", () => {
      const cni = byName("aws:eks/addon:Addon", `${prefix}-vpc-cni`);
      assert.strictEqual(cni.inputs.addonName, "vpc-cni");
      assert.strictEqual(JSON.parse(cni.inputs.configurationValues).enableNetworkPolicy, "true");
    });

    it("installs the EBS CSI driver with its own IRSA role, and an encrypted WaitForFirstConsumer storage class", () => {
      const addon = byName("aws:eks/addon:Addon", `${prefix}-ebs-csi`);
      assert.strictEqual(addon.inputs.addonName, "aws-ebs-csi-driver");
      const role = byName("aws:iam/role:Role", `${prefix}-ebs-csi`);
      assert.strictEqual(addon.inputs.serviceAccountRoleArn, role.state.arn);
      const trust = policyOf(role, "assumeRolePolicy").Statement[0].Condition.StringEquals;
      assert.deepStrictEqual(Object.entries(trust).find(([k]) => k.endsWith(":sub"))![1], [
        "system:serviceaccount:kube-system:ebs-csi-controller-sa",
      ]);
      const storageClass = one(registered, "kubernetes:storage.k8s.io/v1:StorageClass");
      assert.strictEqual(storageClass.inputs.metadata.name, cluster.storageClassName);
      assert.strictEqual(storageClass.inputs.provisioner, "ebs.csi.aws.com");
      assert.strictEqual(storageClass.inputs.parameters.encrypted, "true");
      assert.strictEqual(storageClass.inputs.volumeBindingMode, "WaitForFirstConsumer");
    });

    it("serves the resource metrics API HPAs scale on (metrics-server add-on), once nodes exist", () => {
      const addon = byName("aws:eks/addon:Addon", `${prefix}-metrics-server`);
      assert.strictEqual(addon.inputs.addonName, "metrics-server");
      assert.strictEqual(addon.inputs.clusterName, config.cluster.name);
      for (const zone of config.cluster.zones)
        assert.ok(waitsFor(addon, "aws:eks/nodeGroup:NodeGroup", `${prefix}-${zone}`), zone);
    });

    describe("cluster autoscaler", () => {
      const deployment = () =>
        ofType(registered, "kubernetes:apps/v1:Deployment").find(
          (d) => d.inputs.metadata.name === "cluster-autoscaler",
        )!;
      const role = () => byName("aws:iam/role:Role", `${prefix}-cluster-autoscaler`);

      it("runs in kube-system, pinned, discovering this cluster's node groups and keeping the zones balanced", () => {
        assert.ok(deployment(), "a cluster-autoscaler Deployment");
        assert.strictEqual(deployment().inputs.metadata.namespace, "kube-system");
        const container = deployment().inputs.spec.template.spec.containers[0];
        assert.strictEqual(container.image, IMAGES.clusterAutoscaler);
        assert.ok(
          container.args.includes(
            `--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/${config.cluster.name}`,
          ),
        );
        assert.ok(container.args.includes("--balance-similar-node-groups"));
        // Every label that tells the per-zone groups apart is ignored when comparing them.
        const groupLabels = Object.keys(
          byName("aws:eks/nodeGroup:NodeGroup", `${prefix}-${config.cluster.zones[0]}`).inputs.labels,
        );
        for (const label of groupLabels) assert.ok(container.args.includes(`--balancing-ignore-label=${label}`), label);
        assert.deepStrictEqual(container.env, [{ name: "AWS_REGION", value: config.region }]);
        assert.strictEqual(container.securityContext.readOnlyRootFilesystem, true);
        assert.ok(
          one(registered, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").inputs.subjects.some(
            (s: any) => s.name === "cluster-autoscaler" && s.namespace === "kube-system",
          ),
        );
      });

      it("has a NetworkPolicy of its own: no ingress, egress to HTTPS (API server, AWS APIs) and DNS only, never instance metadata", () => {
        const policy = ofType(registered, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find(
          (p) => p.inputs.metadata.name === "cluster-autoscaler",
        );
        assert.ok(policy, "a cluster-autoscaler NetworkPolicy");
        const spec = policy.inputs.spec;
        assert.strictEqual(policy.inputs.metadata.namespace, "kube-system");
        assert.deepStrictEqual(spec.podSelector.matchLabels, deployment().inputs.spec.selector.matchLabels);
        assert.deepStrictEqual(spec.policyTypes, ["Ingress", "Egress"]);
        assert.deepStrictEqual(spec.ingress, [], "nothing scrapes it");
        const ports = spec.egress.flatMap((rule: any) => rule.ports.map((p: any) => `${p.protocol}/${p.port}`)).sort();
        assert.deepStrictEqual(ports, ["TCP/443", "TCP/53", "TCP/6443", "UDP/53"]);
        const blocks = spec.egress.flatMap((rule: any) =>
          rule.to.filter((peer: any) => peer.ipBlock).map((peer: any) => peer.ipBlock),
        );
        assert.ok(
          blocks.length > 0 &&
            blocks.every((b: any) => b.except.includes("169.254.169.254/32") || b.except.includes("fd00:ec2::254/128")),
          "IRSA: metadata stays blocked",
        );
      });

      it("assumes its own IRSA role, which may resize only node groups EKS tagged as this cluster's", () => {
        const account = ofType(registered, "kubernetes:core/v1:ServiceAccount").find(
          (a) => a.inputs.metadata.name === "cluster-autoscaler",
        )!;
        assert.strictEqual(account.inputs.metadata.annotations["eks.amazonaws.com/role-arn"], role().state.arn);
        const trust = policyOf(role(), "assumeRolePolicy").Statement[0].Condition.StringEquals;
        assert.deepStrictEqual(Object.entries(trust).find(([k]) => k.endsWith(":sub"))![1], [
          "system:serviceaccount:kube-system:cluster-autoscaler",
        ]);
        const statements = policyOf(byName("aws:iam/rolePolicy:RolePolicy", `${prefix}-cluster-autoscaler`)).Statement;
        const writes = statements.filter((st: any) =>
          [st.Action].flat().some((a: string) => !/:(Describe|Get)/.test(a)),
        );
        assert.deepStrictEqual(writes.flatMap((st: any) => st.Action).sort(), [
          "autoscaling:SetDesiredCapacity",
          "autoscaling:TerminateInstanceInAutoScalingGroup",
        ]);
        for (const st of writes)
          assert.strictEqual(
            st.Condition.StringEquals[`aws:ResourceTag/k8s.io/cluster-autoscaler/${config.cluster.name}`],
            "owned",
          );
      });
    });

    it("hands out a secret kubeconfig whose user runs `aws eks get-token` and holds no token", async () => {
      assert.strictEqual(await isSecret(cluster.kubeconfig), true);
      const doc = YAML.parse(await resolved(cluster.kubeconfig));
      assert.strictEqual(doc.clusters[0].cluster.server, eks().state.endpoint);
      assert.strictEqual(doc.clusters[0].cluster["certificate-authority-data"], eks().state.certificateAuthority.data);
      const user = doc.users[0].user;
      assert.deepStrictEqual(Object.keys(user), ["exec"]);
      assert.strictEqual(user.exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.strictEqual(user.exec.command, "aws");
      const args: string[] = user.exec.args;
      assert.deepStrictEqual(args.slice(0, 2), ["eks", "get-token"]);
      assert.strictEqual(args[args.indexOf("--cluster-name") + 1], config.cluster.name);
      assert.strictEqual(args[args.indexOf("--region") + 1], config.region);
    });

    it("builds its Kubernetes provider from that kubeconfig", async () => {
      const k8sProvider = one(registered, "pulumi:providers:kubernetes");
      assert.deepStrictEqual(unwrapSecret(k8sProvider.inputs.kubeconfig), {
        secret: true,
        value: await resolved(cluster.kubeconfig),
      });
      assert.strictEqual(await resolved(cluster.clusterName), config.cluster.name);
      assert.deepStrictEqual(cluster.zones, config.cluster.zones);
    });
  });

  describe("S3 bucket", () => {
    const bucketResource = () => one(registered, "aws:s3/bucket:Bucket");
    const part = (type: string) => {
      const found = one(registered, type);
      assert.strictEqual(found.inputs.bucket, bucketResource().state.bucket);
      return found;
    };

    it("blocks every kind of public access", () => {
      const block = one(registered, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
      for (const field of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) {
        assert.strictEqual(block.inputs[field], true, field);
      }
    });

    it("encrypts with a dedicated rotating KMS key and a bucket key, and is versioned", () => {
      const key = byName("aws:kms/key:Key", `${prefix}-thanos-bucket`);
      assert.strictEqual(key.inputs.enableKeyRotation, true);
      const sse = part("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
      assert.deepStrictEqual(sse.inputs.rules, [
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.state.arn },
          bucketKeyEnabled: true,
        },
      ]);
      assert.strictEqual(
        part("aws:s3/bucketVersioning:BucketVersioning").inputs.versioningConfiguration.status,
        "Enabled",
      );
      assert.strictEqual(bucketResource().inputs.forceDestroy, false);
    });

    it("refuses every request that does not use TLS", () => {
      const policy = policyOf(part("aws:s3/bucketPolicy:BucketPolicy"));
      const arn = bucketResource().state.arn;
      assert.deepStrictEqual(policy.Statement, [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: [arn, `${arn}/*`],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ]);
    });

    it("expires noncurrent versions and aborts abandoned multipart uploads", () => {
      const rules = part("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs.rules;
      assert.ok(rules.every((r: any) => r.status === "Enabled"));
      assert.ok(rules.some((r: any) => r.noncurrentVersionExpiration?.noncurrentDays > 0));
      assert.ok(rules.some((r: any) => r.abortIncompleteMultipartUpload?.daysAfterInitiation > 0));
    });

    it("tells the Thanos objstore builder where the bucket is", async () => {
      const name = await resolved(bucket.bucketName);
      assert.deepStrictEqual(await resolved(bucket.location), {
        type: "S3",
        bucket: name,
        region: config.region,
        endpoint: `s3.${config.region}.amazonaws.com`,
      });
    });
  });

  describe("IRSA bucket identity", () => {
    const role = () => byName("aws:iam/role:Role", `${prefix}-thanos`);

    it("can be assumed through this cluster's OIDC provider by exactly the named service account", () => {
      const oidc = one(registered, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
      const [statement] = policyOf(role(), "assumeRolePolicy").Statement;
      const host = oidc.inputs.url.replace("https://", "");
      assert.strictEqual(statement.Action, "sts:AssumeRoleWithWebIdentity");
      assert.deepStrictEqual(statement.Principal, { Federated: oidc.state.arn });
      assert.deepStrictEqual(statement.Condition, {
        StringEquals: {
          [`${host}:sub`]: ["system:serviceaccount:monitoring:thanos"],
          [`${host}:aud`]: "sts.amazonaws.com",
        },
      });
    });

    it("may list, read, write and delete in its bucket and nowhere else", () => {
      const arn = one(registered, "aws:s3/bucket:Bucket").state.arn;
      const policy = policyOf(byName("aws:iam/rolePolicy:RolePolicy", `${prefix}-thanos-bucket`));
      const s3 = policy.Statement.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith("s3:")));
      assert.deepStrictEqual(
        s3.map((s: any) => [s.Action, s.Resource]),
        [
          ["s3:ListBucket", arn],
          [["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], `${arn}/*`],
        ],
      );
      const kms = policy.Statement.find((s: any) => [s.Action].flat().some((a: string) => a.startsWith("kms:")));
      assert.strictEqual(kms.Resource, byName("aws:kms/key:Key", `${prefix}-thanos-bucket`).state.arn);
      assert.ok(
        policy.Statement.every(
          (s: any) => s.Effect === "Allow" && !String(s.Resource).includes("*/") && s.Resource !== "*",
        ),
      );
    });

    it("annotates the Kubernetes service account with the role ARN", async () => {
      assert.deepStrictEqual(await resolved(identity.serviceAccountAnnotations), {
        "eks.amazonaws.com/role-arn": role().state.arn,
      });
    });

    it("refuses an empty list of service accounts", () => {
      assert.throws(() => identityFor([]), /at least one Kubernetes service account/);
    });
  });

  describe("RDS PostgreSQL", () => {
    const instance = () => one(registered, "aws:rds/instance:Instance");

    it("is Multi-AZ, encrypted, backed up as configured, deletion-protected and not public", () => {
      const db = instance().inputs;
      assert.strictEqual(db.engine, "postgres");
      assert.strictEqual(db.engineVersion, config.database.postgresVersion);
      assert.strictEqual(db.multiAz, true);
      assert.strictEqual(db.storageEncrypted, true);
      assert.strictEqual(db.backupRetentionPeriod, config.database.backupRetentionDays);
      assert.ok(db.backupRetentionPeriod >= 7);
      assert.strictEqual(db.deletionProtection, true);
      assert.strictEqual(db.publiclyAccessible, false);
      assert.strictEqual(db.skipFinalSnapshot, false);
      assert.strictEqual(db.finalSnapshotIdentifier, `${prefix}-grafana-final`);
    });

    it("lives in the private subnets and requires TLS", () => {
      const subnetGroup = one(registered, "aws:rds/subnetGroup:SubnetGroup");
      assert.deepStrictEqual(
        subnetGroup.inputs.subnetIds,
        config.cluster.zones.map((z) => `${prefix}-${z}-private-id`),
      );
      assert.strictEqual(instance().inputs.dbSubnetGroupName, `${subnetGroup.name}-id`);
      const parameters = one(registered, "aws:rds/parameterGroup:ParameterGroup");
      assert.deepStrictEqual(parameters.inputs.parameters, [{ name: "rds.force_ssl", value: "1" }]);
      assert.strictEqual(instance().inputs.parameterGroupName, `${parameters.name}-id`);
    });

    it("admits PostgreSQL from the cluster's security group only", () => {
      const group = one(registered, "aws:ec2/securityGroup:SecurityGroup");
      assert.deepStrictEqual(instance().inputs.vpcSecurityGroupIds, [`${group.name}-id`]);
      assert.strictEqual(group.inputs.ingress, undefined);
      const [rule, ...others] = ofType(registered, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
      assert.strictEqual(others.length, 0);
      assert.strictEqual(rule.inputs.securityGroupId, `${group.name}-id`);
      assert.strictEqual(
        rule.inputs.referencedSecurityGroupId,
        one(registered, "aws:eks/cluster:Cluster").state.vpcConfig.clusterSecurityGroupId,
      );
      assert.ok(rule.inputs.referencedSecurityGroupId);
      assert.strictEqual(rule.inputs.cidrIpv4, undefined);
      assert.deepStrictEqual([rule.inputs.ipProtocol, rule.inputs.fromPort, rule.inputs.toPort], ["tcp", 5432, 5432]);
    });

    it("hands out host, port, names and a secret generated password", async () => {
      assert.strictEqual(await resolved(database.host), instance().state.address);
      assert.strictEqual(await resolved(database.port), 5432);
      assert.strictEqual(await resolved(database.databaseName), "grafana");
      assert.strictEqual(await resolved(database.username), "grafana");
      assert.strictEqual(await isSecret(database.password), true);
      const password = one(registered, "random:index/randomPassword:RandomPassword");
      assert.strictEqual(await resolved(database.password), password.state.result);
      assert.deepStrictEqual(unwrapSecret(instance().inputs.password), { secret: true, value: password.state.result });
    });
  });

  it("creates every resource through an explicit provider, the AWS one pinned to the stack's region", () => {
    assert.deepStrictEqual(
      onDefaultProviders(registered).map((r) => `${r.type} ${r.name}`),
      [],
    );
    const aws = one(registered, "pulumi:providers:aws");
    assert.strictEqual(aws.inputs.region, config.region);
    const awsResources = registered.filter((r) => r.custom && r.type.startsWith("aws:"));
    assert.ok(awsResources.length > 30);
    for (const r of awsResources)
      assert.match(r.provider!, new RegExp(`::pulumi:providers:aws::${aws.name}::`), r.name);
  });

  it("names every resource from the stack's prefix", () => {
    const unprefixed = registered.filter((r) => !r.name.startsWith(`${prefix}-`));
    assert.deepStrictEqual(
      unprefixed.map((r) => `${r.type} ${r.name}`),
      [],
    );
  });
});
