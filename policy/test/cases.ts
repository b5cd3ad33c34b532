/** For every policy of the pack: resources that comply, resources that break it, and the message expected. */
import type { Policy } from "@pulumi/policy";
import { eksControlPlaneLogging, eksEndpointRestricted, eksSecretsEncryption } from "../policies/aws/eks";
import { rdsBackupRetention, rdsDeletionProtection, rdsEncrypted, rdsMultiAz, rdsNotPublic } from "../policies/aws/rds";
import { s3BucketEncrypted, s3BucketPublicAccessBlock, s3BucketVersioned } from "../policies/aws/s3";
import {
  cloudSqlBackups,
  cloudSqlDeletionProtection,
  cloudSqlNoPublicIp,
  cloudSqlRegional,
  cloudSqlSslRequired,
} from "../policies/gcp/cloud-sql";
import { gcsPublicAccessPrevention, gcsUniformAccess, gcsVersioning } from "../policies/gcp/gcs";
import { gkePrivateNodes, gkeReleaseChannel, gkeWorkloadIdentity } from "../policies/gcp/gke";
import { haReplicas, podDisruptionBudgets } from "../policies/kubernetes/availability";
import { sidecarBlockDurations } from "../policies/kubernetes/block-durations";
import { oneCompactorPerBucket } from "../policies/kubernetes/compactors";
import {
  containerResources,
  noPrivileged,
  noPrivilegeEscalation,
  noSecretEnvValues,
  nonRoot,
  pinnedImages,
} from "../policies/kubernetes/containers";
import { loadBalancerServed, loadBalancerSourceRanges } from "../policies/kubernetes/load-balancers";
import { monitoringNetworkPolicies } from "../policies/kubernetes/network-policies";
import { receiveReplication } from "../policies/kubernetes/receive";
import { nativeHistogramScraping } from "../policies/kubernetes/histograms";
import { uniqueReplicaLabels } from "../policies/kubernetes/replica-labels";
import { egressBlocksMetadata, noNodeProxy, noRemoteLifecycle } from "../policies/kubernetes/security";
import { emptyDirSizeLimit } from "../policies/kubernetes/volumes";
import type { FakeResource } from "./engine";
import { cloudSqlInstance, eksCluster, gcsBucket, gkeCluster, rdsInstance, s3Bucket } from "./fixtures/cloud";
import {
  globalMonitoring,
  k8s,
  named,
  prometheusConfig,
  prometheusShard,
  regionalMonitoring,
  thanos,
} from "./fixtures/kubernetes";

export interface PolicyCase {
  readonly policy: Policy;
  readonly passes: () => FakeResource[];
  readonly fails: () => FakeResource[];
  readonly message: RegExp;
}

export const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const allMonitoring = () => [...regionalMonitoring(), ...globalMonitoring()];

/** The regional objects with one container of the first Prometheus shard changed. */
function withPrometheusContainer(change: (prometheus: any) => void): FakeResource[] {
  const resources = regionalMonitoring();
  change(named(resources, STATEFUL_SET, "prometheus-shard-0").props.spec.template.spec.containers[0]);
  return resources;
}

/** A Thanos Receive StatefulSet of router-ingestor pods (a hashring and a local endpoint) with `flags`. */
function receive(replicas: number, flags: readonly string[]): FakeResource {
  const resource = thanos("thanos-receive", "receive", replicas);
  const container = resource.props.spec.template.spec.containers[0];
  container.args = [
    ...container.args,
    "--receive.hashrings-file=/etc/thanos/receive/hashrings.json",
    "--receive.local-endpoint=$(POD_NAME).thanos-receive-pods.monitoring.svc:10901",
    ...flags,
  ];
  return resource;
}

/** A ConfigMap holding a Prometheus config with one job `app` and the given histogram settings. */
function histogramConfig(
  name: string,
  native: boolean,
  classic: boolean,
  protobufFirst: boolean,
  metricsPath = "/metrics",
): FakeResource {
  const config = {
    global: {
      scrape_native_histograms: native,
      ...(classic ? { always_scrape_classic_histograms: true } : {}),
      ...(protobufFirst ? { scrape_protocols: ["PrometheusProto", "PrometheusText0.0.4"] } : {}),
    },
    scrape_configs: [{ job_name: "app", metrics_path: metricsPath, static_configs: [{ targets: ["app:8080"] }] }],
  };
  return k8s("kubernetes:core/v1:ConfigMap", name, { data: { "prometheus.yaml": JSON.stringify(config) } });
}

