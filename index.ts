/**
 * Pulumi entry point. The stack's config says which tier it is (regional or global) and on which cloud;
 * the stack outputs are this module's exports.
 */
import * as pulumi from "@pulumi/pulumi";
import { receiverSecretFiles } from "./builders/alertmanager/config";
import { ConfigError, StackConfig, loadStackConfig, projectConfig } from "./config";
import { deployGlobal } from "./tiers/global";
import { deployRegional } from "./tiers/regional";
import { SIZING_RULES, sizingWarnings } from "./tiers/sizing-rules";

const NAMESPACE = "monitoring";

/**
 * Whether Pulumi holds a config key as a secret: the SDK's own test (pulumi.Config uses it to warn about
 * secrets read with get), exported at run time but left out of its type declarations.
 */
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret;

/**
 * The validated config, or a RunError with the ConfigError's sentences, one a line: Pulumi's language host
 * prints a RunError's message alone, and any other error as util.inspect output with its stack trace.
 * runtime.allConfig reads raw values (secret ones too) without Pulumi's "use getSecret" warning: the
 * validator only checks that a receiver's secret is present and held as a secret; it is read as one below.
 * Values that load but that few mean are warned of once each, as the CLI shows a program's warnings.
 */
function stackConfig(): StackConfig {
  let config: StackConfig;
  try {
    config = loadStackConfig(pulumi.getStack(), projectConfig(pulumi.runtime.allConfig(), isConfigSecret), process.cwd(), SIZING_RULES);
  } catch (err) {
    throw err instanceof ConfigError ? new pulumi.RunError(err.message, { cause: err }) : err;
  }
  sizingWarnings(config).forEach((warning) => pulumi.log.warn(warning));
  return config;
}

function receiverSecrets(keys: readonly string[]): Record<string, pulumi.Output<string>> {
  const secrets = new pulumi.Config(NAMESPACE);
  return Object.fromEntries(keys.map((key) => [key, secrets.requireSecret(key)]));
}

const config = stackConfig();

export = config.tier === "regional"
  ? deployRegional(config)
  : deployGlobal(config, receiverSecrets(receiverSecretFiles(config.alerting, config.teams)));
