import * as YAML from "yaml";

/**
 * A config file's text as every file the program renders is written: no line folding (long PromQL and
 * command lines stay whole) and no anchors (a reader sees each value where it applies).
 */
export function toYaml(value: unknown): string {
  return YAML.stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
