import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { type ClusterEndpoint, kubeconfig } from "../../builders/cloud/kubeconfig";
import { ssdStorageClass, SSD_STORAGE_CLASS } from "../../builders/cloud/storage-class";
import { provisionedTraits } from "../../builders/cloud/platforms";
import type { Cloud } from "../../config/clouds";

export interface ClusterAccess {
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;
  readonly storageClassName: string;
}

/**
 * What both clusters hand their callers once the control plane exists: the kubeconfig (a secret, although it
 * holds no token: it names the cluster's endpoint and CA, and runs the cloud's token helper), a Kubernetes
 * provider built from it, and the SSD storage class workloads claim volumes from.
 */
export function clusterAccess(
  parent: pulumi.Resource,
  args: { namePrefix: string; cloud: Cloud; region: string; endpoint: pulumi.Output<ClusterEndpoint> },
): ClusterAccess {
  const document = args.endpoint.apply((endpoint) => {
    const exec = provisionedTraits(args.cloud).execCredential(endpoint.clusterName, args.region);
    return YAML.stringify(kubeconfig(endpoint, exec), { lineWidth: 0 });
  });
  const secretKubeconfig = pulumi.secret(document);
  const provider = clusterProvider(`${args.namePrefix}-k8s`, secretKubeconfig, { parent });
  new k8s.storage.v1.StorageClass(`${args.namePrefix}-${SSD_STORAGE_CLASS}`, ssdStorageClass(args.cloud), {
    parent,
    provider,
  });
  return { kubeconfig: secretKubeconfig, provider, storageClassName: SSD_STORAGE_CLASS };
}

/**
 * The provider of every Kubernetes object of a cluster. ConfigMaps are changed in place: by default the
 * provider replaces one whose data changed, and replacing an object of a fixed name deletes it first, and with
 * it every workload that mounts it (found by the engine tests: a shard or retention change replaced the
 * Prometheus StatefulSets and the gateway). Workloads roll on a changed file through their config checksum
 * annotations or reload it themselves.
 */
export function clusterProvider(
  name: string,
  kubeconfig: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): k8s.Provider {
  return new k8s.Provider(name, { kubeconfig, enableServerSideApply: true, enableConfigMapMutable: true }, opts);
}
