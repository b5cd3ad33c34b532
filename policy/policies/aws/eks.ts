import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describeOpen, openToWorld } from "../../lib/cidr";
import { propertyPolicy } from "../../lib/policy";
import { AWS } from "../../lib/types";

const EKS = [AWS.eksCluster];

/** EKS leaves the public endpoint on, open to 0.0.0.0/0, unless told otherwise. */
export const eksEndpointRestricted = propertyPolicy({
  name: "eks-endpoint-restricted",
  description: "An EKS API endpoint is private, or public only to listed address ranges, never to the whole internet.",
  types: EKS,
  violations: (cluster) => {
    const vpc = cluster.vpcConfig ?? {};
    if (vpc.endpointPublicAccess === false) return undefined;
    const cidrs: string[] = vpc.publicAccessCidrs ?? [];
    if (cidrs.length === 0)
      return "EKS public endpoint is open to the world: set vpcConfig.publicAccessCidrs or endpointPublicAccess: false";
    const open = openToWorld(cidrs);
    return open.length > 0
      ? `EKS public endpoint is open to the world: vpcConfig.publicAccessCidrs ${describeOpen(open)}`
      : undefined;
  },
});

export const eksControlPlaneLogging = propertyPolicy<{ requiredLogTypes: string[] }>({
  name: "eks-control-plane-logging",
  description:
    "EKS clusters send the configured control-plane log types (at least api, audit, authenticator) to CloudWatch.",
  types: EKS,
  configSchema: {
    properties: {
      requiredLogTypes: {
        type: "array",
        items: { type: "string", enum: ["api", "audit", "authenticator", "controllerManager", "scheduler"] },
        default: ["api", "audit", "authenticator"],
      },
    },
  },
  violations: (cluster, { requiredLogTypes }) => {
    const enabled: string[] = cluster.enabledClusterLogTypes ?? [];
    const missing = requiredLogTypes.filter((type) => !enabled.includes(type));
    return missing.length > 0
      ? `EKS cluster must enable control-plane logs ${missing.join(", ")} in enabledClusterLogTypes`
      : undefined;
  },
});

export const eksSecretsEncryption = propertyPolicy({
  name: "eks-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes Secrets with a KMS key.",
  types: EKS,
  violations: (cluster) => {
    const config = cluster.encryptionConfig;
    // Only the key's presence matters: its ARN is unknown during preview when the key is created alongside.
    const hasKey = config?.provider !== undefined && "keyArn" in config.provider;
    const resources: string[] = config?.resources ?? [];
    return hasKey && resources.includes("secrets")
      ? undefined
      : 'EKS cluster must encrypt Secrets: set encryptionConfig { provider: { keyArn }, resources: ["secrets"] }';
  },
});

export const eksPolicies: ResourceValidationPolicy[] = [
  eksEndpointRestricted,
  eksControlPlaneLogging,
  eksSecretsEncryption,
];
