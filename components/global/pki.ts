import * as pulumi from "@pulumi/pulumi";
import { type CertificateAuthority, type CrossSignedIntermediate, crossSignedIntermediate, selfSignedCa } from "../pki";
import { movedChildOpts } from "../workload";

/** The global tier's CAs outlive many deployments; the leaves they sign are re-issued yearly (components/pki.ts). */
const CA_VALIDITY_YEARS = 5;

export interface GlobalPkiArgs {
  readonly namePrefix: string;
  /** Every region's alerting CA, which cross-signs the Alertmanager intermediate. */
  readonly regionAlertingCas: { region: string; caCertPem: pulumi.Input<string>; caKeyPem: pulumi.Input<string> }[];
}

/**
 * The global tier's certificate authorities. Users reach Grafana and the Query Frontend over TLS from a CA
 * of this stack (no DNS or ACME account is managed here), an output for their trust stores. The
 * Alertmanagers' certificate comes from one intermediate CA cross-signed by every region's alerting CA.
 */
export class GlobalPki extends pulumi.ComponentResource {
  readonly ingressCa: CertificateAuthority;
  readonly alertmanagerCa: CrossSignedIntermediate;

  constructor(name: string, args: GlobalPkiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:GlobalPki", name, {}, opts);
    const moved = movedChildOpts(this, opts?.parent);
    this.alertmanagerCa = crossSignedIntermediate(
      `${name}-alertmanager-ca`,
      { commonName: `${args.namePrefix} Alertmanager intermediate CA` },
      CA_VALIDITY_YEARS,
      args.regionAlertingCas,
      moved,
    );
    this.ingressCa = selfSignedCa(
      `${name}-ingress-ca`,
      { commonName: `${args.namePrefix} monitoring ingress CA` },
      CA_VALIDITY_YEARS,
      moved,
    );
    this.registerOutputs({
      ingressCaCert: this.ingressCa.certPem,
      alertmanagerCaCert: this.alertmanagerCa.self.certPem,
    });
  }
}
