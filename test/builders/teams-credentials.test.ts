/**
 * A team's endpoints that authenticate and verify their targets with material from the team's own Secrets and
 * ConfigMaps (the ledger team of test/fixtures/teams.ts): the files the jobs point at, the copy the component
 * makes of them, the labels copied from Services and Pods, and the import of the same team from its
 * ServiceMonitor and PodMonitor (promtool on the result: test/binaries/teams-credentials-promtool.test.ts).
 */
import * as assert from "node:assert";
import { IN_POD_FILES, prometheusConfig } from "../../builders/prometheus/config";
import { discoveryRules } from "../../builders/prometheus/rbac";
import type { ScrapeConfig } from "../../builders/prometheus/types";
import { PATHS } from "../../builders/regional/layout";
import { regionalPlan, regionalPrometheusParams } from "../../builders/regional/plan";
import { credentialFileName, endpointHttpClient, teamCredentialFiles } from "../../builders/teams/credentials";
import type { RegionalStackConfig } from "../../config";
import { ImportProblem, importObjects } from "../../config/teams-import";
import { LEDGER_BY_IMPORT, LEDGER_WITH_CREDENTIALS, usEastWithTeams } from "../fixtures/teams";

function ledgerJobs(config: RegionalStackConfig, credentialsDir: string = PATHS.teamCredentialsDir): ScrapeConfig[] {
  const params = regionalPrometheusParams(config, regionalPlan(config), config.cluster.name, 0, "prometheus-shard-0-0");
  return prometheusConfig({
    ...params,
    files: { ...IN_POD_FILES, teamCredentialsDir: credentialsDir },
  }).scrape_configs.filter((j) => j.job_name.startsWith("ledger/"));
}

const byJob = (jobs: readonly ScrapeConfig[]) => Object.fromEntries(jobs.map((j) => [j.job_name, j]));
const file = (name: string) => `${PATHS.teamCredentialsDir}/${name}`;

