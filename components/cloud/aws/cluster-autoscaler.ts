import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterAutoscalerPolicy, irsaTrustPolicy } from "../../../builders/cloud/aws-iam";
import {
  CLUSTER_AUTOSCALER_CLUSTER_RULES,
  CLUSTER_AUTOSCALER_NAME,
  CLUSTER_AUTOSCALER_NAMESPACE_RULES,
  CLUSTER_AUTOSCALER_PORT,
  CLUSTER_AUTOSCALER_SERVICE_ACCOUNT,
  type PolicyRule,
  clusterAutoscalerArgs,
  clusterAutoscalerNetworkPolicySpec,
  requireMatchingMinor,
} from "../../../builders/cloud/cluster-autoscaler";
import type { ClusterNetwork } from "../../../builders/k8s/network-policies";
import { containerSecurityContext, podSecurityContext, resources } from "../../../builders/k8s/pod";
import { IMAGES, VERSIONS } from "../../../versions";
import { IRSA_ROLE_ANNOTATION } from "./identity";

/** The builder's read-only rule as the typed input (which wants mutable arrays). */
function rbacRule(r: PolicyRule): k8s.types.input.rbac.v1.PolicyRule {
  return {
    apiGroups: [...r.apiGroups],
    resources: [...r.resources],
    verbs: [...r.verbs],
    ...(r.resourceNames ? { resourceNames: [...r.resourceNames] } : {}),
  };
}

export interface EksClusterAutoscalerArgs {
  readonly namePrefix: string;
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly region: string;
  /** The cluster's VPC and zones, for its NetworkPolicy's peers. */
  readonly network: ClusterNetwork;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcIssuerHost: pulumi.Output<string>;
  readonly aws: aws.Provider;
  readonly kubernetes: k8s.Provider;
}

/**
 * The cluster autoscaler, so the node groups grow to `cluster.nodes.maxNodes` when pods are pending and
 * shrink back: its own IRSA role (resize only this cluster's node groups), RBAC, and one Deployment in
 * kube-system with its own NetworkPolicy. One replica: it elects a leader anyway, and a restart only delays a scaling decision.
 */
export class EksClusterAutoscaler extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: EksClusterAutoscalerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:cloud:EksClusterAutoscaler", name, {}, opts);
    requireMatchingMinor(VERSIONS.clusterAutoscaler, args.kubernetesVersion);
    const base = `${args.namePrefix}-cluster-autoscaler`;
    const onAws = { parent: this, provider: args.aws };
    const onCluster = { parent: this, provider: args.kubernetes };
    const account = CLUSTER_AUTOSCALER_SERVICE_ACCOUNT;

    const role = new aws.iam.Role(
      base,
      {
        description: `The cluster autoscaler of EKS cluster ${args.clusterName} (IRSA)`,
        assumeRolePolicy: pulumi
          .all([args.oidcProviderArn, args.oidcIssuerHost])
          .apply(([arn, host]) =>
            JSON.stringify(irsaTrustPolicy({ oidcProviderArn: arn, issuerHost: host, serviceAccounts: [account] })),
          ),
      },
      onAws,
    );
    const policy = new aws.iam.RolePolicy(
      base,
      { role: role.id, policy: JSON.stringify(clusterAutoscalerPolicy(args.clusterName)) },
      onAws,
    );

    const labels = {
      "app.kubernetes.io/name": CLUSTER_AUTOSCALER_NAME,
      "app.kubernetes.io/instance": args.namePrefix,
      "app.kubernetes.io/managed-by": "pulumi",
    };
    const meta = { name: CLUSTER_AUTOSCALER_NAME, namespace: account.namespace, labels };
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      base,
      {
        metadata: { ...meta, name: account.name, annotations: { [IRSA_ROLE_ANNOTATION]: role.arn } },
      },
      onCluster,
    );
    const subject = { kind: "ServiceAccount", name: account.name, namespace: account.namespace };
    const clusterRole = new k8s.rbac.v1.ClusterRole(
      base,
      {
        metadata: { name: CLUSTER_AUTOSCALER_NAME, labels },
        rules: CLUSTER_AUTOSCALER_CLUSTER_RULES.map(rbacRule),
      },
      onCluster,
    );
    const clusterBinding = new k8s.rbac.v1.ClusterRoleBinding(
      base,
      {
        metadata: { name: CLUSTER_AUTOSCALER_NAME, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: clusterRole.metadata.name },
        subjects: [subject],
      },
      onCluster,
    );
    const namespaceRole = new k8s.rbac.v1.Role(
      base,
      { metadata: meta, rules: CLUSTER_AUTOSCALER_NAMESPACE_RULES.map(rbacRule) },
      onCluster,
    );
    const namespaceBinding = new k8s.rbac.v1.RoleBinding(
      base,
      {
        metadata: meta,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: namespaceRole.metadata.name },
        subjects: [subject],
      },
      onCluster,
    );

    const selector = {
      "app.kubernetes.io/name": CLUSTER_AUTOSCALER_NAME,
      "app.kubernetes.io/instance": args.namePrefix,
    };
    const health = { httpGet: { path: "/health-check", port: CLUSTER_AUTOSCALER_PORT }, periodSeconds: 10 };
    new k8s.apps.v1.Deployment(
      base,
      {
        metadata: meta,
        spec: {
          replicas: 1,
          selector: { matchLabels: selector },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: serviceAccount.metadata.name,
              // Scaling decisions must survive node pressure: it is what relieves it.
              priorityClassName: "system-cluster-critical",
              securityContext: podSecurityContext(),
              containers: [
                {
                  name: CLUSTER_AUTOSCALER_NAME,
                  image: IMAGES.clusterAutoscaler,
                  command: ["./cluster-autoscaler"],
                  args: clusterAutoscalerArgs(args.clusterName),
                  // The AWS SDK reads the region here; IRSA supplies the credentials.
                  env: [{ name: "AWS_REGION", value: args.region }],
                  ports: [{ name: "http", containerPort: CLUSTER_AUTOSCALER_PORT, protocol: "TCP" }],
                  resources: resources({ cpuRequest: "100m", memoryRequest: "600Mi", memoryLimit: "600Mi" }),
                  securityContext: containerSecurityContext(),
                  readinessProbe: health,
                  livenessProbe: { ...health, failureThreshold: 6 },
                },
              ],
            },
          },
        },
      },
      { ...onCluster, dependsOn: [policy, clusterBinding, namespaceBinding] },
    );

    new k8s.networking.v1.NetworkPolicy(
      base,
      { metadata: meta, spec: clusterAutoscalerNetworkPolicySpec(selector, args.network) },
      onCluster,
    );

    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
