import type { ResourceValidationPolicy } from "@pulumi/policy";
import { podTemplate, WORKLOAD_TYPES } from "../../lib/k8s";
import { propertyPolicy } from "../../lib/policy";

/**
 * An emptyDir without `sizeLimit` may fill the node's disk: the kubelet then evicts pods by disk pressure,
 * other workloads' pods among them. With a limit, only the pod that outgrew its own volume is evicted.
 */
export const emptyDirSizeLimit: ResourceValidationPolicy = propertyPolicy({
  name: "k8s-empty-dir-size-limit",
  description:
    "Every emptyDir volume sets sizeLimit, so a pod that fills it is evicted instead of filling its node's disk.",
  types: WORKLOAD_TYPES,
  violations: (props, _config, args) => {
    const template = podTemplate(args.type, props);
    const volumes: any[] = template?.spec.volumes ?? [];
    return volumes
      .filter((v) => v.emptyDir !== undefined && v.emptyDir?.sizeLimit === undefined)
      .map((v) => `emptyDir volume '${v.name}' must set sizeLimit`);
  },
});
