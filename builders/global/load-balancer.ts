import type { Cloud } from "../../config/clouds";
import { PLATFORM_TRAITS } from "../cloud/platforms";

/**
 * Annotations a `LoadBalancer` Service needs on each cloud to get a network load balancer that honours
 * `loadBalancerSourceRanges`, from what the cluster serves without an add-on (each cloud's reasons are in
 * builders/cloud/platforms/<cloud>.ts), with the stack's own where it names the cluster's load balancer implementation (the
 * kubernetes platform's `kubernetes.loadBalancerAnnotations`).
 */
export function loadBalancerAnnotations(
  cloud: Cloud,
  own: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return { ...PLATFORM_TRAITS[cloud].loadBalancerAnnotations, ...own };
}

/** The address a load balancer is reached at: its IP where the cloud gives one (GCP), else its host name (AWS). */
export function loadBalancerAddress(
  ingress: readonly { ip?: string; hostname?: string }[] | undefined,
): string | undefined {
  const first = ingress?.[0];
  return first?.ip || first?.hostname || undefined;
}
