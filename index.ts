/**
 * Pulumi entry point. The stack's config says which tier it is (regional or global) and on which cloud;
 * the stack outputs are this module's exports.
 */
import * as pulumi from "@pulumi/pulumi";
import { receiverSecretFiles } from "./builders/alertmanager/config";
import { loadStackConfig } from "./config";
import { deployGlobal } from "./tiers/global";
import { deployRegional } from "./tiers/regional";

const NAMESPACE = "monitoring";

// runtime.getConfig reads raw values (secret ones too) without Pulumi's "use getSecret" warning: the
// validator only checks that a receiver's secret is present, and the value is read as a secret below.
const config = loadStackConfig(pulumi.getStack(), (key) => pulumi.runtime.getConfig(`${NAMESPACE}:${key}`));

function receiverSecrets(keys: readonly string[]): Record<string, pulumi.Output<string>> {
  const secrets = new pulumi.Config(NAMESPACE);
  return Object.fromEntries(keys.map((key) => [key, secrets.requireSecret(key)]));
}

export = config.tier === "regional"
  ? deployRegional(config)
  : deployGlobal(config, receiverSecrets(receiverSecretFiles(config.alerting)));
