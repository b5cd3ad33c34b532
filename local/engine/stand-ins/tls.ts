import type * as provider from "@pulumi/pulumi/provider";
import {
  createCertificate,
  createCertificateRequest,
  EXTENDED_KEY_USAGES,
  KEY_USAGES,
  parseCaCertificate,
  parseCertificateRequest,
  type Subject,
  subjectName,
  type SubjectNames,
} from "./certificates";
import {
  type Algorithm,
  ALGORITHMS,
  ECDSA_CURVES,
  type EcdsaCurve,
  generatePrivateKey,
  hashForState,
  parsePrivateKeyPem,
  pkcs8Pem,
  privateKeyOpenssh,
  privateKeyPem,
  publicKeyOutputs,
  spkiDer,
} from "./keys";
import { type ResourceKind, standInProvider } from "./stand-in";
import { isUnknown, type Properties, secret } from "./wire";

/**
 * The tls resources the program uses, with terraform-provider-tls v4's inputs, defaults and outputs.
 * Every input replaces on change except a certificate's earlyRenewalHours, as upstream.
 */
type Failures = provider.CheckFailure[];

const failIf = (bad: boolean, property: string, reason: string): Failures => (bad ? [{ property, reason }] : []);
const known = (v: unknown) => v !== undefined && !isUnknown(v);

function oneOf(inputs: Properties, property: string, allowed: readonly string[]): Failures {
  const v = inputs[property];
  return failIf(
    known(v) && !allowed.includes(v as string),
    property,
    `expected one of ${allowed.join(", ")}, got ${JSON.stringify(v)}`,
  );
}

function wholeNumber(inputs: Properties, property: string, atLeast: number): Failures {
  const v = inputs[property];
  return failIf(
    known(v) && (!Number.isInteger(v) || (v as number) < atLeast),
    property,
    `must be a whole number >= ${atLeast}`,
  );
}

const required = (inputs: Properties, ...properties: string[]): Failures =>
  properties.flatMap((p) => failIf(inputs[p] === undefined, p, `missing required property '${p}'`));

const SUPPORTED_USES = [...Object.keys(KEY_USAGES), ...Object.keys(EXTENDED_KEY_USAGES)].sort();

function validateCertificateInputs(inputs: Properties): Failures {
  const uses = inputs.allowedUses;
  const badUses = Array.isArray(uses) ? uses.filter((u) => known(u) && !SUPPORTED_USES.includes(u as string)) : [];
  return [
    ...required(inputs, "validityPeriodHours", "allowedUses"),
    ...wholeNumber(inputs, "validityPeriodHours", 0),
    ...wholeNumber(inputs, "earlyRenewalHours", 0),
    ...wholeNumber(inputs, "maxPathLength", -1),
    ...failIf(
      badUses.length > 0,
      "allowedUses",
      `unsupported ${badUses.join(", ")}; accepted: ${SUPPORTED_USES.join(", ")}`,
    ),
  ];
}

const HOUR_MS = 3_600_000;

/** Upstream's readyForRenewal: the end of validity, less earlyRenewalHours, has passed. */
function readyForRenewal(validityEndTime: unknown, earlyRenewalHours: unknown): boolean {
  if (typeof validityEndTime !== "string") return false;
  return Date.parse(validityEndTime) - Number(earlyRenewalHours ?? 0) * HOUR_MS <= Date.now();
}

const certificateRenewal: Pick<ResourceKind, "refresh" | "dueForReplacement"> = {
  refresh: (state) => ({ readyForRenewal: readyForRenewal(state.validityEndTime, state.earlyRenewalHours) }),
  dueForReplacement: (state, inputs) =>
    !isUnknown(inputs.earlyRenewalHours) && readyForRenewal(state.validityEndTime, inputs.earlyRenewalHours),
};

const CERTIFICATE_DEFAULTS = { earlyRenewalHours: 0, isCaCertificate: false, setSubjectKeyId: false };

export const privateKeyKind: ResourceKind = {
  type: "tls:index/privateKey:PrivateKey",
  inputs: ["algorithm", "ecdsaCurve", "rsaBits"],
  defaults: { ecdsaCurve: "P224", rsaBits: 2048 },
  updatable: [],
  validate: (inputs) => [
    ...required(inputs, "algorithm"),
    ...oneOf(inputs, "algorithm", ALGORITHMS),
    ...oneOf(inputs, "ecdsaCurve", Object.keys(ECDSA_CURVES)),
    ...wholeNumber(inputs, "rsaBits", 1),
  ],
  async create(inputs) {
    const key = generatePrivateKey(
      inputs.algorithm as Algorithm,
      inputs.ecdsaCurve as EcdsaCurve,
      inputs.rsaBits as number,
    );
    return {
      id: hashForState(spkiDer(key)),
      outputs: {
        privateKeyPem: secret(privateKeyPem(key)),
        privateKeyPemPkcs8: secret(pkcs8Pem(key)),
        privateKeyOpenssh: secret(privateKeyOpenssh(key)),
        ...publicKeyOutputs(key),
      },
    };
  },
};

