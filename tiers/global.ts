import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { cloudFor } from "../components/cloud";
import { GlobalMonitoring, GlobalRegion } from "../components/global";
import type { GlobalStackConfig, RegionReference } from "../config";
import { OPTIONAL_REGIONAL_OUTPUT_NAMES, REGIONAL_OUTPUT_NAMES, RegionalOutputs } from "../contracts/regional-outputs";
import { validateRegionalOutputs } from "../contracts/validate-regional-outputs";
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
}

/**
 * The global tier: its own cluster and managed Postgres, and the wiring of every listed region read through
 * a StackReference. What it places into a region it creates with a provider for that region's cluster.
 */
export function deployGlobal(config: GlobalStackConfig, receiverSecrets: Record<string, pulumi.Output<string>>): GlobalStackOutputs {
  const cloud = cloudFor(config);
  const cluster = cloud.cluster();
  const database = cloud.database({ purpose: "grafana", cluster, settings: config.database });
  const regions = config.regions.map((region) => readRegion(config, region));
  // Children register only once their parent has, and it waits for the nodes and the CSI driver: so does
  // every workload in it.
  const monitoring = new GlobalMonitoring(`${config.namePrefix}-monitoring`, {
    config,
    provider: cluster.provider,
    database,
    globalEgressCidrs: cluster.egressCidrs,
    regions,
    receiverSecrets,
    storageClassName: cluster.storageClassName,
  }, { providers: localProviders(config.namePrefix), dependsOn: [...cluster.workloadsReady] });
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
  };
}

function readRegion(config: GlobalStackConfig, region: RegionReference): GlobalRegion {
  const reference = new pulumi.StackReference(`${config.namePrefix}-${region.name}`, { name: region.stackReference });
  const validated = pulumi
    .all(Object.fromEntries([...REGIONAL_OUTPUT_NAMES, ...OPTIONAL_REGIONAL_OUTPUT_NAMES].map((name) => [name, reference.getOutput(name)])))
    .apply((values): RegionalOutputs => validateRegionalOutputs(config.stack, region.stackReference, values));
  // One secret output would taint every field read from the combined object (load balancer source ranges,
  // ConfigMaps). GlobalMonitoring puts each secret field only into Kubernetes Secrets and TLS resources, which
  // it marks secret itself; the provider's kubeconfig is marked here.
  const outputs = pulumi.unsecret(validated);
  const provider = new k8s.Provider(`${config.namePrefix}-${region.name}-k8s`, {
    kubeconfig: pulumi.secret(outputs.kubeconfig),
    enableServerSideApply: true,
  });
  return { name: region.name, provider, outputs, alertingPasswordHash: pulumi.secret(outputs.alertingPasswordHash) };
}
