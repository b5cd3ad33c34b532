import * as YAML from "yaml";

/** A YAML (or JSON) document as data, or undefined when the text is not one. */
export function parseYaml(text: string): any {
  try {
    return YAML.parse(text);
  } catch {
    return undefined;
  }
}
