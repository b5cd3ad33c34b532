import type { Cloud } from "../../config/clouds";
import { provisionedTraits } from "./platforms";

/** The storage class every cluster gets, so workloads name one class whatever the cloud. */
export const SSD_STORAGE_CLASS = "monitoring-ssd";

/**
 * Zonal SSD volumes through the cloud's CSI driver, encrypted, bound only once the pod is scheduled (so the
 * volume is created in the pod's zone) and expandable. Deleted with their claim: the bucket, not the volume,
 * is the durable copy of every TSDB block.
 */
export function ssdStorageClass(cloud: Cloud) {
  const { provisioner, parameters } = provisionedTraits(cloud).storageClass;
  return {
    metadata: { name: SSD_STORAGE_CLASS },
    provisioner,
    parameters: { ...parameters },
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
    allowVolumeExpansion: true,
  };
}
