/**
 * Pulumi entry point. The stack's config says which tier it is (regional or global) and on which cloud;
 * the stack outputs are what the exported program returns.
 */
import { loadProgramConfig } from "./tiers/load-config";
import * as pulumi from "@pulumi/pulumi";
import { secretConfigKeys } from "./builders/global/secrets";
import { ConfigError, type StackConfig, projectConfig } from "./config";
import { deployGlobal, readRegionOutputs } from "./tiers/global";
import { deployRegional } from "./tiers/regional";
import { networkPolicyWarnings } from "./tiers/network-policy-warnings";
import { sizingWarnings } from "./tiers/sizing-rules";

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
    config = loadProgramConfig(
      pulumi.getStack(),
      projectConfig(pulumi.runtime.allConfig(), isConfigSecret),
      process.cwd(),
    );
  } catch (err) {
    throw err instanceof ConfigError ? new pulumi.RunError(err.message, { cause: err }) : err;
  }
  for (const warning of [...sizingWarnings(config), ...networkPolicyWarnings(config)]) pulumi.log.warn(warning);
  return config;
}

function secretConfig(keys: readonly string[]): Record<string, pulumi.Output<string>> {
  const secrets = new pulumi.Config(NAMESPACE);
  return Object.fromEntries(keys.map((key) => [key, secrets.requireSecret(key)]));
}

// Read as the module loads: a mistake stops the program before Pulumi starts running it (a rejected program
// function costs the language host seconds of its own before it exits).
const config = stackConfig();

/**
 * The program, as Pulumi's language host and the Automation API's inline programs both run it: an async
 * function, so the global stack reads and checks every region's outputs before its first resource.
 */
async function monitoring(): Promise<Record<string, unknown>> {
  if (config.tier === "regional") return { ...deployRegional(config) };
  const regions = await readRegionOutputs(config);
  return { ...deployGlobal(config, secretConfig(secretConfigKeys(config)), regions) };
}

export = monitoring;
