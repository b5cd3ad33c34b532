import { loadProgramConfig } from "../tiers/load-config";
import { REPO_ROOT, rawConfigOf, readStackFile, receiverSecretKeys } from "../config/stack-file";
import type { GlobalStackConfig, RegionalStackConfig, StaticScrapeJob } from "../config/types";
import { address } from "./ports";
import { GLOBAL_STACK, LOCAL_DISABLED_ALERTS, LOCAL_RECEIVER, LOCAL_TIMING } from "./settings";

export { REPO_ROOT };

/** Loads a stack's own file through the program's config validation, with local values laid over its keys. */
export function loadWithOverrides(stack: string, overrides: Record<string, unknown>) {
  const merged: Record<string, unknown> = { ...readStackFile(stack) };
  for (const [key, value] of Object.entries(overrides)) {
    const base = merged[key];
    merged[key] = isObject(base) && isObject(value) ? { ...base, ...value } : value;
  }
  return loadProgramConfig(stack, rawConfigOf(merged, receiverSecretKeys(merged)));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A regional stack as the local topology runs it: its own file, local intervals and shards, local targets.
 * `interval`, when given, is both the scrape and the rule evaluation interval; `retiringShards` are kept with no
 * target (prometheus.retiringShards). With `receiveEndpoint`, the region writes out (`ingestion.mode`
 * remote-write) to that `host:port`, as a user's stack file says it.
 */
export function localRegionalConfig(
  stack: string,
  shards: number,
  staticJobs: readonly StaticScrapeJob[],
  interval?: string,
  retiringShards: readonly number[] = [],
  receiveEndpoint?: string,
): RegionalStackConfig {
  const config = loadWithOverrides(stack, {
    ...(receiveEndpoint ? { ingestion: { mode: "remote-write", receiveEndpoint } } : {}),
    prometheus: {
      shards,
      retiringShards,
      scrapeInterval: interval ?? LOCAL_TIMING.scrapeInterval,
      evaluationInterval: interval ?? LOCAL_TIMING.evaluationInterval,
      staticJobs,
    },
    alerts: { disabled: LOCAL_DISABLED_ALERTS },
  });
  if (config.tier !== "regional") throw new Error(`Pulumi.${stack}.yaml is not a regional stack`);
  return config;
}

/**
 * The global stack as the local topology runs it: every notification goes to the local webhook receiver.
 * With `regions`, it federates only those of its regions.
 */
const WEBHOOK_URL_KEY = "localWebhookUrl";
const HEARTBEAT_URL_KEY = "localHeartbeatUrl";
/** The path of the local webhook receiver the heartbeat pings. */
export const HEARTBEAT_PATH = "/heartbeat";

/** The secret config values of the local global stack: every notification and heartbeat goes to the local webhook receiver. */
export function localAlertingSecrets(webhookPort: number): Readonly<Record<string, string>> {
  return {
    [WEBHOOK_URL_KEY]: `http://${address(webhookPort)}/`,
    [HEARTBEAT_URL_KEY]: `http://${address(webhookPort)}${HEARTBEAT_PATH}`,
  };
}

export function localGlobalConfig(webhookPort: number, regions?: readonly string[]): GlobalStackConfig {
  const config = loadWithOverrides(GLOBAL_STACK, {
    alerting: {
      // The dead man's switch pings the webhook receiver as often as the config allows.
      heartbeat: { type: "webhook", secretKey: HEARTBEAT_URL_KEY, interval: LOCAL_TIMING.heartbeatInterval },
      receivers: [{ name: LOCAL_RECEIVER, type: "webhook", secretKey: WEBHOOK_URL_KEY }],
      defaultReceiver: LOCAL_RECEIVER,
      routes: [],
      // One notification group per alerting target, so each induced alert can be counted on its own.
      groupBy: ["alertname", "region", "job", "instance"],
      groupWait: LOCAL_TIMING.groupWait,
      groupInterval: LOCAL_TIMING.groupInterval,
      repeatInterval: LOCAL_TIMING.repeatInterval,
    },
    // Grafana does not run here (design: it is never run): no single sign-on, whose client secret has no local value.
    grafana: { sso: undefined },
    ...localAlertingSecrets(webhookPort),
  });
  if (config.tier !== "global") throw new Error(`Pulumi.${GLOBAL_STACK}.yaml is not the global stack`);
  return regions ? { ...config, regions: config.regions.filter((r) => regions.includes(r.name)) } : config;
}
