import { loadStackConfig } from "../config/load";
import { REPO_ROOT, rawConfigOf, readStackFile, receiverSecretKeys } from "../config/stack-file";
import type { GlobalStackConfig, RegionalStackConfig, StaticScrapeJob } from "../config/types";
import { GLOBAL_STACK, LOCAL_RECEIVER, LOCAL_TIMING } from "./settings";

export { REPO_ROOT };

/** Loads a stack's own file through the program's config validation, with local values laid over its keys. */
function loadWithOverrides(stack: string, overrides: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...readStackFile(stack) };
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key];
    merged[key] = isObject(base) && isObject(value) ? { ...base, ...value } : value;
  }
  return loadStackConfig(stack, rawConfigOf(merged, receiverSecretKeys(merged)));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A regional stack as the local topology runs it: its own file, local intervals and shards, local targets.
 * `interval`, when given, is both the scrape and the rule evaluation interval.
 */
export function localRegionalConfig(stack: string, shards: number, staticJobs: readonly StaticScrapeJob[], interval?: string): RegionalStackConfig {
  const config = loadWithOverrides(stack, {
    prometheus: {
      shards,
      scrapeInterval: interval ?? LOCAL_TIMING.scrapeInterval,
      evaluationInterval: interval ?? LOCAL_TIMING.evaluationInterval,
      staticJobs,
    },
  });
  if (config.tier !== "regional") throw new Error(`Pulumi.${stack}.yaml is not a regional stack`);
  return config;
}

/**
 * The global stack as the local topology runs it: every notification goes to the local webhook receiver.
 * With `regions`, it federates only those of its regions.
 */
export function localGlobalConfig(webhookUrl: string, regions?: readonly string[]): GlobalStackConfig {
  const secretKey = "localWebhookUrl";
  const config = loadWithOverrides(GLOBAL_STACK, {
    alerting: {
      // No heartbeat service runs locally: the stack file's heartbeat would need its secret URL.
      heartbeat: undefined,
      receivers: [{ name: LOCAL_RECEIVER, type: "webhook", secretKey }],
      defaultReceiver: LOCAL_RECEIVER,
      routes: [],
      // One notification group per alerting target, so each induced alert can be counted on its own.
      groupBy: ["alertname", "region", "job", "instance"],
      groupWait: LOCAL_TIMING.groupWait,
      groupInterval: LOCAL_TIMING.groupInterval,
      repeatInterval: LOCAL_TIMING.repeatInterval,
    },
    [secretKey]: webhookUrl,
  });
  if (config.tier !== "global") throw new Error(`Pulumi.${GLOBAL_STACK}.yaml is not the global stack`);
  return regions ? { ...config, regions: config.regions.filter((r) => regions.includes(r.name)) } : config;
}
