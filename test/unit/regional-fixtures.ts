import { loadStackConfig, RegionalStackConfig } from "../../config";
import type { ObjectStoreLocation } from "../../builders/cloud/object-store";
import { CLOUD_TRAITS } from "../../config/clouds";
import { rawConfigOf } from "../../config/stack-file";
import { readStackFile } from "../harness/program";

/** A regional stack's config as its stack file gives it, with `prometheus` settings merged over it. */
export function regionalStack(stack: "us-east" | "eu-west", prometheus: Record<string, unknown> = {}): RegionalStackConfig {
  const file = readStackFile(stack);
  const values: Record<string, unknown> = { ...file, prometheus: { ...(file.prometheus as object), ...prometheus } };
  const config = loadStackConfig(stack, rawConfigOf(values));
  if (config.tier !== "regional") throw new Error(`${stack} is not a regional stack`);
  return config;
}

/** The bucket each test region uses, on its own cloud. */
export function bucketOf(config: RegionalStackConfig): ObjectStoreLocation {
  const name = `${config.namePrefix}-thanos-blocks`;
  return CLOUD_TRAITS[config.cloud].objectStore(name, config.region);
}
