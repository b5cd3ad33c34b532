import type * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";

/**
 * Explicit providers for what a stack generates locally (keys, certificates, passwords). Passed as a
 * component's `providers`, every such child inherits them, so no resource of the stack runs on an ambient
 * default provider (design: "no ambient default providers"); neither provider needs credentials.
 */
export function localProviders(namePrefix: string): pulumi.ProviderResource[] {
  return [new tls.Provider(`${namePrefix}-tls`, {}), new random.Provider(`${namePrefix}-random`, {})];
}
