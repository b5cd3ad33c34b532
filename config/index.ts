export * from "./types";
export { Cloud, CLOUDS } from "./clouds";
export { ConfigError } from "./errors";
export { loadStackConfig } from "./load";
export { PROJECT, RawConfig, projectConfig } from "./raw";
export { KUBERNETES_SECRET_KEYS } from "./schema";
export { parseDuration } from "./duration";
