/** The random and tls stand-ins, called as the engine calls them (check, create, diff), checked by openssl and bcryptjs. */
import * as assert from "node:assert";
import * as bcrypt from "bcryptjs";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as provider from "@pulumi/pulumi/provider";
import { randomStandIn } from "../../local/engine/stand-ins/random";
import { hashForState } from "../../local/engine/stand-ins/keys";
import { tlsStandIn } from "../../local/engine/stand-ins/tls";
import { isSecret, type Properties, reveal } from "../../local/engine/stand-ins/wire";
import { runBinary, tempDir } from "../support/tools";

const TYPES = {
  key: "tls:index/privateKey:PrivateKey",
  selfSigned: "tls:index/selfSignedCert:SelfSignedCert",
  request: "tls:index/certRequest:CertRequest",
  signed: "tls:index/locallySignedCert:LocallySignedCert",
  password: "random:index/randomPassword:RandomPassword",
};

const urnOf = (type: string) => `urn:pulumi:test::stand-ins::${type}::x`;

/** check then create, as the engine does; returns the ID and the outputs as they go back on the wire. */
async function create(
  p: provider.Provider,
  type: string,
  inputs: Properties,
): Promise<{ id: string; outs: Properties; inputs: Properties }> {
  const checked = await p.check!(urnOf(type), {}, inputs);
  assert.deepStrictEqual(checked.failures, [], `check of ${type} failed`);
  const created = await p.create!(urnOf(type), checked.inputs);
  return { id: created.id, outs: created.outs as Properties, inputs: checked.inputs as Properties };
}

async function diffOf(
  p: provider.Provider,
  type: string,
  state: Properties,
  inputs: Properties,
): Promise<provider.DiffResult> {
  const checked = await p.check!(urnOf(type), state, inputs);
  return p.diff!("id", urnOf(type), state, checked.inputs);
}

const text = (v: unknown) => reveal(v) as string;

