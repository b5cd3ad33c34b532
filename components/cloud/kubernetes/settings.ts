import * as pulumi from "@pulumi/pulumi";
import { KUBERNETES_SECRET_KEYS, PROJECT } from "../../../config";
import type { BaseStackConfig, GlobalStackConfig, RegionalStackConfig } from "../../../config";

export type KubernetesSettings = NonNullable<RegionalStackConfig["kubernetes"] | GlobalStackConfig["kubernetes"]>;
export type KubernetesBucketSettings = NonNullable<RegionalStackConfig["kubernetes"]>["bucket"];
export type KubernetesDatabaseSettings = NonNullable<GlobalStackConfig["kubernetes"]>["database"];

/** The stack's `kubernetes` section, which validation requires on a Kubernetes stack. */
export function kubernetesSettings(config: BaseStackConfig): KubernetesSettings {
  if (config.kubernetes === undefined)
    throw new Error(`stack ${config.stack}: a Kubernetes stack needs its kubernetes section`);
  return config.kubernetes;
}

/**
 * One of the secret config keys a Kubernetes stack holds its credentials in (validation checked each is set
 * and secret). They are read here, in the platform's own folder, as the clouds' providers read theirs.
 */
export function platformSecret(key: keyof typeof KUBERNETES_SECRET_KEYS): pulumi.Output<string> {
  return new pulumi.Config(PROJECT).requireSecret(KUBERNETES_SECRET_KEYS[key]);
}
