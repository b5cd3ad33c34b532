/**
 * docs/configuration.md as the schema has it: the text `npm run config:docs` writes, and the unit test compares
 * with the file in the repository.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configReferenceTable } from "./docs";
import { REPO_ROOT } from "./stack-file";

/** The page that holds the config reference table, between the markers below. */
export const CONFIG_REFERENCE_DOC = path.join(REPO_ROOT, "docs", "configuration.md");
export const TABLE_START = "<!-- config reference: written by npm run config:docs from config/schema.ts -->";
export const TABLE_END = "<!-- end of config reference -->";

/** The page with the text between the reference markers replaced by the schema's table. */
export function docWithReference(text: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`docs/configuration.md lacks the markers ${TABLE_START} ... ${TABLE_END}`);
  }
  return `${text.slice(0, start + TABLE_START.length)}\n${configReferenceTable()}\n${text.slice(end)}`;
}

export function writeConfigDocs(): void {
  fs.writeFileSync(CONFIG_REFERENCE_DOC, docWithReference(fs.readFileSync(CONFIG_REFERENCE_DOC, "utf8")));
}
