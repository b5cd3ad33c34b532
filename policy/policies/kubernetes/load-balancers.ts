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
    return open.length > 0
      ? `LoadBalancer Service is open to the world: spec.loadBalancerSourceRanges ${describeOpen(open)}`
      : undefined;
  },
});

/** What only the AWS Load Balancer Controller serves; EKS itself (its cloud provider) ignores such a Service. */
const CONTROLLER_LOAD_BALANCER_TYPES = ["external", "nlb-ip"];
const CONTROLLER_LOAD_BALANCER_CLASS = "service.k8s.aws/nlb";

export const loadBalancerServed = propertyPolicy({
  name: "k8s-load-balancer-served",
  description:
    "A LoadBalancer Service asks for a load balancer the cluster serves: on AWS the cloud provider's (no `aws-load-balancer-type: external` or `service.k8s.aws/nlb` class, which need the AWS Load Balancer Controller the stacks do not install).",
  types: [K8S.service],
  violations: (service) => {
    if (service.spec?.type !== "LoadBalancer") return undefined;
    const type = service.metadata?.annotations?.["service.beta.kubernetes.io/aws-load-balancer-type"];
    if (CONTROLLER_LOAD_BALANCER_TYPES.includes(type)) {
      return `LoadBalancer Service asks the AWS Load Balancer Controller (aws-load-balancer-type: ${type}), which the stacks do not install: it would never get an address`;
    }
    if (service.spec.loadBalancerClass === CONTROLLER_LOAD_BALANCER_CLASS) {
      return `LoadBalancer Service has loadBalancerClass ${CONTROLLER_LOAD_BALANCER_CLASS}, served only by the AWS Load Balancer Controller, which the stacks do not install`;
    }
    return undefined;
  },
});
