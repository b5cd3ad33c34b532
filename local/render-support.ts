/** What local/render.ts and local/render-region.ts both write files and name processes with. */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ThanosListen } from "../builders/thanos/common";
import { bcryptHash } from "./bcrypt";
import type { ServerAccess } from "./client";
import type { LocalThanos } from "./plan";
import { LOOPBACK, address } from "./ports";
import { LOCAL_TIMING } from "./settings";

export function write(file: string, content: string, mode = 0o644): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content, { mode });
  return file;
}

export function secret(file: string, value: string): string {
  return write(file, `${value}\n`, 0o600);
}

/** Credentials that one user presents: its name, the file holding its password, and the hash servers check. */
export interface Credentials {
  readonly username: string;
  readonly passwordFile: string;
  readonly bcryptHash: string;
}

/** A new random password for `username`, written to `passwordFile`. */
export function credentials(username: string, passwordFile: string): Credentials {
  const password = randomBytes(18).toString("base64url");
  secret(passwordFile, password);
  return { username, passwordFile, bcryptHash: bcryptHash(password) };
}

/** A rule file with every alert's `for` shortened to the local topology's. */
export function withLocalAlertFor<F extends { groups: readonly { rules: readonly object[] }[] }>(
  file: F,
  alertFor: string = LOCAL_TIMING.alertFor,
): F {
  return {
    ...file,
    groups: file.groups.map((g) => ({ ...g, rules: g.rules.map((r) => ("for" in r ? { ...r, for: alertFor } : r)) })),
  };
}

export const listen = (t: LocalThanos): ThanosListen => ({
  host: LOOPBACK,
  grpcPort: t.grpcPort,
  httpPort: t.httpPort,
});
export const httpAccess = (port: number): ServerAccess => ({ url: `http://${address(port)}` });

/** A process and how to tell it is ready (an HTTP path that answers 2xx once it serves). */
export interface ReadinessProbe {
  readonly access: ServerAccess;
  readonly path: string;
}
