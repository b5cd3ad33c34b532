/**
 * The stand-ins under the real engine: an Automation API inline program with explicit random and tls
 * providers on a file backend, through up, a no-change up, a replacement and destroy.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";
import * as automation from "@pulumi/pulumi/automation";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { writeStandInPlugins } from "../../local/engine/stand-ins/plugins";
import { runBinary, tempDir } from "../support/tools";
import { findBinary } from "../../local/binaries";
import { pulumiCommand } from "../../local/engine/workspace";

const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

function program(leafValidityHours: number): automation.PulumiFn {
  return async () => {
    const tlsProvider = new tls.Provider("tls", {});
    const randomProvider = new random.Provider("random", {});
    const opts = (provider: pulumi.ProviderResource) => ({ provider });
    const caKey = new tls.PrivateKey("ca-key", { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts(tlsProvider));
    const ca = new tls.SelfSignedCert(
      "ca",
      {
        privateKeyPem: caKey.privateKeyPem,
        subject: { commonName: "stand-in CA", organization: "monitoring" },
        isCaCertificate: true,
        validityPeriodHours: 48,
        allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
      },
      opts(tlsProvider),
    );
    const leafKey = new tls.PrivateKey("leaf-key", { algorithm: "ECDSA", ecdsaCurve: "P256" }, opts(tlsProvider));
    const request = new tls.CertRequest(
      "leaf-csr",
      {
        privateKeyPem: leafKey.privateKeyPem,
        subject: { commonName: "leaf", organization: "monitoring" },
        dnsNames: ["leaf.test"],
        ipAddresses: ["127.0.0.1"],
      },
      opts(tlsProvider),
    );
    const leaf = new tls.LocallySignedCert(
      "leaf",
      {
        certRequestPem: request.certRequestPem,
        caPrivateKeyPem: caKey.privateKeyPem,
        caCertPem: ca.certPem,
        validityPeriodHours: leafValidityHours,
        earlyRenewalHours: 1,
        allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
      },
      opts(tlsProvider),
    );
    const password = new random.RandomPassword("password", { length: 24, special: false }, opts(randomProvider));
    return {
      caCertPem: ca.certPem,
      leafCertPem: leaf.certPem,
      leafId: leaf.id,
      password: password.result,
      bcryptHash: password.bcryptHash,
    };
  };
}

interface StoredState {
  checkpoint: { latest: { resources: { type: string; outputs: Record<string, Record<string, unknown>> }[] } };
}

function storedState(backend: string): StoredState {
  const file = path.join(backend, ".pulumi", "stacks", "stand-ins", "stand-ins.json");
  return JSON.parse(fs.readFileSync(file, "utf8")) as StoredState;
}

/** The pinned CLI, or none where `npm run setup` has not built it (the test then says how to get it). */
function pinnedCli(): string | undefined {
  try {
    return findBinary("pulumi");
  } catch {
    return undefined;
  }
}

describe("random and tls stand-ins under the real engine", function () {
  this.timeout(600_000);
  const cli = pinnedCli();
  const dir = tempDir("stand-ins-engine-");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  before(function () {
    if (!cli) {
      console.log(
        "    skipped: no Pulumi CLI (set PULUMI_BIN, put pulumi on PATH, or run npm run setup for .tools/bin/pulumi)",
      );
      this.skip();
    }
  });

  it("creates, leaves unchanged, replaces on a changed input, and destroys", async () => {
    const plugins = path.join(dir, "plugins");
    writeStandInPlugins(plugins);
    for (const sub of ["state", "home", "work"]) fs.mkdirSync(path.join(dir, sub));
    const command = await pulumiCommand(cli!);
    const envVars = {
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "stand-ins",
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PATH: [plugins, path.dirname(cli!), process.env.PATH ?? ""].join(path.delimiter),
    };
    const timings: Record<string, number> = {};
    const timed = async <T>(step: string, f: () => Promise<T>): Promise<T> => {
      const start = Date.now();
      try {
        return await f();
      } finally {
        timings[step] = (Date.now() - start) / 1000;
      }
    };
    const stack = await timed("createOrSelectStack", () =>
      automation.LocalWorkspace.createOrSelectStack(
        { stackName: "stand-ins", projectName: "stand-ins", program: program(24) },
        { workDir: path.join(dir, "work"), envVars, pulumiHome: envVars.PULUMI_HOME, pulumiCommand: command },
      ),
    );
    const logs: string[] = [];
    const onOutput = (line: string) => logs.push(line);
    try {
      const first = await timed("up", () => stack.up({ onOutput }));
      assert.deepStrictEqual(first.summary.resourceChanges, { create: 9 }, logs.join(""));
      assert.ok(
        first.outputs.password.secret && first.outputs.bcryptHash.secret,
        "the password outputs are not secret",
      );
      assert.match(first.outputs.password.value as string, /^[A-Za-z0-9]{24}$/);
      const caFile = path.join(dir, "ca.pem");
      const leafFile = path.join(dir, "leaf.pem");
      fs.writeFileSync(caFile, first.outputs.caCertPem.value as string);
      fs.writeFileSync(leafFile, first.outputs.leafCertPem.value as string);
      assert.match(runBinary("openssl", ["verify", "-CAfile", caFile, leafFile]), /OK/);

      // What the file backend stores (`stack export` would decrypt it): secrets as ciphertext only.
      const stored = storedState(path.join(dir, "state"));
      const passwordState = stored.checkpoint.latest.resources.find(
        (r) => r.type === "random:index/randomPassword:RandomPassword",
      );
      assert.ok(passwordState?.outputs.result[SECRET_SIGNATURE_KEY], "the stored password is not marked secret");
      assert.ok(
        !JSON.stringify(stored).includes(first.outputs.password.value as string),
        "the password is stored in plain text",
      );

      const second = await timed("up (no change)", () => stack.up({ onOutput }));
      assert.deepStrictEqual(second.summary.resourceChanges, { same: 9 }, logs.join(""));

      const third = await timed("up (leaf validity changed)", () => stack.up({ onOutput, program: program(12) }));
      assert.deepStrictEqual(third.summary.resourceChanges, { same: 8, replace: 1 }, logs.join(""));
      assert.notStrictEqual(third.outputs.leafId.value, first.outputs.leafId.value);

      const destroyed = await timed("destroy", () => stack.destroy({ onOutput }));
      assert.deepStrictEqual(destroyed.summary.resourceChanges, { delete: 9 }, logs.join(""));
    } finally {
      console.log(`    timings (s): ${JSON.stringify(timings)}`);
      const warnings = logs
        .join("")
        .split("\n")
        .filter((l) => /warning/i.test(l));
      if (warnings.length > 0) console.log(`    engine warnings:\n      ${warnings.join("\n      ")}`);
    }
  });
});
