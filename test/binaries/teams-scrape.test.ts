/**
 * A team's endpoint credentials, run for real: the pinned Prometheus scrapes a local HTTPS target that
 * demands a client certificate and basic auth, through a job whose TLS and authentication fields are the
 * builder's (endpointHttpClient, for the ledger team's first endpoint) with the copy's files in a temp dir.
 */
import { loadProgramConfig } from "../../tiers/load-config";
import * as assert from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import * as YAML from "yaml";
import { credentialFileName, endpointHttpClient, teamCredentialFiles } from "../../builders/teams/credentials";
import type { RegionalStackConfig } from "../../config";
import { REPO_ROOT, rawConfigOf, readStackFile } from "../../config/stack-file";
import { findBinary } from "../../local/binaries";
import { Pki } from "../../local/pki";
import { LEDGER_WITH_CREDENTIALS } from "../fixtures/teams";
import { stopChild, tempDir } from "../support/tools";

/** In this test's own range (below the ephemeral ports). */
const TARGET_PORT = 24210;
const PROMETHEUS_PORT = 24211;
const USERNAME = "prometheus";
const PASSWORD = "ledger-scrape-password";

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on("error", reject);
  });
}

/** The latest `up` of the job, once Prometheus has one. */
async function up(): Promise<string | undefined> {
  try {
    const { status, body } = await get(
      `http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/query?query=${encodeURIComponent('up{job="ledger"}')}`,
    );
    if (status !== 200) return undefined;
    return JSON.parse(body).data.result[0]?.value[1];
  } catch {
    return undefined;
  }
}

async function waitForUp(expected: string, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if ((await up()) === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`up{job="ledger"} did not become ${expected} (${what}); last: ${await up()}`);
}

describe("a team's client certificate and basic auth, scraped by the pinned Prometheus over HTTPS", function () {
  this.timeout(60000);
  let dir: string;
  let target: https.Server | undefined;
  let prometheus: ChildProcess | undefined;
  let passwordFile: string;
  const scrapes = { authorized: 0, refused: 0 };

  before(async () => {
    dir = tempDir("team-scrape-");
    const ledger = loadProgramConfig(
      "us-east",
      rawConfigOf({ ...readStackFile("us-east"), teams: [LEDGER_WITH_CREDENTIALS] }),
      REPO_ROOT,
    ) as RegionalStackConfig;
    const monitor = ledger.teams[0].services[0];
    const endpoint = monitor.endpoints[0];
    const pki = new Pki(path.join(dir, "pki"));
    const ca = pki.rootCa("ca", "ledger CA");
    const server = pki.server("server", ca, [endpoint.tlsConfig!.serverName!], ["127.0.0.1"]);
    const client = pki.client("client", ca, USERNAME);

    // The copy as the Prometheus pods would see it: one file per key the endpoint reads.
    const credentials = path.join(dir, "team-credentials");
    fs.mkdirSync(credentials);
    const values: Record<string, string> = {
      "tlsConfig.ca": fs.readFileSync(ca.cert, "utf8"),
      "tlsConfig.cert": fs.readFileSync(client.cert, "utf8"),
      "tlsConfig.keySecret": fs.readFileSync(client.key, "utf8"),
      "basicAuth.username": USERNAME,
      "basicAuth.password": PASSWORD,
    };
    const files = teamCredentialFiles(ledger.teams).filter((f) => f.usedBy.startsWith("job 'ledger/services/api/0'"));
    assert.strictEqual(files.length, Object.keys(values).length);
    for (const f of files) fs.writeFileSync(path.join(credentials, f.fileName), values[/\((.+)\)$/.exec(f.usedBy)![1]]);
    passwordFile = path.join(
      credentials,
      credentialFileName({ kind: "secret", namespace: "ledger", name: "ledger-basic-auth", key: "password" }),
    );

    const expected = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString("base64")}`;
    target = https.createServer(
      {
        cert: fs.readFileSync(server.cert),
        key: fs.readFileSync(server.key),
        ca: fs.readFileSync(ca.cert),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        if (req.headers.authorization !== expected) {
          scrapes.refused++;
          res.writeHead(401, { "www-authenticate": 'Basic realm="ledger"' }).end();
          return;
        }
        scrapes.authorized++;
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end("ledger_entries_total 42\n");
      },
    );
    await new Promise<void>((resolve, reject) =>
      target!.once("error", reject).listen(TARGET_PORT, "127.0.0.1", resolve),
    );

    const config = {
      global: { scrape_interval: "1s", scrape_timeout: "1s" },
      scrape_configs: [
        {
          job_name: "ledger",
          scheme: endpoint.scheme,
          metrics_path: endpoint.path,
          static_configs: [{ targets: [`127.0.0.1:${TARGET_PORT}`] }],
          ...endpointHttpClient(monitor.namespace, endpoint, credentials),
        },
      ],
    };
    fs.writeFileSync(path.join(dir, "prometheus.yaml"), YAML.stringify(config));
    prometheus = spawn(
      findBinary("prometheus"),
      [
        `--config.file=${path.join(dir, "prometheus.yaml")}`,
        `--storage.tsdb.path=${path.join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${PROMETHEUS_PORT}`,
      ],
      { stdio: "ignore" },
    );
  });

  after(async () => {
    await stopChild(prometheus);
    await new Promise((resolve) => (target ? target.close(resolve) : resolve(undefined)));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a client without the certificate: the target really demands one", async () => {
    const refused = await new Promise<boolean>((resolve) => {
      https
        .get(
          {
            host: "127.0.0.1",
            port: TARGET_PORT,
            path: "/metrics",
            ca: fs.readFileSync(path.join(dir, "pki", "ca.crt")),
            servername: "ledger-api.ledger.svc",
          },
          () => resolve(false),
        )
        .on("error", () => resolve(true));
    });
    assert.ok(refused, "a TLS client without a certificate got an answer");
  });

  it("is up with the copy's certificate, key, CA and basic auth", async () => {
    await waitForUp("1", "with the right credentials");
    assert.ok(scrapes.authorized > 0);
  });

  it("is down once the password file holds a wrong password, which Prometheus reads on every scrape", async () => {
    fs.writeFileSync(passwordFile, "not-the-password");
    const refusedBefore = scrapes.refused;
    await waitForUp("0", "with a wrong password");
    assert.ok(scrapes.refused > refusedBefore, "the target refused the wrong password (not a TLS failure)");
  });
});
