import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

/** bcrypt's own base64 alphabet, for the 16-byte salt. */
const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function bcryptSalt(): string {
  // 22 characters of 6 bits; the last carries only 2 significant bits, which bcrypt ignores anyway.
  return Array.from(randomBytes(22), (b) => BCRYPT_ALPHABET[b % 64]).join("");
}

/**
 * The bcrypt hash Prometheus' and Alertmanager's web config want for basic auth. Node has no bcrypt and the
 * clouds get theirs from `RandomPassword.bcryptHash`, so locally the C library's crypt(3) does it through
 * Perl (perl-base is part of every Debian and Ubuntu; glibc's libxcrypt knows `$2b$`).
 */
export function bcryptHash(password: string, cost = 10): string {
  const setting = `$2b$${String(cost).padStart(2, "0")}$${bcryptSalt()}`;
  const hash = execFileSync("perl", ["-e", "print crypt($ARGV[0], $ARGV[1])", "--", password, setting], {
    encoding: "utf8",
  });
  if (!hash.startsWith(setting.slice(0, 7)) || hash.length !== 60) {
    throw new Error(
      "this system's crypt(3) cannot make bcrypt hashes (Debian and Ubuntu's can); basic auth for the local topology needs them",
    );
  }
  return hash;
}
