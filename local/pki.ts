import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * Local TLS material, made with the `openssl` CLI (Node can make keys but not certificates). It mirrors the
 * clouds' trust: a CA per region signing its server and client certificates, an alerting CA per region, and
 * one Alertmanager intermediate CA cross-signed by every region's alerting CA, so one certificate chain is
 * trusted by every region. Keys are EC P-256; the material is made anew on every start.
 */
export interface CertificateFiles {
  readonly cert: string;
  readonly key: string;
}

/** Longer than any certificate warning a stack file may set, so a healthy run raises no expiry alert. */
const DAYS = 200;

function openssl(args: readonly string[]): void {
  try {
    execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === "ENOENT")
      throw new Error(
        "the local topology needs the openssl CLI: sudo apt-get install -y openssl (macOS: brew install openssl)",
      );
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

export class Pki {
  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private files(name: string): CertificateFiles {
    return { cert: path.join(this.dir, `${name}.crt`), key: path.join(this.dir, `${name}.key`) };
  }

  private newKey(file: string): void {
    openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file]);
  }

  /** A self-signed root CA. */
  rootCa(name: string, commonName: string): CertificateFiles {
    const f = this.files(name);
    this.newKey(f.key);
    openssl([
      "req",
      "-x509",
      "-new",
      "-key",
      f.key,
      "-out",
      f.cert,
      "-days",
      String(DAYS),
      "-subj",
      `/CN=${commonName}`,
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    return f;
  }

  /**
   * One intermediate CA key and subject, certified by each signer: the chain served with a leaf lists every
   * version, and a client that trusts any one signer finds its path.
   */
  crossSignedIntermediate(
    name: string,
    commonName: string,
    signers: readonly CertificateFiles[],
  ): { key: string; certs: string[] } {
    const key = this.files(name).key;
    this.newKey(key);
    const certs = signers.map((signer, i) =>
      this.sign(`${name}-by-${i}`, key, commonName, signer, [
        "basicConstraints=critical,CA:TRUE,pathlen:0",
        "keyUsage=critical,keyCertSign,cRLSign",
      ]),
    );
    return { key, certs };
  }

  /** A server certificate for the given DNS names and IP addresses, valid `days` days. */
  server(
    name: string,
    issuer: CertificateFiles,
    dnsNames: readonly string[],
    ips: readonly string[],
    days = DAYS,
  ): CertificateFiles {
    const f = this.files(name);
    this.newKey(f.key);
    const san = [...dnsNames.map((d) => `DNS:${d}`), ...ips.map((ip) => `IP:${ip}`)].join(",");
    this.sign(
      name,
      f.key,
      dnsNames[0] ?? ips[0],
      issuer,
      ["basicConstraints=critical,CA:FALSE", "extendedKeyUsage=serverAuth", `subjectAltName=${san}`],
      days,
    );
    return f;
  }

  /**
   * A client certificate (mutual TLS). Kubernetes reads the user from the common name and the groups from the
   * organizations (`system:masters` is the admin group).
   */
  client(
    name: string,
    issuer: CertificateFiles,
    commonName: string,
    organizations: readonly string[] = [],
  ): CertificateFiles {
    const f = this.files(name);
    this.newKey(f.key);
    this.sign(
      name,
      f.key,
      commonName,
      issuer,
      ["basicConstraints=critical,CA:FALSE", "extendedKeyUsage=clientAuth"],
      DAYS,
      organizations,
    );
    return f;
  }

  /** A bare key pair (no certificate), as Kubernetes signs and verifies service-account tokens with. */
  keyPair(name: string): { readonly privateKey: string; readonly publicKey: string } {
    const privateKey = path.join(this.dir, `${name}.key`);
    const publicKey = path.join(this.dir, `${name}.pub`);
    this.newKey(privateKey);
    openssl(["pkey", "-in", privateKey, "-pubout", "-out", publicKey]);
    return { privateKey, publicKey };
  }

  /** When a certificate expires, in RFC 3339 (as @pulumi/tls reports `validityEndTime`). */
  static validityEnd(certFile: string): string {
    return new Date(new X509Certificate(fs.readFileSync(certFile)).validTo).toISOString();
  }

  /** Concatenates PEM files (a leaf and its intermediates, or several CAs) into one. */
  bundle(name: string, parts: readonly string[]): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, parts.map((p) => `${fs.readFileSync(p, "utf8").trimEnd()}\n`).join(""), { mode: 0o600 });
    return file;
  }

  private sign(
    name: string,
    key: string,
    commonName: string,
    issuer: CertificateFiles,
    extensions: readonly string[],
    days = DAYS,
    organizations: readonly string[] = [],
  ): string {
    const csr = path.join(this.dir, `${name}.csr`);
    const ext = path.join(this.dir, `${name}.ext`);
    const cert = path.join(this.dir, `${name}.crt`);
    const subject = [...organizations.map((o) => `/O=${o}`), `/CN=${commonName}`].join("");
    openssl(["req", "-new", "-key", key, "-out", csr, "-subj", subject]);
    fs.writeFileSync(
      ext,
      `${[...extensions, "subjectKeyIdentifier=hash", "authorityKeyIdentifier=keyid"].join("\n")}\n`,
    );
    openssl([
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      issuer.cert,
      "-CAkey",
      issuer.key,
      "-CAcreateserial",
      "-days",
      String(days),
      "-extfile",
      ext,
      "-out",
      cert,
    ]);
    fs.rmSync(csr);
    fs.rmSync(ext);
    return cert;
  }
}
