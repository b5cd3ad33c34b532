import type { Cloud } from "../../config/clouds";

/** The storage class every cluster gets, so workloads name one class whatever the cloud. */
export const SSD_STORAGE_CLASS = "monitoring-ssd";

/**
 * Zonal SSD volumes through the cloud's CSI driver, encrypted, bound only once the pod is scheduled (so the
 * volume is created in the pod's zone) and expandable. Deleted with their claim: the bucket, not the volume,
 * is the durable copy of every TSDB block.
 */
export function ssdStorageClass(cloud: Cloud) {
  const driver: { provisioner: string; parameters: Record<string, string> } =
    cloud === "aws"
      ? { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", encrypted: "true" } }
      : { provisioner: "pd.csi.storage.gke.io", parameters: { type: "pd-ssd" } };
  return {
    metadata: { name: SSD_STORAGE_CLASS },
    ...driver,
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
  };
}
