import type { Cloud } from "../../config/clouds";

/**
 * Annotations a `LoadBalancer` Service needs on each cloud to get a network load balancer that honours
 * `loadBalancerSourceRanges`, from what the cluster serves without an add-on. AWS: the service controller
 * EKS runs in its control plane (the AWS cloud provider) makes an internet-facing NLB with instance targets
 * and admits the source ranges in the nodes' security group; `aws-load-balancer-type: external` would hand
 * the Service to the AWS Load Balancer Controller instead, which EKS does not run, and the Service would
 * never get an address. GCP: the default external passthrough load balancer already does, so nothing is
 * needed.
 */
export function loadBalancerAnnotations(cloud: Cloud): Record<string, string> {
  switch (cloud) {
    case "aws":
      return { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" };
    case "gcp":
      return {};
  }
}

/** The address a load balancer is reached at: its IP where the cloud gives one (GCP), else its host name (AWS). */
export function loadBalancerAddress(ingress: readonly { ip?: string; hostname?: string }[] | undefined): string | undefined {
  const first = ingress?.[0];
  return first?.ip || first?.hostname || undefined;
}
