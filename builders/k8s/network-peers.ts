/** Addresses and ports the NetworkPolicies of both tiers name (builders/k8s/network-policies.ts). */

/** Instance metadata: EC2's and GCE's IPv4 address, and EC2's IPv6 one. */
export const METADATA_CIDRS = { ipv4: "169.254.169.254/32", ipv6: "fd00:ec2::254/128" } as const;

/** The cluster DNS (CoreDNS on EKS, kube-dns on GKE), which both label `k8s-app: kube-dns` in kube-system. */
export const KUBE_DNS_PEER = {
  namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
  podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
};

/** Every address outside the cluster's pods but instance metadata, IPv4 and IPv6. */
export const INTERNET_PEERS = [
  { ipBlock: { cidr: "0.0.0.0/0", except: [METADATA_CIDRS.ipv4] } },
  { ipBlock: { cidr: "::/0", except: [METADATA_CIDRS.ipv6] } },
];

/** Pods of every namespace (ipBlock rules do not reliably match pod addresses, e.g. under Cilium). */
export const ALL_PODS_PEER = { namespaceSelector: {} };

export const tcp = (port: number) => ({ protocol: "TCP", port });
export const udp = (port: number) => ({ protocol: "UDP", port });
