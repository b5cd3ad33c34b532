export * from "./types";
export { Cloud, CLOUDS } from "./clouds";
export { ConfigError } from "./errors";
export { loadStackConfig } from "./load";
export { RawConfig } from "./reader";
export { parseDuration } from "./duration";
