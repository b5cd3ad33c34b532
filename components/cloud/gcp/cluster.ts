import * as gcp from "@pulumi/gcp";
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { gcpServiceAccountId, workloadPool } from "../../../builders/cloud/gcp-names";
import { gkeAddressPlan } from "../../../builders/cloud/network";
import { perZoneScaling } from "../../../builders/cloud/scaling";
import type { BaseStackConfig } from "../../../config";
import { clusterAccess } from "../cluster-access";
import type { KubernetesCluster } from "../types";
import { GcpNetwork } from "./network";

/** The least-privilege role Google made for node service accounts (logs, metrics, image pulls). */
export const NODE_SERVICE_ACCOUNT_ROLE = "roles/container.defaultNodeServiceAccount";

export interface GkeClusterArgs {
  readonly config: BaseStackConfig;
  readonly project: string;
  readonly provider: gcp.Provider;
}

/**
 * A regional GKE cluster (control plane replicated across the region, nodes in `cluster.zones`): private
 * nodes behind Cloud NAT, API reachable from `cluster.apiAllowedCidrs` only, Workload Identity, a release
 * channel, Dataplane V2 (NetworkPolicy enforcement), and one autoscaling node pool of shielded nodes under a
 * dedicated least-privilege service account instead of the default pool.
 */
export class GkeCluster extends pulumi.ComponentResource implements KubernetesCluster {
  readonly cloud = "gcp" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly egressCidrs: pulumi.Output<string[]>;
  readonly zones: readonly string[];
  readonly storageClassName: string;
  readonly workloadsReady: readonly pulumi.Resource[];
  readonly project: string;
  readonly region: string;
  /**
   * `<project>.svc.id.goog`: the identity namespace Kubernetes service accounts map into, read from the
   * cluster, since GKE creates the pool with the project's first Workload Identity cluster: IAM bindings
   * that name it must wait for the cluster.
   */
  readonly workloadPool: pulumi.Output<string>;
  /** The VPC's ID (`projects/<p>/global/networks/<n>`), for private service access. */
  readonly networkId: pulumi.Output<string>;
  readonly subnetworkId: pulumi.Output<string>;

  constructor(name: string, args: GkeClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:GkeCluster", name, {}, opts);
    const { config, project, provider } = args;
    const settings = config.cluster;
    const prefix = config.namePrefix;
    const child = { parent: this, provider };

    // Config validation holds cluster.nodes.maxNodes to what the plan's pods range can address.
    const plan = gkeAddressPlan(settings.vpcCidr);
    const network = new GcpNetwork(
      `${prefix}-network`,
      {
        namePrefix: prefix,
        region: config.region,
        plan,
        egressAddressCount: settings.zones.length,
        provider,
      },
      { parent: this },
    );

    const nodes = nodeIdentity(prefix, project, settings.name, child);
    const cluster = controlPlane(prefix, config.region, settings, plan, network, workloadPool(project), child);
    const nodePool = regionalNodePool(prefix, config.region, settings, cluster, nodes, child);

    const access = clusterAccess(this, {
      namePrefix: prefix,
      cloud: this.cloud,
      region: config.region,
      endpoint: pulumi
        .all([cluster.name, cluster.endpoint, cluster.masterAuth])
        .apply(([clusterName, endpoint, auth]) => ({
          clusterName,
          endpoint,
          certificateAuthorityData: auth.clusterCaCertificate!,
        })),
    });

    this.clusterName = cluster.name;
    this.kubeconfig = access.kubeconfig;
    this.provider = access.provider;
    this.storageClassName = access.storageClassName;
    // The PD CSI driver is a cluster add-on, running once the cluster is; the pool is created after both.
    this.workloadsReady = [nodePool];
    this.egressCidrs = network.egressCidrs;
    this.zones = settings.zones;
    this.project = project;
    this.region = config.region;
    this.workloadPool = cluster.workloadIdentityConfig.apply((identity) => {
      if (!identity?.workloadPool) throw new Error(`GKE cluster ${settings.name} reports no workload pool`);
      return identity.workloadPool;
    });
    this.networkId = network.network.id;
    this.subnetworkId = network.subnetwork.id;
    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, egressCidrs: this.egressCidrs });
  }
}

