/**
 * The files the policy pack holds as copies of the program's: a pack is published and installed on its own,
 * so it reads nothing outside policy/, yet it must refuse exactly what the config refuses. `npm run
 * policy:shared` writes the copies; a unit test fails while one differs from its source.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../config/stack-file";

/** Each copy in the pack, by path, with the program file it copies. */
export const POLICY_COPIES: Readonly<Record<string, string>> = {
  "policy/lib/cidr.ts": "config/cidr.ts",
};

/** A copy's text: its source's, under a line that says where it comes from. */
export function policyCopyText(source: string): string {
  const text = fs.readFileSync(path.join(REPO_ROOT, source), "utf8");
  return `// A copy of ${source}, written by \`npm run policy:shared\`: edit that file, not this one.\n${text}`;
}

if (require.main === module) {
  for (const [copy, source] of Object.entries(POLICY_COPIES))
    fs.writeFileSync(path.join(REPO_ROOT, copy), policyCopyText(source));
}