describe("tls stand-in", function () {
  this.timeout(30_000);
  const tls = tlsStandIn("5.6.1");
  const dir = tempDir("tls-stand-in-");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: string) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };

  const caInputs = (keyPem: unknown) => ({
    privateKeyPem: keyPem,
    subject: { commonName: "stand-in test CA", organization: "monitoring" },
    isCaCertificate: true,
    validityPeriodHours: 48,
    allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
  });

  it("makes ECDSA P256 keys with the real provider's encodings, ID and secret outputs", async () => {
    const { id, outs } = await create(tls, TYPES.key, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    for (const name of ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"])
      assert.ok(isSecret(outs[name]), `${name} is not secret`);
    assert.match(text(outs.privateKeyPem), /^-----BEGIN EC PRIVATE KEY-----\n[\s\S]+\n-----END EC PRIVATE KEY-----\n$/);
    assert.match(text(outs.privateKeyPemPkcs8), /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(text(outs.privateKeyOpenssh), /^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    assert.match(text(outs.publicKeyOpenssh), /^ecdsa-sha2-nistp256 AAAA[A-Za-z0-9+/=]+\n$/);
    assert.match(text(outs.publicKeyFingerprintMd5), /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
    assert.match(text(outs.publicKeyFingerprintSha256), /^SHA256:[A-Za-z0-9+/]{43}$/);
    const spki = createPublicKey(text(outs.publicKeyPem)).export({ type: "spki", format: "der" });
    assert.strictEqual(id, hashForState(spki));
    assert.deepStrictEqual(
      createPublicKey(createPrivateKey(text(outs.privateKeyPem))).export({ type: "spki", format: "der" }),
      spki,
    );
  });

  for (const [algorithm, extra, pemType] of [
    ["RSA", { rsaBits: 2048 }, "RSA PRIVATE KEY"],
    ["ED25519", {}, "PRIVATE KEY"],
    ["ECDSA", { ecdsaCurve: "P384" }, "EC PRIVATE KEY"],
  ] as const) {
    it(`makes ${algorithm} keys whose privateKeyPem is "${pemType}"`, async () => {
      const { outs } = await create(tls, TYPES.key, { algorithm, ...extra });
      assert.ok(text(outs.privateKeyPem).startsWith(`-----BEGIN ${pemType}-----\n`));
      assert.notStrictEqual(text(outs.publicKeyOpenssh), "");
    });
  }

  it("leaves the OpenSSH outputs of a P224 key empty (x/crypto/ssh has no P-224) and refuses to sign with it", async () => {
    const { outs } = await create(tls, TYPES.key, { algorithm: "ECDSA" });
    assert.strictEqual(text(outs.publicKeyOpenssh), "");
    assert.strictEqual(text(outs.privateKeyOpenssh), "");
    await assert.rejects(create(tls, TYPES.selfSigned, caInputs(outs.privateKeyPem)), /no curve secp224r1/);
  });

  it("refuses what it does not serve, by property", async () => {
    const checked = await tls.check!(urnOf(TYPES.key), {}, { algorithm: "DSA", privateKeyPemWo: "x" });
    assert.deepStrictEqual(checked.failures?.map((f) => f.property).sort(), ["algorithm", "privateKeyPemWo"]);
  });

  it("issues a CA and a leaf for 127.0.0.1 and a DNS name that openssl verifies, with the asked uses, names and validity", async () => {
    const caKey = await create(tls, TYPES.key, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = await create(tls, TYPES.selfSigned, caInputs(caKey.outs.privateKeyPem));
    const leafKey = await create(tls, TYPES.key, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const request = await create(tls, TYPES.request, {
      privateKeyPem: leafKey.outs.privateKeyPem,
      subject: { commonName: "thanos-store", organization: "monitoring", organizationalUnit: "us-east" },
      dnsNames: ["store.us-east.test"],
      ipAddresses: ["127.0.0.1"],
    });
    const before = Date.now();
    const leaf = await create(tls, TYPES.signed, {
      certRequestPem: request.outs.certRequestPem,
      caPrivateKeyPem: caKey.outs.privateKeyPem,
      caCertPem: ca.outs.certPem,
      validityPeriodHours: 24,
      earlyRenewalHours: 2,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    });
    assert.ok(isSecret(leaf.outs.caPrivateKeyPem), "caPrivateKeyPem input is not secret in the outputs");
    assert.strictEqual(leaf.outs.caKeyAlgorithm, "ECDSA");
    assert.strictEqual(leaf.outs.readyForRenewal, false);
    const caFile = file("ca.pem", text(ca.outs.certPem));
    const leafFile = file("leaf.pem", text(leaf.outs.certPem));
    assert.match(runBinary("openssl", ["verify", "-CAfile", caFile, leafFile]), /leaf.pem: OK/);
    assert.match(
      runBinary("openssl", ["req", "-in", file("leaf.csr", text(request.outs.certRequestPem)), "-noout", "-verify"]),
      /verify OK/,
    );

    const caText = runBinary("openssl", ["x509", "-in", caFile, "-noout", "-text"]);
    assert.match(caText, /Basic Constraints: critical\s+CA:TRUE/);
    assert.match(caText, /Key Usage: critical\s+Digital Signature, Certificate Sign, CRL Sign/);
    assert.match(caText, /Subject Key Identifier/);
    const leafText = runBinary("openssl", ["x509", "-in", leafFile, "-noout", "-text"]);
    assert.match(leafText, /Basic Constraints: critical\s+CA:FALSE/);
    assert.match(leafText, /Key Usage: critical\s+Digital Signature, Key Encipherment/);
    assert.match(leafText, /Extended Key Usage:\s+TLS Web Server Authentication\n/);
    assert.match(leafText, /Subject Alternative Name:\s+DNS:store.us-east.test, IP Address:127.0.0.1/);
    assert.match(leafText, /Subject: O = monitoring, OU = us-east, CN = thanos-store/);
    assert.match(leafText, /Issuer: O = monitoring, CN = stand-in test CA/);
    assert.match(leafText, /Authority Key Identifier/);
    assert.doesNotMatch(leafText, /Subject Key Identifier/);

    const x509 = new X509Certificate(text(leaf.outs.certPem));
    assert.strictEqual(leaf.id, BigInt(`0x${x509.serialNumber}`).toString(10));
    const start = Date.parse(text(leaf.outs.validityStartTime));
    assert.ok(
      start >= before && start <= Date.now(),
      `validityStartTime ${leaf.outs.validityStartTime} is not the time of issue`,
    );
    assert.strictEqual(Date.parse(text(leaf.outs.validityEndTime)) - start, 24 * 3_600_000);
    assert.strictEqual(Date.parse(x509.validTo), Math.floor(Date.parse(text(leaf.outs.validityEndTime)) / 1000) * 1000);
  });

  it("replaces a certificate when an input changes, updates earlyRenewalHours in place, and is unchanged for equal inputs", async () => {
    const key = await create(tls, TYPES.key, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const ca = await create(tls, TYPES.selfSigned, caInputs(key.outs.privateKeyPem));
    const same = caInputs(key.outs.privateKeyPem);
    assert.deepStrictEqual(await diffOf(tls, TYPES.selfSigned, ca.outs, same), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const longer = await diffOf(tls, TYPES.selfSigned, ca.outs, { ...same, validityPeriodHours: 72 });
    assert.deepStrictEqual([longer.changes, longer.replaces], [true, ["validityPeriodHours"]]);
    const renamed = await diffOf(tls, TYPES.selfSigned, ca.outs, {
      ...same,
      subject: { commonName: "other", organization: "monitoring" },
    });
    assert.deepStrictEqual(renamed.replaces, ["subject"]);
    const earlier = await diffOf(tls, TYPES.selfSigned, ca.outs, { ...same, earlyRenewalHours: 1 });
    assert.deepStrictEqual([earlier.changes, earlier.replaces], [true, []]);
  });

  it("replaces a certificate that is within its early renewal window, and reports it ready for renewal on read", async () => {
    const key = await create(tls, TYPES.key, { algorithm: "ECDSA", ecdsaCurve: "P256" });
    const inputs = { ...caInputs(key.outs.privateKeyPem), validityPeriodHours: 10, earlyRenewalHours: 20 };
    const ca = await create(tls, TYPES.selfSigned, inputs);
    assert.deepStrictEqual((await diffOf(tls, TYPES.selfSigned, ca.outs, inputs)).replaces, ["readyForRenewal"]);
    assert.strictEqual(
      ((await tls.read!(ca.id, urnOf(TYPES.selfSigned), ca.outs)).props as Properties).readyForRenewal,
      true,
    );
  });
});

describe("random stand-in", function () {
  this.timeout(30_000);
  const random = randomStandIn("4.21.2");

  it("makes a password of the asked length and classes, its bcrypt hash ($2a$, cost 10) verifying, both secret, ID none", async () => {
    const { id, outs } = await create(random, TYPES.password, { length: 32, special: false });
    assert.strictEqual(id, "none");
    assert.ok(isSecret(outs.result) && isSecret(outs.bcryptHash));
    assert.match(text(outs.result), /^[A-Za-z0-9]{32}$/);
    assert.match(text(outs.bcryptHash), /^\$2a\$10\$/);
    assert.ok(bcrypt.compareSync(text(outs.result), text(outs.bcryptHash)));
    assert.ok(!bcrypt.compareSync(`${text(outs.result)}x`, text(outs.bcryptHash)));
  });

  it("honours the minimums and the override of special characters", async () => {
    const { outs } = await create(random, TYPES.password, {
      length: 12,
      upper: false,
      lower: false,
      numeric: false,
      minSpecial: 12,
      overrideSpecial: "#",
    });
    assert.strictEqual(text(outs.result), "#".repeat(12));
  });

  it("replaces on a changed length or keeper, not for equal inputs or an override going from empty to unset", async () => {
    const inputs = { length: 32, special: false, keepers: { image: "a" }, overrideSpecial: "" };
    const { outs } = await create(random, TYPES.password, inputs);
    assert.deepStrictEqual(await diffOf(random, TYPES.password, outs, inputs), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepStrictEqual((await diffOf(random, TYPES.password, outs, { ...inputs, length: 33 })).replaces, [
      "length",
    ]);
    assert.deepStrictEqual(
      (await diffOf(random, TYPES.password, outs, { ...inputs, keepers: { image: "b" } })).replaces,
      ["keepers"],
    );
    const unset = await diffOf(random, TYPES.password, outs, { length: 32, special: false, keepers: { image: "a" } });
    assert.deepStrictEqual([unset.changes, unset.replaces], [true, []]);
  });

  it("refuses a length below the sum of the minimums", async () => {
    const checked = await random.check!(urnOf(TYPES.password), {}, { length: 3, minUpper: 2, minLower: 2 });
    assert.deepStrictEqual(
      checked.failures?.map((f) => f.property),
      ["length"],
    );
  });
});
