import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { BaseStackConfig } from "../../../config";
import { clusterProvider } from "../cluster-access";
import type { KubernetesCluster } from "../types";
import { kubernetesSettings, platformSecret } from "./settings";

/**
 * A cluster the user already runs, reached with the kubeconfig the stack holds as a secret. Nothing is
 * created here but the provider: the nodes, the storage and the load balancer implementation are the
 * cluster's own, and the stack names what it needs of them (kubernetes.storageClass here; the tiers read
 * kubernetes.loadBalancerAnnotations).
 */
export class ExistingCluster extends pulumi.ComponentResource implements KubernetesCluster {
  readonly cloud = "kubernetes" as const;
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly egressCidrs: pulumi.Output<string[]>;
  readonly zones: readonly string[];
  readonly storageClassName: string | undefined;
  /** Its nodes and storage exist before the stack does. */
  readonly workloadsReady: readonly pulumi.Resource[] = [];

  constructor(name: string, args: { config: BaseStackConfig }, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:ExistingCluster", name, {}, opts);
    const settings = kubernetesSettings(args.config);
    this.kubeconfig = platformSecret("kubeconfig");
    this.clusterName = pulumi.output(args.config.cluster.name);
    this.provider = clusterProvider(`${name}-k8s`, this.kubeconfig, { parent: this });
    this.egressCidrs = pulumi.output([...settings.egressCidrs]);
    this.zones = args.config.cluster.zones;
    this.storageClassName = settings.storageClass;
    this.registerOutputs({ clusterName: this.clusterName, egressCidrs: this.egressCidrs });
  }
}
