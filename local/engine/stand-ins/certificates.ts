import "reflect-metadata"; // @peculiar/x509's dependency injection needs it loaded first
import * as x509 from "@peculiar/x509";
import { createPublicKey, type KeyObject, randomBytes, webcrypto } from "node:crypto";
import { isIP } from "node:net";
import { signingKey, spkiDer, subjectKeyId } from "./keys";

/**
 * Certificates and requests as terraform-provider-tls (v4, internal/provider/common_cert.go) makes them
 * with Go's crypto/x509, built and signed here by @peculiar/x509 on Node's WebCrypto.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const KEY_USAGES: Record<string, x509.KeyUsageFlags> = {
  digital_signature: x509.KeyUsageFlags.digitalSignature,
  content_commitment: x509.KeyUsageFlags.nonRepudiation,
  key_encipherment: x509.KeyUsageFlags.keyEncipherment,
  data_encipherment: x509.KeyUsageFlags.dataEncipherment,
  key_agreement: x509.KeyUsageFlags.keyAgreement,
  cert_signing: x509.KeyUsageFlags.keyCertSign,
  crl_signing: x509.KeyUsageFlags.cRLSign,
  encipher_only: x509.KeyUsageFlags.encipherOnly,
  decipher_only: x509.KeyUsageFlags.decipherOnly,
};

export const EXTENDED_KEY_USAGES: Record<string, string> = {
  any_extended: "2.5.29.37.0",
  server_auth: "1.3.6.1.5.5.7.3.1",
  client_auth: "1.3.6.1.5.5.7.3.2",
  code_signing: "1.3.6.1.5.5.7.3.3",
  email_protection: "1.3.6.1.5.5.7.3.4",
  ipsec_end_system: "1.3.6.1.5.5.7.3.5",
  ipsec_tunnel: "1.3.6.1.5.5.7.3.6",
  ipsec_user: "1.3.6.1.5.5.7.3.7",
  timestamping: "1.3.6.1.5.5.7.3.8",
  ocsp_signing: "1.3.6.1.5.5.7.3.9",
  microsoft_server_gated_crypto: "1.3.6.1.4.1.311.10.3.3",
  netscape_server_gated_crypto: "2.16.840.1.113730.4.1",
  microsoft_commercial_code_signing: "1.3.6.1.4.1.311.2.1.22",
  microsoft_kernel_code_signing: "1.3.6.1.4.1.311.61.1.1",
};

export interface Subject {
  readonly commonName?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly streetAddresses?: readonly string[];
  readonly locality?: string;
  readonly province?: string;
  readonly country?: string;
  readonly postalCode?: string;
  readonly serialNumber?: string;
  readonly emailAddress?: string;
}

/** In the order of Go's pkix.Name.ToRDNSequence; street addresses share one RDN, as there. */
const SUBJECT_OIDS: readonly [keyof Subject, string][] = [
  ["country", "2.5.4.6"],
  ["province", "2.5.4.8"],
  ["locality", "2.5.4.7"],
  ["streetAddresses", "2.5.4.9"],
  ["postalCode", "2.5.4.17"],
  ["organization", "2.5.4.10"],
  ["organizationalUnit", "2.5.4.11"],
  ["commonName", "2.5.4.3"],
  ["serialNumber", "2.5.4.5"],
  ["emailAddress", "1.2.840.113549.1.9.1"],
];

export function subjectName(subject: Subject | undefined): x509.Name {
  const rdns = SUBJECT_OIDS.flatMap(([field, oid]) => {
    const value = subject?.[field];
    const values = Array.isArray(value) ? value : value === undefined || value === "" ? [] : [value as string];
    return values.length > 0 ? [{ [oid]: values }] : [];
  });
  return new x509.Name(rdns);
}

export interface SubjectNames {
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly uris?: readonly string[];
}

function alternativeNames(names: SubjectNames, subjectIsEmpty: boolean): x509.Extension[] {
  const all: x509.JsonGeneralName[] = [
    ...(names.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(names.ipAddresses ?? []).map((value) => {
      if (isIP(value) === 0) throw new Error(`Invalid IP address: failed to parse "${value}"`);
      return { type: "ip" as const, value };
    }),
    ...(names.uris ?? []).map((value) => ({ type: "url" as const, value })),
  ];
  // Go marks the extension critical when the subject is empty (RFC 5280 4.2.1.6).
  return all.length > 0 ? [new x509.SubjectAlternativeNameExtension(all, subjectIsEmpty)] : [];
}

export interface CertificateRequest {
  readonly pem: string;
  readonly der: Buffer;
}

export async function createCertificateRequest(
  key: KeyObject,
  subject: Subject | undefined,
  names: SubjectNames,
): Promise<CertificateRequest> {
  const name = subjectName(subject);
  const { keys, algorithm } = await signingKey(key);
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: algorithm,
    extensions: alternativeNames(names, name.toJSON().length === 0),
  });
  return { pem: pemOf(request.toString("pem")), der: Buffer.from(request.rawData) };
}

export interface CertificateTemplate extends SubjectNames {
  readonly subject: x509.Name;
  readonly publicKey: KeyObject;
  readonly validityPeriodHours: number;
  readonly allowedUses: readonly string[];
  readonly isCaCertificate: boolean;
  readonly maxPathLength?: number;
  readonly setSubjectKeyId: boolean;
  readonly setAuthorityKeyId?: boolean;
}

export interface Issuer {
  readonly name: x509.Name;
  readonly key: KeyObject;
  /** The issuer certificate's subject key identifier, when it has one. */
  readonly subjectKeyId?: Buffer;
}

