import * as pulumi from "@pulumi/pulumi";
import { loadBalancerAnnotations } from "../builders/global/load-balancer";
import { isRemoteWrite } from "../builders/regional/agent";
import { gatewayExposure } from "../builders/regional/exposure";
import { BUCKET_IDENTITIES } from "../builders/regional/layout";
import { type CloudPlatform, type KubernetesCluster, type ObjectBucket, onCloud } from "../components/cloud";
import { RegionalMonitoring } from "../components/regional";
import type { RegionalStackConfig } from "../config";
import type { RegionalOutputs } from "../contracts/regional-outputs";
import { bucketIdentityAnnotations } from "./bucket-identities";
import { localProviders } from "./local-providers";

/** Every output of contracts/regional-outputs.ts, as the Pulumi values the stack exports. */
export type RegionalStackOutputs = { readonly [K in keyof RegionalOutputs]: pulumi.Input<RegionalOutputs[K]> };

/**
 * A region: its cluster, the bucket Thanos writes to, the identity Thanos and Prometheus use for it, and the
 * monitoring workloads. Returns the stack outputs the global tier reads.
 */
export function deployRegional(config: RegionalStackConfig): RegionalStackOutputs {
  return onCloud(config, (cloud) => deployRegionalOn(cloud, config));
}

function deployRegionalOn<C extends KubernetesCluster, B extends ObjectBucket>(
  cloud: CloudPlatform<C, B>,
  config: RegionalStackConfig,
): RegionalStackOutputs {
  const cluster = cloud.cluster();
  const bucket = cloud.bucket({ purpose: "thanos" });
  const identityAnnotations = bucketIdentityAnnotations(cloud, cluster, bucket, BUCKET_IDENTITIES);
  // Children register only once their parent has, and it waits for the nodes and the CSI driver: so does
  // every workload in it.
  const monitoring = new RegionalMonitoring(
    `${config.namePrefix}-monitoring`,
    {
      config,
      provider: cluster.provider,
      objectStore: bucket.location,
      identityAnnotations,
      clusterName: cluster.clusterName,
      storageClassName: cluster.storageClassName,
    },
    { providers: localProviders(config.namePrefix), dependsOn: [...cluster.workloadsReady] },
  );
  return {
    tier: "regional",
    region: config.stack,
    cloud: config.cloud,
    cloudRegion: config.region,
    clusterName: cluster.clusterName,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    egressCidrs: cluster.egressCidrs,
    namespace: monitoring.namespace,
    bucketName: bucket.bucketName,
    externalLabels: monitoring.externalLabels,
    replicaLabel: monitoring.replicaLabel,
    prometheusPods: monitoring.prometheusPods,
    gatewaySelector: monitoring.gatewaySelector,
    federationPort: monitoring.federationPort,
    storeApiPort: monitoring.storeApiPort,
    tlsServerName: monitoring.tlsServerName,
    tlsCaCert: monitoring.tlsCaCert,
    storeApiClientCert: pulumi.secret(monitoring.storeApiClientCert),
    storeApiClientKey: pulumi.secret(monitoring.storeApiClientKey),
    federationUsername: monitoring.federationUsername,
    federationPassword: pulumi.secret(monitoring.federationPassword),
    alertingCaCert: monitoring.alertingCaCert,
    alertingCaKey: pulumi.secret(monitoring.alertingCaKey),
    alertingUsername: monitoring.alertingUsername,
    alertingPassword: pulumi.secret(monitoring.alertingPassword),
    alertingPasswordHash: pulumi.secret(monitoring.alertingPasswordHash),
    alertmanagerTargetsConfigMap: monitoring.alertmanagerTargetsConfigMap,
    alertmanagerTargetsKey: monitoring.alertmanagerTargetsKey,
    certificateExpiries: monitoring.certificateExpiries,
    loadBalancerAnnotations: loadBalancerAnnotations(config.cloud, config.kubernetes?.loadBalancerAnnotations),
    gatewayExposure: gatewayExposure(config.kubernetes?.exposure, {
      federation: monitoring.federationPort,
      storeApi: monitoring.storeApiPort,
    }),
    // Only a remote-write region says so: a sidecar region's outputs stay what they were.
    ...(isRemoteWrite(config) ? { ingestionMode: "remote-write" as const } : {}),
  };
}
