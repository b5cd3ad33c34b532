import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  webcrypto,
} from "node:crypto";
import * as sshpk from "sshpk";

/**
 * Keys as terraform-provider-tls (v4) makes and encodes them, generated and encoded by Node's crypto
 * (OpenSSL); sshpk writes the OpenSSH private key format, which Node lacks.
 */
export const ALGORITHMS = ["RSA", "ECDSA", "ED25519"] as const;
export type Algorithm = (typeof ALGORITHMS)[number];
export const ECDSA_CURVES = { P224: "P-224", P256: "P-256", P384: "P-384", P521: "P-521" } as const;
export type EcdsaCurve = keyof typeof ECDSA_CURVES;

/** The PEM types upstream's parsePrivateKeyPEM accepts. */
const PRIVATE_KEY_PEM_TYPES = ["RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY"];
const ALGORITHM_OF_NODE_TYPE: Record<string, Algorithm> = { rsa: "RSA", ec: "ECDSA", ed25519: "ED25519" };

export function generatePrivateKey(algorithm: Algorithm, ecdsaCurve: EcdsaCurve, rsaBits: number): KeyObject {
  switch (algorithm) {
    case "RSA":
      return generateKeyPairSync("rsa", { modulusLength: rsaBits }).privateKey;
    case "ECDSA":
      return generateKeyPairSync("ec", { namedCurve: ECDSA_CURVES[ecdsaCurve] }).privateKey;
    case "ED25519":
      return generateKeyPairSync("ed25519").privateKey;
  }
}

export function parsePrivateKeyPem(pem: string): { key: KeyObject; algorithm: Algorithm } {
  const type = /^-----BEGIN ([A-Z ]+)-----/m.exec(pem)?.[1];
  if (!type || !PRIVATE_KEY_PEM_TYPES.includes(type))
    throw new Error(
      `failed to parse private key PEM: expected one of ${PRIVATE_KEY_PEM_TYPES.join(", ")}, got ${type ?? "no PEM block"}`,
    );
  const key = createPrivateKey(pem);
  const algorithm = ALGORITHM_OF_NODE_TYPE[key.asymmetricKeyType ?? ""];
  if (!algorithm) throw new Error(`unsupported private key type: ${key.asymmetricKeyType}`);
  return { key, algorithm };
}

/** PKCS#1 for RSA, SEC 1 for ECDSA, PKCS#8 for ED25519, as upstream's `private_key_pem`. */
export function privateKeyPem(key: KeyObject): string {
  const type = key.asymmetricKeyType === "rsa" ? "pkcs1" : key.asymmetricKeyType === "ec" ? "sec1" : "pkcs8";
  return key.export({ type, format: "pem" }) as string;
}

export const pkcs8Pem = (key: KeyObject): string => key.export({ type: "pkcs8", format: "pem" }) as string;

/** golang.org/x/crypto/ssh has no P-224, so upstream leaves the OpenSSH outputs empty for it. */
const hasOpenSsh = (key: KeyObject) => key.asymmetricKeyDetails?.namedCurve !== "secp224r1";

export function privateKeyOpenssh(key: KeyObject): string {
  return hasOpenSsh(key) ? sshpk.parsePrivateKey(pkcs8Pem(key), "pem").toString("openssh") : "";
}

export interface PublicKeyOutputs {
  readonly publicKeyPem: string;
  readonly publicKeyOpenssh: string;
  readonly publicKeyFingerprintMd5: string;
  readonly publicKeyFingerprintSha256: string;
}

export function publicKeyOutputs(key: KeyObject): PublicKeyOutputs {
  const publicKeyPem = publicOf(key).export({ type: "spki", format: "pem" }) as string;
  if (!hasOpenSsh(key))
    return { publicKeyPem, publicKeyOpenssh: "", publicKeyFingerprintMd5: "", publicKeyFingerprintSha256: "" };
  const blob = sshpk.parseKey(publicKeyPem, "pem").toBuffer("rfc4253");
  const sshType = blob.subarray(4, 4 + blob.readUInt32BE(0)).toString();
  return {
    publicKeyPem,
    // ssh.MarshalAuthorizedKey: no comment, one newline.
    publicKeyOpenssh: `${sshType} ${blob.toString("base64")}\n`,
    publicKeyFingerprintMd5: createHash("md5")
      .update(blob)
      .digest("hex")
      .replace(/(..)(?!$)/g, "$1:"),
    publicKeyFingerprintSha256: `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`,
  };
}

const publicOf = (key: KeyObject): KeyObject => (key.type === "public" ? key : createPublicKey(key));

export const spkiDer = (key: KeyObject): Buffer => publicOf(key).export({ type: "spki", format: "der" });