type ChildOptions = { readonly parent: pulumi.Resource; readonly provider: gcp.Provider };
type ClusterSettings = BaseStackConfig["cluster"];

/** The nodes' own service account with only the role GKE nodes need (not the Compute default's Editor). */
function nodeIdentity(prefix: string, project: string, clusterName: string, child: ChildOptions) {
  const account = new gcp.serviceaccount.Account(
    `${prefix}-gke-nodes`,
    { accountId: gcpServiceAccountId(prefix, "nodes"), displayName: `GKE nodes of ${clusterName}` },
    child,
  );
  const role = new gcp.projects.IAMMember(
    `${prefix}-gke-nodes`,
    { project, role: NODE_SERVICE_ACCOUNT_ROLE, member: pulumi.interpolate`serviceAccount:${account.email}` },
    child,
  );
  return { email: account.email, role };
}

/**
 * The regional control plane: VPC-native in the stack's subnetwork, private nodes, the API reachable from
 * `cluster.apiAllowedCidrs` only, Workload Identity, Dataplane V2 (NetworkPolicy enforcement), the PD CSI driver.
 */
function controlPlane(
  prefix: string,
  region: string,
  settings: ClusterSettings,
  plan: ReturnType<typeof gkeAddressPlan>,
  network: GcpNetwork,
  pool: string,
  child: ChildOptions,
): gcp.container.Cluster {
  return new gcp.container.Cluster(
    `${prefix}-gke`,
    {
      name: settings.name,
      location: region,
      nodeLocations: [...settings.zones],
      minMasterVersion: settings.kubernetesVersion,
      releaseChannel: { channel: settings.releaseChannel },
      network: network.network.id,
      subnetwork: network.subnetwork.id,
      networkingMode: "VPC_NATIVE",
      ipAllocationPolicy: {
        clusterSecondaryRangeName: plan.podsRangeName,
        servicesSecondaryRangeName: plan.servicesRangeName,
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: false,
        masterIpv4CidrBlock: plan.masterCidr,
      },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: settings.apiAllowedCidrs.map((cidrBlock) => ({ cidrBlock, displayName: `allowed ${cidrBlock}` })),
      },
      workloadIdentityConfig: { workloadPool: pool },
      datapathProvider: "ADVANCED_DATAPATH",
      enableShieldedNodes: true,
      addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
      // The default pool cannot be configured as below; GKE needs one node to create the cluster, then drops it.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      deletionProtection: true,
    },
    child,
  );
}

/** One autoscaled pool across the stack's zones, balanced between them, shielded, on the GKE metadata server. */
function regionalNodePool(
  prefix: string,
  region: string,
  settings: ClusterSettings,
  cluster: gcp.container.Cluster,
  nodes: ReturnType<typeof nodeIdentity>,
  child: ChildOptions,
): gcp.container.NodePool {
  return new gcp.container.NodePool(
    `${prefix}-nodes`,
    {
      cluster: cluster.id,
      location: region,
      nodeLocations: [...settings.zones],
      initialNodeCount: perZoneScaling(settings.nodes, settings.zones.length).minSize,
      autoscaling: {
        totalMinNodeCount: settings.nodes.minNodes,
        totalMaxNodeCount: settings.nodes.maxNodes,
        locationPolicy: "BALANCED",
      },
      management: { autoRepair: true, autoUpgrade: true },
      nodeConfig: {
        machineType: settings.nodes.machineType,
        diskSizeGb: settings.nodes.diskGiB,
        diskType: "pd-balanced",
        serviceAccount: nodes.email,
        oauthScopes: ["https://www.googleapis.com/auth/cloud-platform"],
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        workloadMetadataConfig: { mode: "GKE_METADATA" },
        metadata: { "disable-legacy-endpoints": "true" },
      },
    },
    { ...child, dependsOn: [nodes.role] },
  );
}
