/**
 * The README as the schema has it: the text `npm run config:docs` writes, and the unit test compares with the
 * file in the repository.
 */
import * as fs from "fs";
import * as path from "path";
import { configReferenceTable } from "./docs";
import { REPO_ROOT } from "./stack-file";

export const README = path.join(REPO_ROOT, "README.md");
export const TABLE_START = "<!-- config reference: written by npm run config:docs from config/schema.ts -->";
export const TABLE_END = "<!-- end of config reference -->";

/** The README with the text between the reference markers replaced by the schema's table. */
export function readmeWithReference(text: string): string {
  const start = text.indexOf(TABLE_START);
  const end = text.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${TABLE_START} ... ${TABLE_END}`);
  return `${text.slice(0, start + TABLE_START.length)}\n${configReferenceTable()}\n${text.slice(end)}`;
}

export function writeConfigDocs(): void {
  fs.writeFileSync(README, readmeWithReference(fs.readFileSync(README, "utf8")));
}