/** Upstream's resource IDs: hex SHA-1 of DER after Go's strings.TrimSpace (hashForState). */
export function hashForState(der: Buffer): string {
  return createHash("sha1").update(goTrimSpace(der)).digest("hex");
}

/** ASCII white space and the UTF-8 encodings of Unicode's other white space, as Go's TrimSpace sees them. */
const GO_SPACES = [
  [0x09],
  [0x0a],
  [0x0b],
  [0x0c],
  [0x0d],
  [0x20],
  [0xc2, 0x85],
  [0xc2, 0xa0],
  [0xe1, 0x9a, 0x80],
  ...Array.from({ length: 11 }, (_, i) => [0xe2, 0x80, 0x80 + i]),
  [0xe2, 0x80, 0xa8],
  [0xe2, 0x80, 0xa9],
  [0xe2, 0x80, 0xaf],
  [0xe2, 0x81, 0x9f],
  [0xe3, 0x80, 0x80],
].map((s) => Buffer.from(s));

function goTrimSpace(bytes: Buffer): Buffer {
  let start = 0;
  let end = bytes.length;
  for (let found = true; found && start < end; ) {
    const space = GO_SPACES.find((s) => bytes.subarray(start, start + s.length).equals(s));
    found = space !== undefined;
    start += space?.length ?? 0;
  }
  for (let found = true; found && end > start; ) {
    const space = GO_SPACES.find((s) => end - s.length >= start && bytes.subarray(end - s.length, end).equals(s));
    found = space !== undefined;
    end -= space?.length ?? 0;
  }
  return bytes.subarray(start, end);
}

/** Bytes of one coordinate, by OpenSSL's curve name. */
const COORDINATE_BYTES: Record<string, number> = { secp224r1: 28, prime256v1: 32, secp384r1: 48, secp521r1: 66 };

/** Go's generateSubjectKeyID: SHA-1 of the key's marshalled bits (RSA PKCS#1, EC point, ED25519 as an OCTET STRING). */
export function subjectKeyId(key: KeyObject): Buffer {
  const publicKey = publicOf(key);
  const spki = spkiDer(publicKey);
  const marshalled =
    publicKey.asymmetricKeyType === "rsa"
      ? publicKey.export({ type: "pkcs1", format: "der" })
      : // The uncompressed point ends the SPKI (its BIT STRING is the last element).
        publicKey.asymmetricKeyType === "ec"
        ? spki.subarray(spki.length - 1 - 2 * COORDINATE_BYTES[publicKey.asymmetricKeyDetails?.namedCurve ?? ""])
        : Buffer.concat([Buffer.from([0x04, 0x20]), spki.subarray(spki.length - 32)]);
  return createHash("sha1").update(marshalled).digest();
}

const ECDSA_HASH: Record<string, string> = { "P-256": "SHA-256", "P-384": "SHA-384", "P-521": "SHA-512" };
const WEBCRYPTO_CURVE: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

type SigningAlgorithm =
  | (webcrypto.EcKeyImportParams & webcrypto.EcdsaParams)
  | webcrypto.RsaHashedImportParams
  | webcrypto.Algorithm;

export interface SigningKey {
  readonly keys: webcrypto.CryptoKeyPair;
  readonly algorithm: SigningAlgorithm;
}

/** The key as WebCrypto keys for @peculiar/x509, with the signature algorithm Go's x509 picks for it. */
export async function signingKey(key: KeyObject): Promise<SigningKey> {
  const algorithm = webCryptoAlgorithm(key);
  const subtle = webcrypto.subtle;
  const privateKey = await subtle.importKey("pkcs8", key.export({ type: "pkcs8", format: "der" }), algorithm, false, [
    "sign",
  ]);
  const publicKey = await subtle.importKey("spki", spkiDer(key), algorithm, true, ["verify"]);
  return { keys: { privateKey, publicKey }, algorithm };
}

function webCryptoAlgorithm(key: KeyObject): SigningAlgorithm {
  switch (key.asymmetricKeyType) {
    case "rsa":
      return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
    case "ed25519":
      return { name: "Ed25519" };
    case "ec": {
      const namedCurve = WEBCRYPTO_CURVE[key.asymmetricKeyDetails?.namedCurve ?? ""];
      if (!namedCurve)
        throw new Error(
          `the tls test stand-in signs with WebCrypto, which has no curve ${key.asymmetricKeyDetails?.namedCurve}: sign with a P256, P384 or P521, RSA or ED25519 key`,
        );
      return { name: "ECDSA", namedCurve, hash: ECDSA_HASH[namedCurve] };
    }
    default:
      throw new Error(`unsupported private key type: ${key.asymmetricKeyType}`);
  }
}
