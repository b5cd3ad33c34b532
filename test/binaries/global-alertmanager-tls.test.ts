import * as assert from "node:assert";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as YAML from "yaml";
import { alertmanagerConfig } from "../../builders/alertmanager/config";
import { webConfig } from "../../builders/alertmanager/web-config";
import { ALERTMANAGER } from "../../builders/global/layout";
import { globalConfig } from "../fixtures/global-fixtures";
import { bcryptHash } from "../../local/bcrypt";
import { findBinary } from "../../local/binaries";
import { runBinary, stopChild, tempDir, withStandInFiles } from "../support/tools";

/**
 * The trust scheme of the Alertmanager mesh, run for real: two regions' alerting CAs cross-sign one
 * intermediate (as components/global/pki.ts does with @pulumi/tls), the pinned Alertmanager serves
 * the leaf plus every cross-signed intermediate with the builders' web config, and Go clients (amtool, like
 * Prometheus) of each region verify it against their own CA only, with their own basic-auth user.
 */
describe("Alertmanager TLS and basic auth across regions (the pinned Alertmanager and amtool, openssl)", function () {
  this.timeout(60000);
  let dir: string;
  let alertmanager: ChildProcess | undefined;
  let url: string;
  const passwords: Record<string, string> = {
    "us-east-prometheus": "pw-us-east",
    "eu-west-prometheus": "pw-eu-west",
    "global-federation": "pw-global",
  };

  const openssl = (...args: string[]) => runBinary("openssl", args, { cwd: dir });
  const file = (name: string) => path.join(dir, name);
  const ext = (name: string, text: string) => {
    fs.writeFileSync(file(name), text);
    return file(name);
  };

  function selfSignedCa(name: string, subject: string) {
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", `${name}.key`);
    openssl(
      "req",
      "-x509",
      "-new",
      "-key",
      `${name}.key`,
      "-subj",
      subject,
      "-days",
      "30",
      "-out",
      `${name}.crt`,
      "-addext",
      "basicConstraints=critical,CA:true",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    );
  }

  function freePort(): Promise<number> {
    return new Promise((resolve) => {
      const server = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
  }

  /** amtool as a region's Prometheus would connect: its own CA, the mesh's server name, its own user. */
  function query(caFile: string, user: string, password: string) {
    const httpConfig = ext(
      `client-${user}-${path.basename(caFile)}.yml`,
      YAML.stringify({
        basic_auth: { username: user, password },
        tls_config: { ca_file: caFile, server_name: ALERTMANAGER.tlsServerName },
      }),
    );
    return spawnSync(
      findBinary("amtool"),
      ["--alertmanager.url", url, "--http.config.file", httpConfig, "config", "show"],
      { encoding: "utf8" },
    );
  }

  before(async () => {
    dir = tempDir("am-tls-");
    selfSignedCa("us-east-ca", "/CN=us-east alerting CA");
    selfSignedCa("eu-west-ca", "/CN=eu-west alerting CA");
    selfSignedCa("other-ca", "/CN=unrelated CA");
    // One intermediate key and subject; a self-signed certificate of it (the global tier's own trust) and
    // one certificate per region signed with that region's CA key.
    selfSignedCa("intermediate", "/CN=global Alertmanager intermediate CA");
    openssl(
      "req",
      "-new",
      "-key",
      "intermediate.key",
      "-subj",
      "/CN=global Alertmanager intermediate CA",
      "-out",
      "intermediate.csr",
    );
    const caExt = ext(
      "ca.ext",
      "basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
    );
    for (const region of ["us-east", "eu-west"]) {
      openssl(
        "x509",
        "-req",
        "-in",
        "intermediate.csr",
        "-CA",
        `${region}-ca.crt`,
        "-CAkey",
        `${region}-ca.key`,
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        caExt,
        "-out",
        `intermediate-${region}.crt`,
      );
    }
    openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key");
    openssl("req", "-new", "-key", "leaf.key", "-subj", `/CN=${ALERTMANAGER.tlsServerName}`, "-out", "leaf.csr");
    const leafExt = ext(
      "leaf.ext",
      `basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${ALERTMANAGER.tlsServerName},IP:127.0.0.1\nauthorityKeyIdentifier=keyid\n`,
    );
    openssl(
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "intermediate.crt",
      "-CAkey",
      "intermediate.key",
      "-CAcreateserial",
      "-days",
      "30",
      "-extfile",
      leafExt,
      "-out",
      "leaf.crt",
    );
    fs.writeFileSync(
      file("chain.crt"),
      ["leaf.crt", "intermediate-us-east.crt", "intermediate-eu-west.crt"]
        .map((f) => fs.readFileSync(file(f), "utf8"))
        .join(""),
    );

    const users = Object.fromEntries(Object.entries(passwords).map(([user, password]) => [user, bcryptHash(password)]));
    fs.writeFileSync(
      file("web.yml"),
      YAML.stringify(webConfig({ certFile: file("chain.crt"), keyFile: file("leaf.key"), users })),
    );
    const config = YAML.stringify(
      alertmanagerConfig({ alerting: globalConfig(["us-east"]).alerting, secretsDir: ALERTMANAGER.secretsDir }),
    );
    fs.writeFileSync(file("alertmanager.yml"), withStandInFiles(config, [ALERTMANAGER.secretsDir], dir));

    const port = await freePort();
    url = `https://127.0.0.1:${port}`;
    alertmanager = spawn(
      findBinary("alertmanager"),
      [
        `--config.file=${file("alertmanager.yml")}`,
        `--web.config.file=${file("web.yml")}`,
        `--storage.path=${file("data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
        "--cluster.listen-address=",
      ],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      if (query(file("us-east-ca.crt"), "us-east-prometheus", passwords["us-east-prometheus"]).status === 0) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("Alertmanager did not come up");
  });

  after(async () => {
    await stopChild(alertmanager);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("each region verifies the mesh against its own alerting CA and authenticates as its own user", () => {
    for (const region of ["us-east", "eu-west"]) {
      const result = query(file(`${region}-ca.crt`), `${region}-prometheus`, passwords[`${region}-prometheus`]);
      assert.strictEqual(result.status, 0, `${region}: ${result.stderr}`);
      assert.match(result.stdout, /receivers:/);
    }
  });

  it("the global federation Prometheus verifies it against the self-signed intermediate", () => {
    const result = query(file("intermediate.crt"), "global-federation", passwords["global-federation"]);
    assert.strictEqual(result.status, 0, result.stderr);
  });

  it("refuses a wrong password and is refused by a client that trusts another CA", () => {
    assert.notStrictEqual(query(file("us-east-ca.crt"), "us-east-prometheus", "wrong").status, 0);
    assert.notStrictEqual(
      query(file("eu-west-ca.crt"), "us-east-prometheus", passwords["eu-west-prometheus"]).status,
      0,
    );
    const untrusted = query(file("other-ca.crt"), "us-east-prometheus", passwords["us-east-prometheus"]);
    assert.notStrictEqual(untrusted.status, 0);
    assert.match(untrusted.stderr, /certificate|x509|tls/i);
  });
});
