/**
 * A regional Prometheus config with every credential kind a team's endpoints use, the files written from a
 * real CA and client certificate, as the pinned promtool checks it.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { IN_POD_FILES, prometheusConfig } from "../../builders/prometheus/config";
import { regionalPlan, regionalPrometheusParams } from "../../builders/regional/plan";
import { teamCredentialFiles } from "../../builders/teams/credentials";
import { Pki } from "../../local/pki";
import { LEDGER_WITH_CREDENTIALS, usEastWithTeams } from "../fixtures/teams";
import { runPromtool, standInPrometheusConfig, withTempDir } from "../support/promtool";

describe("teams: credentials and TLS material from the team's Secrets and ConfigMaps", () => {
  const ledger = usEastWithTeams([LEDGER_WITH_CREDENTIALS]);

  it("renders a regional config with every credential kind that the pinned promtool check config accepts, the files in a temp dir", () => {
    withTempDir("team-credentials-", (dir) => {
      const credentials = path.join(dir, "team-credentials");
      const pki = new Pki(path.join(dir, "pki"));
      const ca = pki.rootCa("ledger-ca", "ledger CA");
      const client = pki.client("ledger-client", ca, "prometheus");
      const contents: Record<string, string> = {
        "configMap_ledger_ledger-ca_ca.crt": fs.readFileSync(ca.cert, "utf8"),
        "secret_ledger_ledger-client_tls.crt": fs.readFileSync(client.cert, "utf8"),
        "secret_ledger_ledger-client_tls.key": fs.readFileSync(client.key, "utf8"),
        "secret_ledger_ledger-client_ca.crt": fs.readFileSync(ca.cert, "utf8"),
        "secret_ledger_ledger-basic-auth_username": "prometheus",
        "secret_ledger_ledger-basic-auth_password": "ledger-scrape-password",
        "secret_ledger_ledger-token_token": "ledger-scrape-token",
      };
      assert.deepStrictEqual(
        Object.keys(contents).sort(),
        teamCredentialFiles(ledger.teams)
          .map((f) => f.fileName)
          .sort(),
        "every key the copy holds, and no other",
      );
      fs.mkdirSync(credentials);
      for (const [name, content] of Object.entries(contents)) fs.writeFileSync(path.join(credentials, name), content);
      const params = regionalPrometheusParams(
        ledger,
        regionalPlan(ledger),
        ledger.cluster.name,
        0,
        "prometheus-shard-0-0",
      );
      const config = prometheusConfig({ ...params, files: { ...IN_POD_FILES, teamCredentialsDir: credentials } });
      // The stack's own in-pod files get stand-ins; the teams' files are the real ones written above.
      const checked = path.join(dir, "prometheus.yaml");
      fs.writeFileSync(checked, standInPrometheusConfig(config, dir));
      assert.ok(fs.readFileSync(checked, "utf8").includes(`${credentials}/secret_ledger_ledger-token_token`));
      assert.match(runPromtool(["check", "config", checked]), /SUCCESS/);
    });
  });
});