export interface IssuedCertificate {
  readonly certPem: string;
  /** The serial number in decimal: the real provider's resource ID. */
  readonly serialNumber: string;
  readonly validityStartTime: string;
  readonly validityEndTime: string;
}

/** createCertificate upstream: a random 128-bit serial, validity from now, uses, CA flag and key IDs. */
export async function createCertificate(t: CertificateTemplate, issuer: Issuer): Promise<IssuedCertificate> {
  if (t.isCaCertificate && t.subject.toJSON().length === 0) {
    throw new Error(
      "Invalid Certificate Subject: Must contain at least one Distinguished Name when creating Certificate Authority (CA)",
    );
  }
  const notBefore = new Date();
  const notAfter = new Date(notBefore.getTime() + t.validityPeriodHours * 3_600_000);
  const serial = randomBytes(16);
  const subjectKeyIdentifier = t.isCaCertificate || t.setSubjectKeyId ? subjectKeyId(t.publicKey) : undefined;
  const selfSigned = Buffer.from(issuer.name.toArrayBuffer()).equals(Buffer.from(t.subject.toArrayBuffer()));
  const authorityKeyId = selfSigned
    ? t.setAuthorityKeyId
      ? authorityKeyIdOfSelf(subjectKeyIdentifier)
      : undefined
    : issuer.subjectKeyId;
  const { keys, algorithm } = await signingKey(issuer.key);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial.toString("hex"),
    subject: t.subject,
    issuer: issuer.name,
    notBefore,
    notAfter,
    publicKey: new Uint8Array(spkiDer(t.publicKey)),
    signingKey: keys.privateKey,
    signingAlgorithm: algorithm,
    extensions: [
      ...usageExtensions(t.allowedUses),
      // Go writes pathlen only for a positive MaxPathLen (0 means unset without MaxPathLenZero).
      new x509.BasicConstraintsExtension(
        t.isCaCertificate,
        t.isCaCertificate && (t.maxPathLength ?? 0) > 0 ? t.maxPathLength : undefined,
        true,
      ),
      ...(subjectKeyIdentifier ? [new x509.SubjectKeyIdentifierExtension(subjectKeyIdentifier.toString("hex"))] : []),
      ...(authorityKeyId ? [new x509.AuthorityKeyIdentifierExtension(authorityKeyId.toString("hex"))] : []),
      ...alternativeNames(t, t.subject.toJSON().length === 0),
    ],
  });
  return {
    certPem: pemOf(cert.toString("pem")),
    serialNumber: BigInt(`0x${serial.toString("hex")}`).toString(10),
    validityStartTime: goTimeText(notBefore),
    validityEndTime: goTimeText(notAfter),
  };
}

function authorityKeyIdOfSelf(subjectKeyIdentifier: Buffer | undefined): Buffer {
  if (!subjectKeyIdentifier)
    throw new Error("Invalid Certificate Authority: Could not determine Authority Key Identifier");
  return subjectKeyIdentifier;
}

function usageExtensions(allowedUses: readonly string[]): x509.Extension[] {
  const keyUsage = allowedUses.reduce((flags, use) => flags | (KEY_USAGES[use] ?? 0), 0);
  const extended = allowedUses.flatMap((use) => (EXTENDED_KEY_USAGES[use] ? [EXTENDED_KEY_USAGES[use]] : []));
  return [
    ...(keyUsage !== 0 ? [new x509.KeyUsagesExtension(keyUsage, true)] : []),
    ...(extended.length > 0 ? [new x509.ExtendedKeyUsageExtension(extended, false)] : []),
  ];
}

const SUBJECT_ALT_NAME_OID = "2.5.29.17";

/** What LocallySignedCert takes from a request: Go copies its subject, names and public key. */
export function parseCertificateRequest(pem: string): SubjectNames & { subject: x509.Name; publicKey: KeyObject } {
  const request = new x509.Pkcs10CertificateRequest(pem);
  const extension = request.getExtension(SUBJECT_ALT_NAME_OID);
  const names = extension ? new x509.SubjectAlternativeNameExtension(extension.rawData).names.items : [];
  const ofType = (type: string) => names.filter((n) => n.type === type).map((n) => n.value);
  return {
    subject: request.subjectName,
    publicKey: createPublicKey({ key: Buffer.from(request.publicKey.rawData), format: "der", type: "spki" }),
    dnsNames: ofType("dns"),
    ipAddresses: ofType("ip"),
    uris: ofType("url"),
  };
}

export function parseCaCertificate(pem: string, caKey: KeyObject): Issuer {
  const cert = new x509.X509Certificate(pem);
  if (!Buffer.from(cert.publicKey.rawData).equals(spkiDer(caKey))) {
    throw new Error("Failed to create certificate: x509: provided PrivateKey doesn't match parent's PublicKey");
  }
  const keyId = cert.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
  return { name: cert.subjectName, key: caKey, subjectKeyId: keyId ? Buffer.from(keyId, "hex") : undefined };
}

/** Go's pem.Encode ends with a newline; keep exactly one. */
const pemOf = (pem: string): string => `${pem.trimEnd()}\n`;

/** time.Time.MarshalText (RFC 3339 with the fraction's trailing zeros dropped), in UTC. */
export function goTimeText(d: Date): string {
  return d.toISOString().replace(/\.(\d*?)0*Z$/, (_, fraction: string) => (fraction ? `.${fraction}Z` : "Z"));
}
