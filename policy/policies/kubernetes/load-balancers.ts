import { describeOpen, openToWorld } from "../../lib/cidr";
import { propertyPolicy } from "../../lib/policy";
import { K8S } from "../../lib/types";

export const loadBalancerSourceRanges = propertyPolicy({
  name: "k8s-load-balancer-source-ranges",
  description: "A LoadBalancer Service admits only listed source ranges, never the whole internet.",
  types: [K8S.service],
  violations: (service) => {
    if (service.spec?.type !== "LoadBalancer") return undefined;
    const ranges: string[] = service.spec.loadBalancerSourceRanges ?? [];
    if (ranges.length === 0) return "LoadBalancer Service must set spec.loadBalancerSourceRanges";
    const open = openToWorld(ranges);
    return open.length > 0 ? `LoadBalancer Service is open to the world: spec.loadBalancerSourceRanges ${describeOpen(open)}` : undefined;
  },
});
