import type { Cloud } from "../../config/clouds";

/**
 * Annotations a `LoadBalancer` Service needs on each cloud to get a network load balancer that honours
 * `loadBalancerSourceRanges`. AWS: the AWS Load Balancer Controller's NLB, targeting pod IPs, reachable
 * from the internet but only from the listed ranges. GCP: the default external passthrough load balancer
 * already does, so nothing is needed.
 */
export function loadBalancerAnnotations(cloud: Cloud): Record<string, string> {
  switch (cloud) {
    case "aws":
      return {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
      };
    case "gcp":
      return {};
  }
}

/** The address a load balancer is reached at: its IP where the cloud gives one (GCP), else its host name (AWS). */
export function loadBalancerAddress(ingress: readonly { ip?: string; hostname?: string }[] | undefined): string | undefined {
  const first = ingress?.[0];
  return first?.ip || first?.hostname || undefined;
}
