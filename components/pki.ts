/**
 * The certificates both tiers issue with @pulumi/tls: CAs, server and client leaves, and the global tier's
 * cross-signed Alertmanager intermediate. Keys are ECDSA P-256 and stay in the stack's encrypted state;
 * every key output is a Pulumi secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

const HOURS_PER_YEAR = 365 * 24;
const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];
const LEAF_USES = {
  server: ["digital_signature", "key_encipherment", "server_auth"],
  client: ["digital_signature", "key_encipherment", "client_auth"],
} as const;
/**
 * Leaf certificates are re-issued by any `pulumi up` in their last month: the provider's plan marks them
 * ready for renewal and replaces them (terraform-provider-tls, modifyPlanIfCertificateReadyForRenewal), no
 * refresh needed. CertificateExpiresSoon fires when no `up` came in time.
 */
const RENEW_BEFORE_HOURS = 30 * 24;
const LEAF_VALIDITY_HOURS = HOURS_PER_YEAR;

export interface IssuedKeyPair {
  readonly keyPem: pulumi.Output<string>;
  readonly certPem: pulumi.Output<string>;
  /** RFC 3339, for the CertificateExpiresSoon rules. */
  readonly validityEndTime: pulumi.Output<string>;
}

export type CertificateAuthority = IssuedKeyPair;

export interface Subject {
  readonly commonName: string;
  /** The region a certificate belongs to, where it belongs to one. */
  readonly organizationalUnit?: string;
}

export interface SubjectNames {
  readonly dnsNames?: pulumi.Input<string[]>;
  readonly ipAddresses?: pulumi.Input<string[]>;
}

const subjectOf = (s: Subject) => ({
  commonName: s.commonName,
  organization: "monitoring",
  ...(s.organizationalUnit ? { organizationalUnit: s.organizationalUnit } : {}),
});

function ecdsaKey(name: string, opts: pulumi.CustomResourceOptions): tls.PrivateKey {
  return new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts);
}

/** A self-signed CA (`<name>-key`, `<name>-cert`). */
export function selfSignedCa(
  name: string,
  subject: Subject,
  validityYears: number,
  opts: pulumi.CustomResourceOptions,
): CertificateAuthority {
  const key = ecdsaKey(`${name}-key`, opts);
  const cert = new tls.SelfSignedCert(
    `${name}-cert`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: subjectOf(subject),
      isCaCertificate: true,
      validityPeriodHours: validityYears * HOURS_PER_YEAR,
      allowedUses: CA_USES,
    },
    opts,
  );
  return { keyPem: pulumi.secret(key.privateKeyPem), certPem: cert.certPem, validityEndTime: cert.validityEndTime };
}

/** A one-year server or client certificate signed by `ca` (`<name>-key`, `<name>-csr`, `<name>-cert`). */
export function signedCertificate(
  name: string,
  use: keyof typeof LEAF_USES,
  subject: Subject,
  names: SubjectNames,
  ca: CertificateAuthority,
  opts: pulumi.CustomResourceOptions,
): IssuedKeyPair {
  const key = ecdsaKey(`${name}-key`, opts);
  const request = new tls.CertRequest(
    `${name}-csr`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: subjectOf(subject),
      dnsNames: names.dnsNames,
      ipAddresses: names.ipAddresses,
    },
    opts,
  );
  const cert = new tls.LocallySignedCert(
    `${name}-cert`,
    {
      certRequestPem: request.certRequestPem,
      caPrivateKeyPem: ca.keyPem,
      caCertPem: ca.certPem,
      validityPeriodHours: LEAF_VALIDITY_HOURS,
      earlyRenewalHours: RENEW_BEFORE_HOURS,
      allowedUses: [...LEAF_USES[use]],
    },
    opts,
  );
  return { keyPem: pulumi.secret(key.privateKeyPem), certPem: cert.certPem, validityEndTime: cert.validityEndTime };
}

export interface CrossSignedIntermediate {
  readonly self: CertificateAuthority;
  readonly crossSigned: pulumi.Output<string>[];
  readonly crossSignedValidityEndTimes: Record<string, pulumi.Output<string>>;
}

/**
 * An intermediate CA cross-signed by every region's CA: one key, one subject, one certificate per region
 * signed with that region's CA key, plus a self-signed one the global tier trusts (so it trusts its own
 * intermediate without holding one region's CA as a root). A leaf signed by the intermediate verifies in
 * any region: Go builds the chain leaf -> the region's cross-signed intermediate (sent by the server) -> the
 * region's CA.
 */
export function crossSignedIntermediate(
  name: string,
  subject: Subject,
  validityYears: number,
  regionCas: { region: string; caCertPem: pulumi.Input<string>; caKeyPem: pulumi.Input<string> }[],
  opts: pulumi.CustomResourceOptions,
): CrossSignedIntermediate {
  const self = selfSignedCa(name, subject, validityYears, opts);
  const request = new tls.CertRequest(`${name}-csr`, { privateKeyPem: self.keyPem, subject: subjectOf(subject) }, opts);
  const certs = regionCas.map((r) => ({
    region: r.region,
    cert: new tls.LocallySignedCert(
      `${name}-${r.region}`,
      {
        certRequestPem: request.certRequestPem,
        caCertPem: r.caCertPem,
        caPrivateKeyPem: pulumi.secret(r.caKeyPem),
        isCaCertificate: true,
        validityPeriodHours: validityYears * HOURS_PER_YEAR,
        allowedUses: CA_USES,
      },
      opts,
    ),
  }));
  return {
    self,
    crossSigned: certs.map((c) => c.cert.certPem),
    crossSignedValidityEndTimes: Object.fromEntries(certs.map((c) => [c.region, c.cert.validityEndTime])),
  };
}

/** Splits load-balancer addresses into a certificate's IP addresses and DNS names. */
export function subjectNames(dnsNames: readonly string[], addresses: pulumi.Input<string[]>): Required<SubjectNames> {
  const all = pulumi.output(addresses);
  const isIp = (a: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a) || a.includes(":");
  return {
    dnsNames: all.apply((a) => [...dnsNames, ...a.filter((x) => !isIp(x))]),
    ipAddresses: all.apply((a) => a.filter(isIp)),
  };
}
