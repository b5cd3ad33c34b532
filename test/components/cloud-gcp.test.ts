import * as assert from "node:assert";
import * as YAML from "yaml";
import type { Cloud, GlobalStackConfig, RegionalStackConfig } from "../../config";
import {
  type BucketIdentity,
  type CloudPlatform,
  type KubernetesCluster,
  type ObjectBucket,
  type PostgresDatabase,
  onCloud,
} from "../../components/cloud";
import {
  type MockedResource,
  isSecret,
  one,
  ofType,
  resolved,
  settled,
  unwrapSecret,
  waitsFor,
} from "../harness/mocks";
import { onDefaultProviders, stackConfig, useCloudMocks } from "../harness/cloud-mocks";
import { TEST_SECRETS } from "../harness/stacks";

describe("cloud layer on GCP (GKE, GCS, Workload Identity, Cloud SQL)", () => {
  const registered = useCloudMocks("eu-west");
  const config = stackConfig("eu-west") as RegionalStackConfig;
  // A global stack moved to GCP: the regional stack has no database settings.
  const databaseConfig = stackConfig("global", {
    cloud: "gcp",
    region: "europe-west1",
    gcpProject: "my-monitoring-project",
    ...TEST_SECRETS.global,
  }) as GlobalStackConfig;
  const prefix = config.namePrefix;
  const project = config.gcpProject!;
  const thanosAccounts = [
    { namespace: "monitoring", name: "thanos" },
    { namespace: "monitoring", name: "thanos-compactor" },
  ];
  let cloud: Cloud;
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
      identity = platform.bucketIdentity({
        purpose: "thanos",
        access: "delete",
        ...made,
        serviceAccounts: thanosAccounts,
      });
      database = platform.database({ purpose: "grafana", cluster: made.cluster, settings: databaseConfig.database });
    });
    await resolved(database.host);
    await settled();
  });

  const gke = () => one(registered, "gcp:container/cluster:Cluster");
  const nodePool = () => one(registered, "gcp:container/nodePool:NodePool");

  it("is the GCP platform for a GCP stack, its provider pinned to the stack's project and region", () => {
    assert.strictEqual(cloud, "gcp");
    const provider = one(registered, "pulumi:providers:gcp");
    assert.strictEqual(provider.inputs.project, project);
    assert.strictEqual(provider.inputs.region, config.region);
  });

  describe("network", () => {
    it("is a custom-mode VPC with a VPC-native subnetwork (secondary ranges for pods and services)", () => {
      assert.strictEqual(one(registered, "gcp:compute/network:Network").inputs.autoCreateSubnetworks, false);
      const subnet = one(registered, "gcp:compute/subnetwork:Subnetwork");
      assert.strictEqual(subnet.inputs.region, config.region);
      assert.strictEqual(subnet.inputs.privateIpGoogleAccess, true);
      assert.deepStrictEqual(subnet.inputs.secondaryIpRanges.map((r: any) => r.rangeName).sort(), ["pods", "services"]);
      assert.deepStrictEqual(gke().inputs.ipAllocationPolicy, {
        clusterSecondaryRangeName: "pods",
        servicesSecondaryRangeName: "services",
      });
    });

    it("sends the nodes' traffic through Cloud NAT on reserved addresses, which are the egress CIDRs", async () => {
      const addresses = ofType(registered, "gcp:compute/address:Address");
      assert.strictEqual(addresses.length, config.cluster.zones.length);
      for (const address of addresses) assert.strictEqual(address.inputs.addressType, "EXTERNAL");
      const nat = one(registered, "gcp:compute/routerNat:RouterNat");
      assert.strictEqual(nat.inputs.natIpAllocateOption, "MANUAL_ONLY");
      assert.deepStrictEqual([...nat.inputs.natIps].sort(), addresses.map((a) => a.state.selfLink).sort());
      assert.strictEqual(nat.inputs.router, one(registered, "gcp:compute/router:Router").state.name);
      const egress = await resolved(cluster.egressCidrs);
      assert.deepStrictEqual([...egress].sort(), addresses.map((a) => `${a.state.address}/32`).sort());
    });
  });

  describe("GKE cluster", () => {
    it("is regional with its nodes in the configured zones, on the configured release channel", () => {
      assert.strictEqual(gke().inputs.location, config.region);
      assert.deepStrictEqual(gke().inputs.nodeLocations, [...config.cluster.zones]);
      assert.deepStrictEqual(gke().inputs.releaseChannel, { channel: config.cluster.releaseChannel });
      assert.strictEqual(gke().inputs.deletionProtection, true);
    });

    it("has private nodes and admits only apiAllowedCidrs to its API", () => {
      const priv = gke().inputs.privateClusterConfig;
      assert.strictEqual(priv.enablePrivateNodes, true);
      assert.match(priv.masterIpv4CidrBlock, /\/28$/);
      const allowed = gke().inputs.masterAuthorizedNetworksConfig.cidrBlocks.map((b: any) => b.cidrBlock);
      assert.deepStrictEqual(allowed, [...config.cluster.apiAllowedCidrs]);
      assert.ok(!allowed.includes("0.0.0.0/0"));
    });

    it("maps Kubernetes service accounts into the project's workload pool", () => {
      assert.deepStrictEqual(gke().inputs.workloadIdentityConfig, { workloadPool: `${project}.svc.id.goog` });
      assert.strictEqual(nodePool().inputs.nodeConfig.workloadMetadataConfig.mode, "GKE_METADATA");
    });

    it("enforces NetworkPolicies (Dataplane V2)", () => {
      assert.strictEqual(gke().inputs.datapathProvider, "ADVANCED_DATAPATH");
    });

    it("replaces the default pool with an autoscaling pool of shielded nodes under a least-privilege account", () => {
      assert.strictEqual(gke().inputs.removeDefaultNodePool, true);
      const pool = nodePool().inputs;
      assert.strictEqual(pool.cluster, `${gke().name}-id`);
      assert.deepStrictEqual(pool.nodeLocations, [...config.cluster.zones]);
      assert.strictEqual(pool.autoscaling.totalMinNodeCount, config.cluster.nodes.minNodes);
      assert.strictEqual(pool.autoscaling.totalMaxNodeCount, config.cluster.nodes.maxNodes);
      assert.deepStrictEqual(pool.nodeConfig.shieldedInstanceConfig, {
        enableSecureBoot: true,
        enableIntegrityMonitoring: true,
      });
      assert.strictEqual(pool.nodeConfig.machineType, config.cluster.nodes.machineType);
      const nodeAccount = ofType(registered, "gcp:serviceaccount/account:Account").find(
        (a) => a.name === `${prefix}-gke-nodes`,
      )!;
      assert.strictEqual(pool.nodeConfig.serviceAccount, nodeAccount.state.email);
      const grant = one(registered, "gcp:projects/iAMMember:IAMMember");
      assert.deepStrictEqual(
        [grant.inputs.role, grant.inputs.member],
        ["roles/container.defaultNodeServiceAccount", `serviceAccount:${nodeAccount.state.email}`],
      );
    });

    it("hands out a secret kubeconfig whose user runs gke-gcloud-auth-plugin with cluster info", async () => {
      assert.strictEqual(await isSecret(cluster.kubeconfig), true);
      const doc = YAML.parse(await resolved(cluster.kubeconfig));
      assert.strictEqual(doc.clusters[0].cluster.server, `https://${gke().state.endpoint}`);
      assert.strictEqual(
        doc.clusters[0].cluster["certificate-authority-data"],
        gke().state.masterAuth.clusterCaCertificate,
      );
      assert.deepStrictEqual(Object.keys(doc.users[0].user), ["exec"]);
      const exec = doc.users[0].user.exec;
      assert.strictEqual(exec.apiVersion, "client.authentication.k8s.io/v1beta1");
      assert.strictEqual(exec.command, "gke-gcloud-auth-plugin");
      assert.strictEqual(exec.provideClusterInfo, true);
      const k8sProvider = one(registered, "pulumi:providers:kubernetes");
      assert.deepStrictEqual(unwrapSecret(k8sProvider.inputs.kubeconfig), {
        secret: true,
        value: await resolved(cluster.kubeconfig),
      });
    });

    it("offers the same SSD storage class name as on AWS, through the PD CSI driver", () => {
      const storageClass = one(registered, "kubernetes:storage.k8s.io/v1:StorageClass");
      assert.strictEqual(storageClass.inputs.metadata.name, cluster.storageClassName);
      assert.strictEqual(storageClass.inputs.provisioner, "pd.csi.storage.gke.io");
      assert.strictEqual(storageClass.inputs.volumeBindingMode, "WaitForFirstConsumer");
    });
  });

  describe("GCS bucket", () => {
    const gcs = () => one(registered, "gcp:storage/bucket:Bucket");

    it("is regional, IAM-only, never public, versioned and not force-destroyed", () => {
      const b = gcs().inputs;
      assert.strictEqual(b.location, config.region.toUpperCase());
      assert.strictEqual(b.uniformBucketLevelAccess, true);
      assert.strictEqual(b.publicAccessPrevention, "enforced");
      assert.deepStrictEqual(b.versioning, { enabled: true });
      assert.strictEqual(b.forceDestroy, false);
    });

    it("deletes noncurrent versions after a grace period and aborts abandoned uploads", () => {
      const rules = gcs().inputs.lifecycleRules;
      assert.ok(
        rules.some(
          (r: any) =>
            r.action.type === "Delete" &&
            r.condition.withState === "ARCHIVED" &&
            r.condition.daysSinceNoncurrentTime > 0,
        ),
      );
      assert.ok(
        rules.every((r: any) => !(r.action.type === "Delete" && r.condition.withState !== "ARCHIVED")),
        "live objects are never deleted by age",
      );
      assert.ok(rules.some((r: any) => r.action.type === "AbortIncompleteMultipartUpload"));
    });

    it("tells the Thanos objstore builder where the bucket is", async () => {
      assert.deepStrictEqual(await resolved(bucket.location), { type: "GCS", bucket: gcs().state.name });
    });
  });

  describe("Workload Identity bucket access", () => {
    const account = () =>
      ofType(registered, "gcp:serviceaccount/account:Account").find((a) => a.name === `${prefix}-thanos`)!;

    it("grants object access on this bucket only", () => {
      const [grant, ...others] = ofType(registered, "gcp:storage/bucketIAMMember:BucketIAMMember");
      assert.strictEqual(others.length, 0);
      assert.strictEqual(grant.inputs.bucket, one(registered, "gcp:storage/bucket:Bucket").state.name);
      assert.strictEqual(grant.inputs.role, "roles/storage.objectAdmin");
      assert.strictEqual(grant.inputs.member, `serviceAccount:${account().state.email}`);
      assert.strictEqual(
        ofType(registered, "gcp:projects/iAMMember:IAMMember").filter((m) => m.inputs.member === grant.inputs.member)
          .length,
        0,
      );
    });

    it("lets exactly the named Kubernetes service accounts impersonate it", () => {
      const bindings = ofType(registered, "gcp:serviceaccount/iAMMember:IAMMember");
      assert.ok(
        bindings.every(
          (b) =>
            b.inputs.role === "roles/iam.workloadIdentityUser" && b.inputs.serviceAccountId === account().state.name,
        ),
      );
      assert.deepStrictEqual(bindings.map((b) => b.inputs.member).sort(), [
        `serviceAccount:${project}.svc.id.goog[monitoring/thanos-compactor]`,
        `serviceAccount:${project}.svc.id.goog[monitoring/thanos]`,
      ]);
    });

    it('binds them only once the cluster exists: its workload pool is created with it ("Identity Pool does not exist" otherwise)', () => {
      for (const binding of ofType(registered, "gcp:serviceaccount/iAMMember:IAMMember")) {
        assert.ok(
          waitsFor(binding, "gcp:container/cluster:Cluster", `${prefix}-gke`),
          `${binding.name} waits for the GKE cluster`,
        );
      }
    });

    it("annotates the Kubernetes service accounts with the Google service account", async () => {
      assert.deepStrictEqual(await resolved(identity.serviceAccountAnnotations), {
        "iam.gke.io/gcp-service-account": account().state.email,
      });
    });
  });

  describe("Cloud SQL PostgreSQL", () => {
    const instance = () => one(registered, "gcp:sql/databaseInstance:DatabaseInstance");

    it("is REGIONAL with backups, point-in-time recovery and deletion protection in Pulumi and in the API", () => {
      const db = instance().inputs;
      assert.strictEqual(db.databaseVersion, `POSTGRES_${databaseConfig.database.postgresVersion}`);
      assert.strictEqual(db.deletionProtection, true);
      assert.strictEqual(db.settings.deletionProtectionEnabled, true);
      assert.strictEqual(db.settings.availabilityType, "REGIONAL");
      assert.strictEqual(db.settings.tier, databaseConfig.database.instanceClass);
      const backups = db.settings.backupConfiguration;
      assert.strictEqual(backups.enabled, true);
      assert.strictEqual(backups.pointInTimeRecoveryEnabled, true);
      assert.strictEqual(backups.backupRetentionSettings.retainedBackups, databaseConfig.database.backupRetentionDays);
    });

    it("has no public IP, a private address in the cluster's VPC, and accepts encrypted connections only", () => {
      const ip = instance().inputs.settings.ipConfiguration;
      const network = one(registered, "gcp:compute/network:Network");
      assert.strictEqual(ip.ipv4Enabled, false);
      assert.strictEqual(ip.privateNetwork, `${network.name}-id`);
      assert.strictEqual(ip.sslMode, "ENCRYPTED_ONLY");
      assert.strictEqual(ip.authorizedNetworks, undefined);
    });

    it("reaches the VPC through private service access", () => {
      const range = one(registered, "gcp:compute/globalAddress:GlobalAddress");
      assert.deepStrictEqual([range.inputs.purpose, range.inputs.addressType], ["VPC_PEERING", "INTERNAL"]);
      const peering = one(registered, "gcp:servicenetworking/connection:Connection");
      assert.strictEqual(peering.inputs.service, "servicenetworking.googleapis.com");
      assert.deepStrictEqual(peering.inputs.reservedPeeringRanges, [range.state.name]);
      assert.strictEqual(peering.inputs.network, range.inputs.network);
    });

    it("creates the database and its user with a secret generated password", async () => {
      assert.strictEqual(one(registered, "gcp:sql/database:Database").inputs.name, "grafana");
      const user = one(registered, "gcp:sql/user:User");
      assert.strictEqual(user.inputs.name, "grafana");
      const password = one(registered, "random:index/randomPassword:RandomPassword");
      assert.deepStrictEqual(unwrapSecret(user.inputs.password), { secret: true, value: password.state.result });
      assert.strictEqual(await isSecret(database.password), true);
      assert.strictEqual(await resolved(database.host), instance().state.privateIpAddress);
      assert.strictEqual(await resolved(database.port), 5432);
    });
  });

  it("creates every resource through an explicit provider", () => {
    assert.deepStrictEqual(
      onDefaultProviders(registered).map((r: MockedResource) => `${r.type} ${r.name}`),
      [],
    );
    const gcp = one(registered, "pulumi:providers:gcp");
    for (const r of registered.filter((x) => x.custom && x.type.startsWith("gcp:"))) {
      assert.match(r.provider!, new RegExp(`::pulumi:providers:gcp::${gcp.name}::`), r.name);
    }
  });

  it("names every resource from the stack's prefix", () => {
    assert.deepStrictEqual(
      registered.filter((r) => !r.name.startsWith(`${prefix}-`)).map((r) => `${r.type} ${r.name}`),
      [],
    );
  });

  it("takes back only the cluster it made: another platform's does not compile", () => {
    // Checked by the compiler: the build fails once the marked line compiles, i.e. once a platform would
    // build a database next to a cluster it did not make (its VPC, workload pool or network unknown to it).
    const misuse = <C extends KubernetesCluster, B extends ObjectBucket>(
      platform: CloudPlatform<C, B>,
      stranger: KubernetesCluster,
    ) =>
      // @ts-expect-error a cluster this platform did not make
      platform.database({ purpose: "other", cluster: stranger, settings: databaseConfig.database });
    assert.strictEqual(misuse.length, 2);
  });
});
