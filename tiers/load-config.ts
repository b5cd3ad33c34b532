import { loadStackConfig } from "../config/load";
import type { RawConfig } from "../config/raw";
import type { StackConfig } from "../config/types";
import { BUILDER_RULES } from "./builder-rules";

/**
 * A stack's validated config with every rule: config's own and those above it that need the builders
 * (./builder-rules.ts). What the program, `npm run render`, the local topology and the tests load.
 */
export function loadProgramConfig(stack: string, raw: RawConfig, projectDir: string = process.cwd()): StackConfig {
  return loadStackConfig(stack, raw, projectDir, BUILDER_RULES);
}
