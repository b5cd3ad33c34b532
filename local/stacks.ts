import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { loadStackConfig } from "../config/load";
import type { GlobalStackConfig, RegionalStackConfig, StaticScrapeJob } from "../config/types";
import { GLOBAL_STACK, LOCAL_RECEIVER, LOCAL_TIMING } from "./settings";

const PROJECT = "monitoring";
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** A stack file's `monitoring:*` keys, as `pulumi config` would hand them to the program. */
function readStackFile(stack: string): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(doc.config ?? {}).filter(([key]) => key.startsWith(`${PROJECT}:`)).map(([key, value]) => [key.slice(PROJECT.length + 1), value]),
  );
}

/** Loads a stack's own file through the program's config validation, with local values laid over its keys. */
function loadWithOverrides(stack: string, overrides: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...readStackFile(stack) };
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key];
    merged[key] = isObject(base) && isObject(value) ? { ...base, ...value } : value;
  }
  return loadStackConfig(stack, (key) => {
    const value = merged[key];
    return value === undefined ? undefined : typeof value === "string" ? value : JSON.stringify(value);
  });
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
