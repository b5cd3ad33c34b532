import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";

const FIVE_YEARS = 5 * 365 * 24;
const ONE_YEAR = 365 * 24;
const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];
const SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"];

export interface CertificateAuthority {
  readonly keyPem: pulumi.Output<string>;
  readonly certPem: pulumi.Output<string>;
  /** RFC 3339, for the CertificateExpiresSoon rules. */
  readonly validityEndTime: pulumi.Output<string>;
}

export interface SubjectNames {
  readonly dnsNames: pulumi.Input<string[]>;
  readonly ipAddresses: pulumi.Input<string[]>;
}

export interface ServerCertificate {
  readonly keyPem: pulumi.Output<string>;
  readonly certPem: pulumi.Output<string>;
  readonly validityEndTime: pulumi.Output<string>;
}

function ecdsaKey(name: string, parent: pulumi.Resource): tls.PrivateKey {
  return new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
}

/** A self-signed CA of the global stack (its key stays in the stack's encrypted state). */
export function selfSignedCa(name: string, commonName: string, parent: pulumi.Resource): CertificateAuthority {
  const key = ecdsaKey(`${name}-key`, parent);
  const cert = new tls.SelfSignedCert(`${name}-cert`, {
    privateKeyPem: key.privateKeyPem,
    subject: { commonName, organization: "monitoring" },
    isCaCertificate: true,
    validityPeriodHours: FIVE_YEARS,
    allowedUses: CA_USES,
  }, { parent });
  return { keyPem: pulumi.secret(key.privateKeyPem), certPem: cert.certPem, validityEndTime: cert.validityEndTime };
}

/** A server certificate for the given names and addresses, signed by `ca`. */
export function serverCertificate(name: string, commonName: string, names: SubjectNames, ca: CertificateAuthority, parent: pulumi.Resource): ServerCertificate {
  const key = ecdsaKey(`${name}-key`, parent);
  const request = new tls.CertRequest(`${name}-csr`, {
    privateKeyPem: key.privateKeyPem,
    subject: { commonName, organization: "monitoring" },
    dnsNames: names.dnsNames,
    ipAddresses: names.ipAddresses,
  }, { parent });
  const cert = new tls.LocallySignedCert(`${name}-cert`, {
    certRequestPem: request.certRequestPem,
    caPrivateKeyPem: ca.keyPem,
    caCertPem: ca.certPem,
    validityPeriodHours: ONE_YEAR,
    // Any `pulumi up` in the last 30 days replaces it (the provider's plan marks it ready for renewal).
    earlyRenewalHours: 30 * 24,
    allowedUses: SERVER_USES,
  }, { parent });
  return { keyPem: pulumi.secret(key.privateKeyPem), certPem: cert.certPem, validityEndTime: cert.validityEndTime };
}

/**
 * The Alertmanager intermediate CA, cross-signed by every region's alerting CA: one key, one subject, one
 * certificate per region signed with that region's `alertingCaKey`, plus a self-signed one the global
 * federation Prometheus trusts (so the global tier trusts its own intermediate without holding one region's
 * CA as a root). A leaf signed by the intermediate verifies in any region: Go builds the chain leaf ->
 * the region's cross-signed intermediate (sent by the server) -> the region's CA.
 */
export function crossSignedIntermediate(
  name: string,
  commonName: string,
  regionCas: { region: string; caCertPem: pulumi.Input<string>; caKeyPem: pulumi.Input<string> }[],
  parent: pulumi.Resource,
): { self: CertificateAuthority; crossSigned: pulumi.Output<string>[]; crossSignedValidityEndTimes: Record<string, pulumi.Output<string>> } {
  const self = selfSignedCa(name, commonName, parent);
  const request = new tls.CertRequest(`${name}-csr`, {
    privateKeyPem: self.keyPem,
    subject: { commonName, organization: "monitoring" },
  }, { parent });
  const certs = regionCas.map((r) => ({
    region: r.region,
    cert: new tls.LocallySignedCert(`${name}-${r.region}`, {
      certRequestPem: request.certRequestPem,
      caCertPem: r.caCertPem,
      caPrivateKeyPem: pulumi.secret(r.caKeyPem),
      isCaCertificate: true,
      validityPeriodHours: FIVE_YEARS,
      allowedUses: CA_USES,
    }, { parent }),
  }));
  return {
    self,
    crossSigned: certs.map((c) => c.cert.certPem),
    crossSignedValidityEndTimes: Object.fromEntries(certs.map((c) => [c.region, c.cert.validityEndTime])),
  };
}

/** Splits load-balancer addresses into the certificate's IP addresses and DNS names. */
export function subjectNames(dnsNames: readonly string[], addresses: pulumi.Input<string[]>): SubjectNames {
  const all = pulumi.output(addresses);
  const isIp = (a: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(a) || a.includes(":");
  return {
    dnsNames: all.apply((a) => [...dnsNames, ...a.filter((x) => !isIp(x))]),
    ipAddresses: all.apply((a) => a.filter(isIp)),
  };
}