/** The global objects with Grafana's container given `env`. */
function withGrafanaEnv(env: any[]): FakeResource[] {
  const resources = globalMonitoring();
  named(resources, "kubernetes:apps/v1:Deployment", "grafana").props.spec.template.spec.containers[0].env = env;
  return resources;
}

export function without(resources: FakeResource[], type: string, name: string): FakeResource[] {
  return resources.filter((r) => !(r.type === type && r.name === name));
}

export const CASES: PolicyCase[] = [
  {
    policy: s3BucketEncrypted,
    passes: () => s3Bucket("metrics"),
    fails: () => s3Bucket("metrics", ["encryption"]),
    message: /S3 bucket 'metrics' has no BucketServerSideEncryptionConfiguration/,
  },
  {
    policy: s3BucketVersioned,
    passes: () => s3Bucket("metrics"),
    fails: () => s3Bucket("metrics", ["versioning"]),
    message: /S3 bucket 'metrics' has no BucketVersioning/,
  },
  {
    policy: s3BucketPublicAccessBlock,
    passes: () => s3Bucket("metrics"),
    // Another bucket's block does not cover this one.
    fails: () => [...s3Bucket("metrics", ["publicAccessBlock"]), ...s3Bucket("other")],
    message: /S3 bucket 'metrics' has no BucketPublicAccessBlock/,
  },
  {
    policy: rdsMultiAz,
    passes: () => [rdsInstance()],
    fails: () => [rdsInstance({ multiAz: false })],
    message: /must set multiAz: true \(got false\)/,
  },
  {
    policy: rdsEncrypted,
    passes: () => [rdsInstance()],
    fails: () => [rdsInstance({ storageEncrypted: undefined })],
    message: /must set storageEncrypted: true/,
  },
  {
    policy: rdsBackupRetention,
    passes: () => [rdsInstance()],
    fails: () => [rdsInstance({ backupRetentionPeriod: 3 })],
    message: /at least 7 days: backupRetentionPeriod is 3/,
  },
  {
    policy: rdsDeletionProtection,
    passes: () => [rdsInstance()],
    fails: () => [rdsInstance({ deletionProtection: false })],
    message: /must set deletionProtection: true/,
  },
  {
    policy: rdsNotPublic,
    passes: () => [rdsInstance()],
    fails: () => [rdsInstance({ publiclyAccessible: true })],
    message: /must not set publiclyAccessible: true/,
  },
  {
    policy: eksEndpointRestricted,
    passes: () => [eksCluster()],
    fails: () => [eksCluster({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } })],
    message: /open to the world: vpcConfig.publicAccessCidrs contains 0.0.0.0\/0/,
  },
  {
    policy: eksEndpointRestricted,
    // Halves that leave a gap between them are not the whole internet.
    passes: () => [
      eksCluster({
        vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/2", "203.0.113.0/24"] },
      }),
    ],
    fails: () => [
      eksCluster({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } }),
    ],
    message:
      /open to the world: vpcConfig.publicAccessCidrs together cover every address with 0.0.0.0\/1, 128.0.0.0\/1/,
  },
  {
    policy: eksControlPlaneLogging,
    passes: () => [eksCluster()],
    fails: () => [eksCluster({ enabledClusterLogTypes: ["api"] })],
    message: /must enable control-plane logs audit, authenticator/,
  },
  {
    policy: eksSecretsEncryption,
    passes: () => [eksCluster()],
    fails: () => [eksCluster({ encryptionConfig: undefined })],
    message: /must encrypt Secrets/,
  },
  {
    policy: gcsUniformAccess,
    passes: () => [gcsBucket()],
    fails: () => [gcsBucket({ uniformBucketLevelAccess: false })],
    message: /uniformBucketLevelAccess: true \(got false\)/,
  },
  {
    policy: gcsPublicAccessPrevention,
    passes: () => [gcsBucket()],
    fails: () => [gcsBucket({ publicAccessPrevention: "inherited" })],
    message: /publicAccessPrevention: "enforced" \(got inherited\)/,
  },
  {
    policy: gcsVersioning,
    passes: () => [gcsBucket()],
    fails: () => [gcsBucket({ versioning: undefined })],
    message: /versioning: \{ enabled: true \}/,
  },
  {
    policy: cloudSqlRegional,
    passes: () => [cloudSqlInstance()],
    fails: () => [cloudSqlInstance({ availabilityType: "ZONAL" })],
    message: /availabilityType: "REGIONAL" \(got ZONAL\)/,
  },
  {
    policy: cloudSqlBackups,
    passes: () => [cloudSqlInstance()],
    fails: () => [
      cloudSqlInstance({ backupConfiguration: { enabled: true, backupRetentionSettings: { retainedBackups: 3 } } }),
    ],
    message: /at least 7 daily backups: backupRetentionSettings.retainedBackups is 3/,
  },
  {
    policy: cloudSqlNoPublicIp,
    passes: () => [cloudSqlInstance()],
    // The provider's default is a public address.
    fails: () => [cloudSqlInstance({ ipConfiguration: { sslMode: "ENCRYPTED_ONLY" } })],
    message: /ipv4Enabled: false/,
  },
  {
    policy: cloudSqlSslRequired,
    passes: () => [cloudSqlInstance()],
    fails: () => [
      cloudSqlInstance({ ipConfiguration: { ipv4Enabled: false, sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } }),
    ],
    message: /sslMode to ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED \(got ALLOW_UNENCRYPTED_AND_ENCRYPTED\)/,
  },
  {
    policy: cloudSqlDeletionProtection,
    passes: () => [cloudSqlInstance()],
    fails: () => [cloudSqlInstance({ deletionProtectionEnabled: false })],
    message: /settings.deletionProtectionEnabled: true/,
  },
  {
    policy: gkePrivateNodes,
    passes: () => [gkeCluster()],
    fails: () => [gkeCluster({ privateClusterConfig: undefined })],
    message: /enablePrivateNodes: true/,
  },
  {
    policy: gkeWorkloadIdentity,
    passes: () => [gkeCluster()],
    fails: () => [gkeCluster({ workloadIdentityConfig: undefined })],
    message: /workloadIdentityConfig.workloadPool/,
  },
  {
    policy: gkeReleaseChannel,
    passes: () => [gkeCluster()],
    fails: () => [gkeCluster({ releaseChannel: { channel: "UNSPECIFIED" } })],
    message: /\(got UNSPECIFIED\)/,
  },
  {
    policy: pinnedImages,
    passes: regionalMonitoring,
    fails: () => withPrometheusContainer((c) => (c.image = "quay.io/prometheus/prometheus:latest")),
    message: /container 'prometheus': image 'quay.io\/prometheus\/prometheus:latest' uses the latest tag/,
  },
  {
    policy: containerResources,
    passes: regionalMonitoring,
    fails: () => withPrometheusContainer((c) => (c.resources = { requests: { cpu: "1" } })),
    message: /container 'prometheus': must set resources.requests.memory, resources.limits.memory/,
  },
  {
    policy: noSecretEnvValues,
    passes: () =>
      withGrafanaEnv([
        { name: "GF_SECURITY_ADMIN_USER", value: "admin" },
        { name: "GF_AUTH_GENERIC_OAUTH_CLIENT_ID", value: "grafana" },
        { name: "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", valueFrom: { secretKeyRef: { name: "grafana", key: "oauth" } } },
        { name: "GF_DATABASE_PASSWORD", value: "$__file{/etc/grafana/secrets/database-password}" },
      ]),
    fails: () => withGrafanaEnv([{ name: "GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET", value: "s3cret" }]),
    message:
      /container 'grafana': sets GF_AUTH_GENERIC_OAUTH_CLIENT_SECRET by value, which puts the secret into the pod spec/,
  },
  {
    policy: emptyDirSizeLimit,
    passes: regionalMonitoring,
    fails: () => {
      const resources = regionalMonitoring();
      const volumes = named(resources, STATEFUL_SET, "prometheus-shard-0").props.spec.template.spec.volumes;
      volumes.find((v: any) => v.name === "config-out").emptyDir = {};
      return resources;
    },
    message: /emptyDir volume 'config-out' must set sizeLimit/,
  },
  {
    policy: nonRoot,
    passes: regionalMonitoring,
    fails: () =>
      withPrometheusContainer(
        (c) => (c.securityContext = { ...c.securityContext, runAsNonRoot: undefined, runAsUser: 0 }),
      ),
    message: /container 'prometheus': runs as root/,
  },
  {
    policy: noPrivileged,
    passes: regionalMonitoring,
    fails: () => withPrometheusContainer((c) => (c.securityContext.privileged = true)),
    message: /container 'prometheus': must not set securityContext.privileged: true/,
  },
  {
    policy: noPrivilegeEscalation,
    passes: regionalMonitoring,
    fails: () => withPrometheusContainer((c) => delete c.securityContext.allowPrivilegeEscalation),
    message: /container 'prometheus': must set securityContext.allowPrivilegeEscalation: false/,
  },
  {
    policy: haReplicas,
    passes: allMonitoring,
    fails: () => [...without(regionalMonitoring(), STATEFUL_SET, "thanos-store"), thanos("thanos-store", "store", 1)],
    message: /thanos-store StatefulSet 'thanos-store' runs 1 replica\(s\): at least 2 are required/,
  },
  {
    policy: podDisruptionBudgets,
    passes: allMonitoring,
    fails: () => without(allMonitoring(), "kubernetes:policy/v1:PodDisruptionBudget", "grafana"),
    message: /grafana Deployment 'grafana' has no PodDisruptionBudget in namespace 'monitoring'/,
  },
  {
    policy: oneCompactorPerBucket,
    passes: regionalMonitoring,
    fails: () => [...regionalMonitoring(), thanos("thanos-compact-extra", "compact", 1)],
    message:
      /2 Thanos Compactor pods \('thanos-compact', 'thanos-compact-extra'\) run on bucket 'us-east-metrics-a1b2c3'/,
  },
  {
    policy: sidecarBlockDurations,
    passes: regionalMonitoring,
    fails: () => [
      prometheusShard(0, 2, ["--storage.tsdb.min-block-duration=2h", "--storage.tsdb.max-block-duration=1d"]),
    ],
    message: /equal block durations: --storage.tsdb.min-block-duration=2h, --storage.tsdb.max-block-duration=1d/,
  },
  {
    policy: receiveReplication,
    passes: () => [...globalMonitoring(), receive(3, ["--receive.replication-factor=3"])],
    fails: () => [receive(3, [])],
    message:
      /container 'receive' runs thanos receive in a hashring with a replication factor of 1 \(the default\): at least 3 are required/,
  },
  {
    policy: receiveReplication,
    passes: () => [receive(5, ["--receive.replication-factor=3"])],
    fails: () => [receive(2, ["--receive.replication-factor=3"])],
    message: /writes each sample to 3 Receive pods, but its workload runs 2: at least 3 are required/,
  },
  {
    policy: uniqueReplicaLabels,
    passes: regionalMonitoring,
    fails: () => [
      ...without(regionalMonitoring(), "kubernetes:core/v1:ConfigMap", "prometheus-shard-1-config"),
      prometheusConfig(1, "replica-a"),
    ],
    message: /2 Prometheus pods of 'prometheus-shard-1' share the replica label prometheus_replica="replica-a"/,
  },
  {
    policy: nativeHistogramScraping,
    passes: () => [...allMonitoring(), histogramConfig("native-and-classic", true, true, true)],
    fails: () => [histogramConfig("native-only", true, false, true)],
    message: /job 'app' scrapes native histograms without always_scrape_classic_histograms: true/,
  },
  {
    policy: nativeHistogramScraping,
    passes: () => [histogramConfig("classic-only", false, false, false)],
    fails: () => [histogramConfig("federation-in-text", false, false, false, "/federate")],
    message: /job 'app' federates without scrape_native_histograms: true and scrape_protocols led by PrometheusProto/,
  },
  {
    policy: loadBalancerSourceRanges,
    passes: regionalMonitoring,
    fails: () => [
      k8s("kubernetes:core/v1:Service", "grafana", { spec: { type: "LoadBalancer", ports: [{ port: 443 }] } }),
    ],
    message: /LoadBalancer Service must set spec.loadBalancerSourceRanges/,
  },
  {
    policy: loadBalancerServed,
    passes: () => [awsLoadBalancer("nlb")],
    fails: () => [awsLoadBalancer("external")],
    message:
      /asks the AWS Load Balancer Controller \(aws-load-balancer-type: external\), which the stacks do not install/,
  },
  {
    policy: loadBalancerSourceRanges,
    passes: () => [
      k8s("kubernetes:core/v1:Service", "grafana", {
        spec: {
          type: "LoadBalancer",
          ports: [{ port: 443 }],
          loadBalancerSourceRanges: ["0.0.0.0/1", "2001:db8::/32"],
        },
      }),
    ],
    fails: () => [
      k8s("kubernetes:core/v1:Service", "grafana", {
        spec: {
          type: "LoadBalancer",
          ports: [{ port: 443 }],
          loadBalancerSourceRanges: ["203.0.113.0/24", "::/1", "8000::/1"],
        },
      }),
    ],
    message: /open to the world: spec.loadBalancerSourceRanges together cover every address with ::\/1, 8000::\/1/,
  },
  {
    policy: monitoringNetworkPolicies,
    passes: regionalMonitoring,
    fails: () => without(regionalMonitoring(), "kubernetes:networking.k8s.io/v1:NetworkPolicy", "default-deny"),
    message: /monitoring namespace 'monitoring' has no NetworkPolicy/,
  },
  {
    policy: noNodeProxy,
    passes: () => [
      clusterRole([
        { apiGroups: [""], resources: ["nodes", "pods"], verbs: ["list", "watch"] },
        { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
      ]),
    ],
    fails: () => [clusterRole([{ apiGroups: [""], resources: ["nodes", "nodes/proxy"], verbs: ["get"] }])],
    message: /rules\[0\] grants 'nodes\/proxy', which lets its subjects run commands in any container/,
  },
  {
    policy: noRemoteLifecycle,
    passes: () => [
      prometheusShard(0, 2, [
        "--web.listen-address=0.0.0.0:9090",
        "--storage.tsdb.min-block-duration=2h",
        "--storage.tsdb.max-block-duration=2h",
      ]),
      prometheusShard(1, 2, [
        "--web.listen-address=127.0.0.1:9090",
        "--web.enable-lifecycle",
        "--storage.tsdb.min-block-duration=2h",
        "--storage.tsdb.max-block-duration=2h",
      ]),
    ],
    fails: () => [prometheusShard(0, 2, ["--web.listen-address=0.0.0.0:9090", "--web.enable-lifecycle"])],
    message:
      /container 'prometheus' enables --web.enable-lifecycle on 0.0.0.0:9090: \/-\/quit and \/-\/reload are reachable/,
  },
  {
    policy: egressBlocksMetadata,
    passes: () => [
      egressPolicy([
        {
          to: [
            { ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } },
            { ipBlock: { cidr: "::/0", except: ["fd00:ec2::254/128"] } },
          ],
        },
        {
          to: [{ ipBlock: { cidr: "169.254.169.254/32" } }],
          ports: [
            { protocol: "TCP", port: 80 },
            { protocol: "TCP", port: 988 },
          ],
        },
      ]),
    ],
    fails: () => [egressPolicy([{ ports: [{ protocol: "TCP", port: 443 }] }])],
    message: /egress\[0\] has no 'to': it admits every address, instance metadata included/,
  },
];

function clusterRole(rules: object[]): FakeResource {
  return k8s("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "monitoring-prometheus", {
    metadata: { name: "monitoring-prometheus", namespace: undefined },
    rules,
  });
}

function egressPolicy(egress: object[]): FakeResource {
  return k8s("kubernetes:networking.k8s.io/v1:NetworkPolicy", "thanos-store", {
    spec: { podSelector: { matchLabels: { app: "thanos-store" } }, policyTypes: ["Egress"], egress },
  });
}

function awsLoadBalancer(type: string) {
  return k8s("kubernetes:core/v1:Service", "grafana", {
    metadata: { annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": type } },
    spec: { type: "LoadBalancer", ports: [{ port: 443 }], loadBalancerSourceRanges: ["203.0.113.0/24"] },
  });
}
