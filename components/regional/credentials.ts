import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { storeApiServerNameWildcard } from "../../builders/gateway/routes";
import type { IssuedCertificate } from "../../builders/rules/certificates";

const TEN_YEARS = 10 * 365 * 24;
const ONE_YEAR = 365 * 24;
/**
 * Leaf certificates are re-issued by any `pulumi up` in their last month: the provider's plan marks them
 * ready for renewal and replaces them (terraform-provider-tls, modifyPlanIfCertificateReadyForRenewal), no
 * refresh needed. CertificateExpiresSoon fires when no `up` came in time.
 */
const RENEW_BEFORE = 30 * 24;
const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];
const SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"];
const CLIENT_USES = ["digital_signature", "key_encipherment", "client_auth"];

export interface RegionalCredentialsArgs {
  readonly region: string;
  /** The name in every server certificate of the region. */
  readonly tlsServerName: string;
}

/**
 * Everything secret a region generates for itself: its CA and the server certificate of Prometheus web and
 * the Thanos StoreAPIs, the client certificate the global Thanos Query presents, the federation password,
 * and the alerting trust (a CA whose key the global tier signs its Alertmanager intermediate with, and the
 * basic-auth password Prometheus presents to the Alertmanagers). Keys and passwords are Pulumi secrets.
 */
export class RegionalCredentials extends pulumi.ComponentResource {
  readonly caCertPem: pulumi.Output<string>;
  readonly serverCertPem: pulumi.Output<string>;
  readonly serverKeyPem: pulumi.Output<string>;
  readonly clientCertPem: pulumi.Output<string>;
  readonly clientKeyPem: pulumi.Output<string>;
  readonly federationPassword: pulumi.Output<string>;
  readonly federationPasswordHash: pulumi.Output<string>;
  readonly alertingCaCertPem: pulumi.Output<string>;
  readonly alertingCaKeyPem: pulumi.Output<string>;
  readonly alertingPassword: pulumi.Output<string>;
  /** What the global Alertmanagers' web config needs for this region's user (they accept bcrypt only). */
  readonly alertingPasswordHash: pulumi.Output<string>;
  /** Every certificate this component issued, with its expiry, for the CertificateExpiresSoon rules. */
  readonly issued: pulumi.Output<IssuedCertificate[]>;

  constructor(name: string, args: RegionalCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:RegionalCredentials", name, {}, opts);
    const parent = { parent: this };
    const key = (keyName: string) => new tls.PrivateKey(`${name}-${keyName}-key`, { algorithm: "ECDSA", ecdsaCurve: "P256" }, parent);
    const subject = (commonName: string) => ({ commonName, organization: "monitoring", organizationalUnit: args.region });
    const selfSignedCa = (caName: string, commonName: string) => {
      const caKey = key(caName);
      const cert = new tls.SelfSignedCert(`${name}-${caName}-cert`, {
        privateKeyPem: caKey.privateKeyPem,
        subject: subject(commonName),
        isCaCertificate: true,
        validityPeriodHours: TEN_YEARS,
        allowedUses: CA_USES,
      }, parent);
      return { certPem: cert.certPem, keyPem: pulumi.secret(caKey.privateKeyPem), issued: issued(caName, cert) };
    };
    const issued = (certificate: string, cert: tls.SelfSignedCert | tls.LocallySignedCert) =>
      cert.validityEndTime.apply((validityEndTime): IssuedCertificate => ({ name: certificate, validityEndTime }));
    const ca = selfSignedCa("ca", `${args.region} monitoring CA`);
    const signed = (leafName: string, commonName: string, uses: string[], dnsNames: string[]) => {
      const leafKey = key(leafName);
      const request = new tls.CertRequest(`${name}-${leafName}-csr`, { privateKeyPem: leafKey.privateKeyPem, subject: subject(commonName), dnsNames }, parent);
      const cert = new tls.LocallySignedCert(`${name}-${leafName}-cert`, {
        certRequestPem: request.certRequestPem,
        caCertPem: ca.certPem,
        caPrivateKeyPem: ca.keyPem,
        validityPeriodHours: ONE_YEAR,
        earlyRenewalHours: RENEW_BEFORE,
        allowedUses: uses,
      }, parent);
      return { certPem: cert.certPem, keyPem: pulumi.secret(leafKey.privateKeyPem), issued: issued(leafName, cert) };
    };
    // The wildcard is the names clients ask the gateway for to reach one StoreAPI (builders/gateway/routes.ts).
    const server = signed("server", args.tlsServerName, SERVER_USES, [args.tlsServerName, storeApiServerNameWildcard(args.tlsServerName)]);
    const client = signed("query-client", "thanos-query.global", CLIENT_USES, []);
    const federation = new random.RandomPassword(`${name}-federation-password`, { length: 32, special: false }, parent);
    const alertingCa = selfSignedCa("alerting-ca", `${args.region} alerting CA`);
    const alerting = new random.RandomPassword(`${name}-alerting-password`, { length: 32, special: false }, parent);

    this.caCertPem = ca.certPem;
    this.serverCertPem = server.certPem;
    this.serverKeyPem = server.keyPem;
    this.clientCertPem = pulumi.secret(client.certPem);
    this.clientKeyPem = client.keyPem;
    this.federationPassword = pulumi.secret(federation.result);
    this.federationPasswordHash = pulumi.secret(federation.bcryptHash);
    this.alertingCaCertPem = alertingCa.certPem;
    this.alertingCaKeyPem = alertingCa.keyPem;
    this.alertingPassword = pulumi.secret(alerting.result);
    this.alertingPasswordHash = pulumi.secret(alerting.bcryptHash);
    this.issued = pulumi.all([ca.issued, alertingCa.issued, server.issued, client.issued]);
    this.registerOutputs({ caCertPem: this.caCertPem, alertingCaCertPem: this.alertingCaCertPem });
  }
}