describe("teams: credentials and TLS material from the team's Secrets and ConfigMaps", () => {
  const ledger = usEastWithTeams([LEDGER_WITH_CREDENTIALS]);

  it("points every credential and TLS field at the copy's file of the key it names, in the monitor's namespace", () => {
    const jobs = byJob(ledgerJobs(ledger));
    assert.deepStrictEqual(Object.keys(jobs), [
      "ledger/services/api/0",
      "ledger/services/api/1",
      "ledger/pods/worker/0",
    ]);
    const https = jobs["ledger/services/api/0"];
    assert.strictEqual(https.scheme, "https");
    assert.deepStrictEqual(https.tls_config, {
      ca_file: file("configMap_ledger_ledger-ca_ca.crt"),
      cert_file: file("secret_ledger_ledger-client_tls.crt"),
      key_file: file("secret_ledger_ledger-client_tls.key"),
      server_name: "ledger-api.ledger.svc",
    });
    assert.deepStrictEqual(https.basic_auth, {
      username_file: file("secret_ledger_ledger-basic-auth_username"),
      password_file: file("secret_ledger_ledger-basic-auth_password"),
    });
    assert.strictEqual(https.authorization, undefined);
    const admin = jobs["ledger/services/api/1"];
    assert.deepStrictEqual(admin.tls_config, { ca_file: file("secret_ledger_ledger-client_ca.crt") });
    assert.deepStrictEqual(admin.authorization, {
      type: "Bearer",
      credentials_file: file("secret_ledger_ledger-token_token"),
    });
    assert.strictEqual(admin.basic_auth, undefined);
    const worker = jobs["ledger/pods/worker/0"];
    assert.deepStrictEqual(worker.authorization, {
      type: "Token",
      credentials_file: file("secret_ledger_ledger-token_token"),
    });
    assert.strictEqual(worker.tls_config, undefined, "a plain-http endpoint has no TLS settings");
  });

  it("puts the files under the mount path it is given, and exposes an endpoint's client fields on their own", () => {
    const jobs = byJob(ledgerJobs(ledger, "/elsewhere"));
    assert.strictEqual(
      jobs["ledger/services/api/0"].basic_auth?.password_file,
      "/elsewhere/secret_ledger_ledger-basic-auth_password",
    );
    const monitor = ledger.teams[0].services[0];
    const fields = endpointHttpClient(monitor.namespace, monitor.endpoints[0], "/elsewhere");
    assert.deepStrictEqual(Object.keys(fields).sort(), ["basic_auth", "tls_config"]);
    assert.deepStrictEqual(fields.tls_config, jobs["ledger/services/api/0"].tls_config);
  });

  it("lists each key the copy must hold once, with where it comes from, however many endpoints read it", () => {
    const files = teamCredentialFiles(ledger.teams);
    assert.deepStrictEqual(
      files.map((f) => `${f.source.kind} ${f.source.namespace}/${f.source.name} ${f.source.key} -> ${f.fileName}`),
      [
        "configMap ledger/ledger-ca ca.crt -> configMap_ledger_ledger-ca_ca.crt",
        "secret ledger/ledger-client tls.crt -> secret_ledger_ledger-client_tls.crt",
        "secret ledger/ledger-client tls.key -> secret_ledger_ledger-client_tls.key",
        "secret ledger/ledger-basic-auth username -> secret_ledger_ledger-basic-auth_username",
        "secret ledger/ledger-basic-auth password -> secret_ledger_ledger-basic-auth_password",
        "secret ledger/ledger-client ca.crt -> secret_ledger_ledger-client_ca.crt",
        "secret ledger/ledger-token token -> secret_ledger_ledger-token_token",
      ],
    );
    assert.strictEqual(files.at(-1)!.usedBy, "job 'ledger/services/api/1' (authorization.credentials)");
  });

  it("names a key too long for a Secret by its start and a hash, so two long names stay apart", () => {
    const long = (key: string) =>
      credentialFileName({ kind: "secret", namespace: "ledger", name: "x".repeat(240), key });
    assert.ok(long("a").length <= 253 && long("b").length <= 253);
    assert.notStrictEqual(long("a"), long("b"));
    assert.match(long("a"), /^secret_ledger_x+-[0-9a-f]{16}$/);
  });

  it("leaves Prometheus' ClusterRole without Secrets or ConfigMaps: the copy is made by Pulumi", () => {
    const resources = discoveryRules(ledgerJobs(ledger)).flatMap((r) => r.resources);
    assert.deepStrictEqual(
      resources.filter((r) => r === "secrets" || r === "configmaps"),
      [],
    );
  });

  it("copies the Service's targetLabels and the Pod's podTargetLabels onto the targets, sanitized, before the job and team", () => {
    const jobs = byJob(ledgerJobs(ledger));
    const copies = (job: ScrapeConfig) =>
      job.relabel_configs!.filter((r) => r.regex === "(.+)" && r.replacement === "${1}");
    assert.deepStrictEqual(copies(jobs["ledger/services/api/0"]), [
      {
        source_labels: ["__meta_kubernetes_service_label_app_kubernetes_io_version"],
        target_label: "app_kubernetes_io_version",
        regex: "(.+)",
        replacement: "${1}",
        action: "replace",
      },
      {
        source_labels: ["__meta_kubernetes_pod_label_pod_template_hash"],
        target_label: "pod_template_hash",
        regex: "(.+)",
        replacement: "${1}",
        action: "replace",
      },
    ]);
    assert.deepStrictEqual(
      copies(jobs["ledger/pods/worker/0"]).map((r) => [r.source_labels![0], r.target_label]),
      [
        ["__meta_kubernetes_pod_label_app", "app"],
        ["__meta_kubernetes_pod_label_team_example_com_tier", "team_example_com_tier"],
      ],
    );
    const steps = jobs["ledger/services/api/0"].relabel_configs!;
    const copied = steps.findIndex((r) => r.target_label === "app_kubernetes_io_version");
    assert.ok(
      copied < steps.findIndex((r) => r.target_label === "job"),
      "the job label comes after, as with the operator",
    );
    assert.ok(copied < steps.findIndex((r) => r.target_label === "team"));
  });

  describe("the import", () => {
    it("maps tlsConfig.ca/cert/keySecret, basicAuth, authorization, bearerTokenSecret, targetLabels, podTargetLabels and the namespace into the same jobs", () => {
      assert.deepStrictEqual(ledgerJobs(usEastWithTeams([LEDGER_BY_IMPORT])), ledgerJobs(ledger));
    });

    it("takes the monitor's namespace from its metadata, where its Secrets are", () => {
      const [api] = usEastWithTeams([LEDGER_BY_IMPORT]).teams[0].services;
      assert.strictEqual(api.namespace, "ledger");
      assert.deepStrictEqual(
        api.endpoints[1].authorization,
        { type: "Bearer", credentials: { name: "ledger-token", key: "token" } },
        "bearerTokenSecret is the Bearer authorization it stands for",
      );
    });

    const problem = (endpoint: string) => {
      const text = `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: { name: api, namespace: ledger }\nspec:\n  selector: {}\n  endpoints:\n    - ${endpoint}\n`;
      try {
        importObjects("m.yaml", text);
      } catch (err) {
        assert.ok(err instanceof ImportProblem, String(err));
        return err.message;
      }
      assert.fail("the object was imported");
    };

    it("refuses what is still not mapped with the reason and what is mapped there", () => {
      assert.match(
        problem("{ port: https, scheme: https, tlsConfig: { caFile: /etc/ca.crt } }"),
        /^m\.yaml: ServiceMonitor 'ledger\/api' sets spec\.endpoints\[0\]\.tlsConfig\.caFile, which this stack does not map \(a path in the operator's Prometheus pod, which this stack's Prometheus does not have; name a Secret or ConfigMap with tlsConfig\.ca; mapped there: ca, cert, keySecret, serverName, insecureSkipVerify\)$/,
      );
      assert.match(
        problem("{ port: m, bearerTokenFile: /var/run/token }"),
        /sets spec\.endpoints\[0\]\.bearerTokenFile, which this stack does not map \(a path in the operator's Prometheus pod/,
      );
      assert.match(
        problem(
          "{ port: m, basicAuth: { username: { name: u, key: u, optional: true }, password: { name: u, key: p } } }",
        ),
        /sets spec\.endpoints\[0\]\.basicAuth\.username\.optional, which this stack does not map \(mapped there: name, key\)$/,
      );
      assert.match(
        problem(
          "{ port: m, authorization: { credentials: { name: t, key: t } }, bearerTokenSecret: { name: t, key: t } }",
        ),
        /sets both spec\.endpoints\[0\]\.authorization and spec\.endpoints\[0\]\.bearerTokenSecret/,
      );
    });
  });
});
