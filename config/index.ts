export * from "./types";
export { Cloud, CLOUDS } from "./clouds";
export { ConfigError } from "./errors";
export { loadStackConfig } from "./load";
export { RawConfig, projectConfig } from "./raw";
export { parseDuration } from "./duration";