export const certRequestKind: ResourceKind = {
  type: "tls:index/certRequest:CertRequest",
  inputs: ["privateKeyPem", "subject", "dnsNames", "ipAddresses", "uris"],
  defaults: {},
  updatable: [],
  validate: (inputs) => required(inputs, "privateKeyPem"),
  async create(inputs) {
    const { key, algorithm } = parsePrivateKeyPem(inputs.privateKeyPem as string);
    const request = await createCertificateRequest(key, inputs.subject as Subject | undefined, subjectNames(inputs));
    return { id: hashForState(request.der), outputs: { certRequestPem: request.pem, keyAlgorithm: algorithm } };
  },
};

export const selfSignedCertKind: ResourceKind = {
  type: "tls:index/selfSignedCert:SelfSignedCert",
  inputs: [
    "privateKeyPem",
    "subject",
    "dnsNames",
    "ipAddresses",
    "uris",
    "validityPeriodHours",
    "allowedUses",
    "earlyRenewalHours",
    "isCaCertificate",
    "maxPathLength",
    "setSubjectKeyId",
    "setAuthorityKeyId",
  ],
  defaults: { ...CERTIFICATE_DEFAULTS, setAuthorityKeyId: false },
  updatable: ["earlyRenewalHours"],
  validate: (inputs) => [...required(inputs, "privateKeyPem"), ...validateCertificateInputs(inputs)],
  async create(inputs) {
    const { key, algorithm } = parsePrivateKeyPem(inputs.privateKeyPem as string);
    const subject = subjectName(inputs.subject as Subject | undefined);
    const cert = await createCertificate(
      { ...certificateSettings(inputs), ...subjectNames(inputs), subject, publicKey: key },
      { name: subject, key },
    );
    return { id: cert.serialNumber, outputs: { ...certificateOutputs(cert), keyAlgorithm: algorithm } };
  },
  ...certificateRenewal,
};

export const locallySignedCertKind: ResourceKind = {
  type: "tls:index/locallySignedCert:LocallySignedCert",
  inputs: [
    "certRequestPem",
    "caPrivateKeyPem",
    "caCertPem",
    "validityPeriodHours",
    "allowedUses",
    "earlyRenewalHours",
    "isCaCertificate",
    "maxPathLength",
    "setSubjectKeyId",
  ],
  defaults: CERTIFICATE_DEFAULTS,
  updatable: ["earlyRenewalHours"],
  validate: (inputs) => [
    ...required(inputs, "certRequestPem", "caPrivateKeyPem", "caCertPem"),
    ...validateCertificateInputs(inputs),
  ],
  async create(inputs) {
    const request = parseCertificateRequest(inputs.certRequestPem as string);
    const { key: caKey, algorithm } = parsePrivateKeyPem(inputs.caPrivateKeyPem as string);
    const issuer = parseCaCertificate(inputs.caCertPem as string, caKey);
    const cert = await createCertificate({ ...certificateSettings(inputs), ...request }, issuer);
    return { id: cert.serialNumber, outputs: { ...certificateOutputs(cert), caKeyAlgorithm: algorithm } };
  },
  ...certificateRenewal,
};

function certificateSettings(inputs: Properties) {
  return {
    validityPeriodHours: inputs.validityPeriodHours as number,
    allowedUses: inputs.allowedUses as string[],
    isCaCertificate: inputs.isCaCertificate === true,
    maxPathLength: inputs.maxPathLength as number | undefined,
    setSubjectKeyId: inputs.setSubjectKeyId === true,
    setAuthorityKeyId: inputs.setAuthorityKeyId === true,
  };
}

function subjectNames(inputs: Properties): SubjectNames {
  return {
    dnsNames: inputs.dnsNames as string[] | undefined,
    ipAddresses: inputs.ipAddresses as string[] | undefined,
    uris: inputs.uris as string[] | undefined,
  };
}

function certificateOutputs(cert: Awaited<ReturnType<typeof createCertificate>>): Properties {
  return {
    certPem: cert.certPem,
    validityStartTime: cert.validityStartTime,
    validityEndTime: cert.validityEndTime,
    readyForRenewal: false,
  };
}

export function tlsStandIn(version: string): provider.Provider {
  return standInProvider(version, [privateKeyKind, certRequestKind, selfSignedCertKind, locallySignedCertKind]);
}
