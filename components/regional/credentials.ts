import * as pulumi from "@pulumi/pulumi";
import {
  REGIONAL_CERTIFICATES,
  REMOTE_WRITE_CERTIFICATE,
  type RegionalCertificate,
} from "../../builders/regional/layout";
import * as random from "@pulumi/random";
import { storeApiServerNameWildcard } from "../../builders/gateway/routes";
import type { IssuedCertificate } from "../../builders/rules/certificates";
import { type IssuedKeyPair, selfSignedCa, signedCertificate } from "../pki";

/** A region's CAs outlive many deployments; their leaves are re-issued yearly (components/pki.ts). */
const CA_VALIDITY_YEARS = 10;

export interface RegionalCredentialsArgs {
  readonly region: string;
  /** The name in every server certificate of the region. */
  readonly tlsServerName: string;
  /** A remote-write region: its agents' client certificate to Thanos Receive, whose common name is the tenant. */
  readonly remoteWrite?: boolean;
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
  /** Remote-write regions only: the agents' client certificate (CN the region: Receive's tenant) and key. */
  readonly remoteWriteCertPem?: pulumi.Output<string>;
  readonly remoteWriteKeyPem?: pulumi.Output<string>;
  /** Every certificate this component issued, with its expiry, for the CertificateExpiresSoon rules. */
  readonly issued: pulumi.Output<IssuedCertificate[]>;

  constructor(name: string, args: RegionalCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:RegionalCredentials", name, {}, opts);
    const parent = { parent: this };
    const subject = (commonName: string) => ({ commonName, organizationalUnit: args.region });
    const issued = (certificate: string, pair: IssuedKeyPair) =>
      pair.validityEndTime.apply((validityEndTime): IssuedCertificate => ({ name: certificate, validityEndTime }));
    const ca = selfSignedCa(`${name}-ca`, subject(`${args.region} monitoring CA`), CA_VALIDITY_YEARS, parent);
    // The wildcard is the names clients ask the gateway for to reach one StoreAPI (builders/gateway/routes.ts).
    const server = signedCertificate(
      `${name}-server`,
      "server",
      subject(args.tlsServerName),
      { dnsNames: [args.tlsServerName, storeApiServerNameWildcard(args.tlsServerName)] },
      ca,
      parent,
    );
    const client = signedCertificate(
      `${name}-query-client`,
      "client",
      subject("thanos-query.global"),
      { dnsNames: [] },
      ca,
      parent,
    );
    const federation = new random.RandomPassword(`${name}-federation-password`, { length: 32, special: false }, parent);
    const alertingCa = selfSignedCa(
      `${name}-alerting-ca`,
      subject(`${args.region} alerting CA`),
      CA_VALIDITY_YEARS,
      parent,
    );
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
    const pairs: Record<RegionalCertificate, IssuedKeyPair> = {
      ca,
      "alerting-ca": alertingCa,
      server,
      "query-client": client,
    };
    const all = REGIONAL_CERTIFICATES.map((certificate) => issued(certificate, pairs[certificate]));
    if (args.remoteWrite) {
      // The CN alone names the tenant (Receive's --receive.tenant-certificate-field=commonName).
      const remoteWrite = signedCertificate(
        `${name}-remote-write-client`,
        "client",
        { commonName: args.region, organizationalUnit: args.region },
        { dnsNames: [] },
        ca,
        parent,
      );
      this.remoteWriteCertPem = remoteWrite.certPem;
      this.remoteWriteKeyPem = pulumi.secret(remoteWrite.keyPem);
      all.push(issued(REMOTE_WRITE_CERTIFICATE, remoteWrite));
    }
    this.issued = pulumi.all(all);
    this.registerOutputs({ caCertPem: this.caCertPem, alertingCaCertPem: this.alertingCaCertPem });
  }
}
