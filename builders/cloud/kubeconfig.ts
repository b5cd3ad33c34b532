/**
 * Kubeconfigs that hold no credential: the user entry runs the cloud's own token helper on every request, so
 * the document can be shared and rotates nothing when a person or CI identity changes.
 */

/** The exec credential API both helpers speak (aws-cli v2 and gke-gcloud-auth-plugin). */
export const EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1";

export interface ExecCredential {
  readonly apiVersion: typeof EXEC_API_VERSION;
  readonly command: string;
  readonly args?: readonly string[];
  readonly provideClusterInfo?: boolean;
  readonly installHint: string;
  readonly interactiveMode: "Never";
}

export interface ClusterEndpoint {
  readonly clusterName: string;
  /** The API server's address, with or without `https://` (GKE answers a bare IP). */
  readonly endpoint: string;
  /** Base64 PEM of the cluster CA, as both clouds return it. */
  readonly certificateAuthorityData: string;
}

export function eksExecCredential(clusterName: string, region: string): ExecCredential {
  return {
    apiVersion: EXEC_API_VERSION,
    command: "aws",
    args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
    installHint:
      "Install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html",
    interactiveMode: "Never",
  };
}

export function gkeExecCredential(): ExecCredential {
  return {
    apiVersion: EXEC_API_VERSION,
    command: "gke-gcloud-auth-plugin",
    provideClusterInfo: true,
    installHint:
      "Install gke-gcloud-auth-plugin: https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin",
    interactiveMode: "Never",
  };
}

/** A one-cluster, one-context kubeconfig document (serialize it with the `yaml` package). */
export function kubeconfig(cluster: ClusterEndpoint, exec: ExecCredential) {
  const name = cluster.clusterName;
  const server = cluster.endpoint.startsWith("https://") ? cluster.endpoint : `https://${cluster.endpoint}`;
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server, "certificate-authority-data": cluster.certificateAuthorityData } }],
    users: [{ name, user: { exec } }],
    contexts: [{ name, context: { cluster: name, user: name } }],
    "current-context": name,
    preferences: {},
  };
}
