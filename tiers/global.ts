import * as pulumi from "@pulumi/pulumi";
import { type CloudPlatform, type KubernetesCluster, type ObjectBucket, onCloud } from "../components/cloud";
import { clusterProvider } from "../components/cloud/cluster-access";
import { GlobalMonitoring, type GlobalRegion, type ReceiveBucket } from "../components/global";
import { RECEIVE_BUCKET, RECEIVE_BUCKET_IDENTITIES } from "../builders/global/layout";
import type { GlobalStackConfig, RegionReference } from "../config";
import {
  OPTIONAL_REGIONAL_OUTPUT_NAMES,
  REGIONAL_OUTPUT_NAMES,
  type RegionalOutputs,
} from "../contracts/regional-outputs";
import { validateRegionalOutputs } from "../contracts/validate-regional-outputs";
import { bucketIdentityAnnotations } from "./bucket-identities";
import { localProviders } from "./local-providers";

export interface GlobalStackOutputs {
  readonly grafanaUrl: pulumi.Output<string>;
  readonly grafanaAddress: pulumi.Output<string>;
  readonly thanosQueryUrl: pulumi.Output<string>;
  readonly thanosQueryUsername: string;
  readonly thanosQueryPassword: pulumi.Output<string>;
  readonly alertmanagerEndpoints: pulumi.Output<string[]>;
  readonly grafanaAdminPassword: pulumi.Output<string>;
  readonly ingressCaCert: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  readonly regions: string[];
  /** Where remote-write regions' agents write (their `ingestion.receiveEndpoint`), when any region does. */
  readonly receiveEndpoint?: pulumi.Output<string>;
}

/**
 * The global tier: its own cluster and managed Postgres, and the wiring of every listed region read through
 * a StackReference. What it places into a region it creates with a provider for that region's cluster.
 */
export function deployGlobal(
  config: GlobalStackConfig,
  secretConfig: Record<string, pulumi.Output<string>>,
  regionOutputs: readonly RegionalOutputs[],
): GlobalStackOutputs {
  return onCloud(config, (cloud) => deployGlobalOn(cloud, config, secretConfig, regionOutputs));
}

function deployGlobalOn<C extends KubernetesCluster, B extends ObjectBucket>(
  cloud: CloudPlatform<C, B>,
  config: GlobalStackConfig,
  secretConfig: Record<string, pulumi.Output<string>>,
  regionOutputs: readonly RegionalOutputs[],
): GlobalStackOutputs {
  const cluster = cloud.cluster();
  const database = cloud.database({ purpose: "grafana", cluster, settings: config.database });
  const regions = config.regions.map((region, i) => regionAccess(config, region, regionOutputs[i]));
  // Children register only once their parent has, and it waits for the nodes and the CSI driver: so does
  // every workload in it.
  const monitoring = new GlobalMonitoring(
    `${config.namePrefix}-monitoring`,
    {
      config,
      provider: cluster.provider,
      database,
      globalEgressCidrs: cluster.egressCidrs,
      regions,
      secretConfig,
      storageClassName: cluster.storageClassName,
      ...(regions.some((r) => r.remoteWrite) ? { receiveBucket: receiveBucket(cloud, cluster) } : {}),
    },
    { providers: localProviders(config.namePrefix), dependsOn: [...cluster.workloadsReady] },
  );
  return {
    grafanaUrl: monitoring.grafanaUrl,
    grafanaAddress: monitoring.grafanaAddress,
    thanosQueryUrl: monitoring.thanosQueryUrl,
    thanosQueryUsername: monitoring.thanosQueryUsername,
    thanosQueryPassword: pulumi.secret(monitoring.thanosQueryPassword),
    alertmanagerEndpoints: monitoring.alertmanagerEndpoints,
    grafanaAdminPassword: pulumi.secret(monitoring.grafanaAdminPassword),
    ingressCaCert: monitoring.ingressCaCert,
    kubeconfig: pulumi.secret(cluster.kubeconfig),
    regions: config.regions.map((r) => r.name),
    ...(monitoring.receiveEndpoint ? { receiveEndpoint: monitoring.receiveEndpoint } : {}),
  };
}

/**
 * Thanos Receive's bucket, made as a region makes its own (private, versioned, encrypted, with a lifecycle), or
 * on a cluster the user runs the one its `kubernetes.bucket` names, and the identity of each ServiceAccount
 * that reaches it.
 */
function receiveBucket<C extends KubernetesCluster, B extends ObjectBucket>(
  cloud: CloudPlatform<C, B>,
  cluster: C,
): ReceiveBucket {
  const bucket = cloud.bucket({ purpose: RECEIVE_BUCKET.purpose });
  return {
    objectStore: bucket.location,
    identityAnnotations: bucketIdentityAnnotations(cloud, cluster, bucket, RECEIVE_BUCKET_IDENTITIES),
  };
}

/**
 * Every listed region's outputs, read through its StackReference and validated before the global stack
 * creates anything: a region not deployed yet (or not a regional stack of this program) stops the run with
 * one sentence per region naming the output and what to do, not halfway through with resources registered.
 */
export async function readRegionOutputs(config: GlobalStackConfig): Promise<RegionalOutputs[]> {
  const names = [...REGIONAL_OUTPUT_NAMES, ...OPTIONAL_REGIONAL_OUTPUT_NAMES];
  const read = await Promise.all(
    config.regions.map(async (region) => {
      const reference = new pulumi.StackReference(`${config.namePrefix}-${region.name}`, {
        name: region.stackReference,
      });
      try {
        const details = await Promise.all(names.map((name) => reference.getOutputDetails(name)));
        const values = Object.fromEntries(names.map((name, i) => [name, details[i].value ?? details[i].secretValue]));
        return { outputs: validateRegionalOutputs(config.stack, region.stackReference, values) };
      } catch (err) {
        return { problem: regionProblem(config, region, err) };
      }
    }),
  );
  const problems = read.flatMap((r) => ("problem" in r ? [r.problem] : []));
  if (problems.length > 0) throw new pulumi.RunError(problems.join("\n"));
  return read.map((r) => (r as { outputs: RegionalOutputs }).outputs);
}

/** A region that could not be read, as the sentence the CLI prints. */
function regionProblem(config: GlobalStackConfig, region: RegionReference, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (message.startsWith(`stack '${config.stack}'`)) return message;
  return (
    `stack '${config.stack}': regional stack '${region.stackReference}' could not be read (${message.split("\n")[0]}); ` +
    `deploy the region first (pulumi up -s ${region.name}) or fix its name in regions`
  );
}

/** A provider for the region's cluster, from its kubeconfig, and the outputs GlobalMonitoring reads. */
function regionAccess(config: GlobalStackConfig, region: RegionReference, values: RegionalOutputs): GlobalRegion {
  // Each secret field goes only into Kubernetes Secrets and TLS resources, which GlobalMonitoring marks
  // secret itself; the provider's kubeconfig is marked here.
  const outputs = pulumi.output(values);
  const provider = clusterProvider(`${config.namePrefix}-${region.name}-k8s`, pulumi.secret(values.kubeconfig), {});
  return {
    name: region.name,
    provider,
    outputs,
    alertingPasswordHash: pulumi.secret(values.alertingPasswordHash),
    remoteWrite: values.ingestionMode === "remote-write",
  };
}
