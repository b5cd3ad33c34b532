import { ALL_PODS_PEER, METADATA_CIDRS } from "../../k8s/network-peers";
import type { PlatformTraits } from "../platforms";

/** A cluster the user already runs: its address plan, load balancers and bucket credentials are its own. */
export const KUBERNETES_PLATFORM: PlatformTraits = {
  // The cluster's address plan is its own.
  checkNodeAddresses: () => undefined,
  // The stack's own (kubernetes.loadBalancerAnnotations): MetalLB, kube-vip or a cloud controller each read theirs.
  loadBalancerAnnotations: {},
  // Which load balancer implementation keeps the client's address is not known: admit any address but
  // instance metadata, and let the Service's source ranges restrict. And any pod: an ingress controller
  // routing to a ClusterIP Service (kubernetes.exposure address) is one, which some network plugins never
  // match by ipBlock. What these ports serve asks for TLS and a password or a client certificate.
  loadBalancerPeers: () => [{ ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_CIDRS.ipv4] } }, ALL_PODS_PEER],
  // Pods reach the bucket with credentials held as a Secret, never through a metadata server.
  identityMetadataEgress: () => [],
};
