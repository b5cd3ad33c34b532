/**
 * A team onboarded on the program's own stacks (us-east and global, with the payments team of
 * test/fixtures/teams.ts laid over their stack files): its rules in the region's rules ConfigMap, discovery
 * RBAC that reaches its namespaces, its jobs in every shard's config, the ledger team's credentials copied
 * from its namespace and mounted into Prometheus, and on the global stack its dashboards' ConfigMap, its
 * Grafana folder provider mounted where Grafana reads it, and its receivers' secrets.
 */
import * as assert from "node:assert";
import * as YAML from "yaml";
import { GRAFANA } from "../../builders/global/layout";
import { NAMES, PATHS } from "../../builders/regional/layout";
import { readStackFile } from "../../config/stack-file";
import {
  LEDGER_RUN,
  LEDGER_WITH_CREDENTIALS,
  PAYMENTS_BY_CONFIG,
  PAYMENTS_GLOBAL,
  PAYMENTS_SECRETS,
} from "../fixtures/teams";
import { hasSecretInput } from "../harness/mocks";
import type { ProgramRun } from "../harness/program";
import { TEST_SECRETS, regionalReferences, runStackInChild } from "../harness/stacks";
import { K8S, containers, fileOf, k8sObject, ofType, providerOf, reads } from "./graph";

describe("a team on the program's own stacks (payments on us-east and global)", () => {
  // Beside payments, ledger authenticates every way the stack maps, with its Secrets and ConfigMaps in the cluster.
  const region = { config: { teams: [PAYMENTS_BY_CONFIG, LEDGER_WITH_CREDENTIALS] }, existing: LEDGER_RUN.existing };
  let regional: ProgramRun;
  let global: ProgramRun;

  before(function () {
    // Three programs, each in a child process: us-east with the team, eu-west, and global over both.
    this.timeout(300_000);
    regional = runStackInChild("us-east", region);
    const references = readStackFile("global").regions as string[];
    const usEast = references.find((r) => r.endsWith("/us-east"))!;
    global = runStackInChild("global", {
      config: { teams: [PAYMENTS_GLOBAL] },
      secrets: { ...TEST_SECRETS.global, ...PAYMENTS_SECRETS },
      stackReferences: {
        ...regionalReferences(references.filter((r) => r !== usEast)),
        [usEast]: { outputs: regional.outputs, secretOutputNames: regional.secretOutputs },
      },
    });
  });

  describe("us-east", () => {
    it("mounts the team's rule file, every rule labeled team=payments, beside the stack's own", () => {
      const rules = k8sObject(regional, K8S.configMap, "prometheus-rules");
      const team = fileOf(rules, "team-payments-rules.yaml");
      assert.deepStrictEqual(
        team.groups[0].rules.map((r: { labels: { team: string } }) => r.labels.team),
        ["payments", "payments"],
      );
      assert.ok(fileOf(rules, "alerts.yaml").groups.length > 0, "the stack's own alerts are still there");
    });

    it("runs the team's jobs on every shard, with the team's namespaces discovered", () => {
      const configs = ofType(regional, K8S.configMap).filter((c) =>
        /^prometheus-shard-\d+-config$/.test(c.args.metadata.name),
      );
      assert.ok(configs.length >= 1);
      for (const c of configs) {
        const prometheus = YAML.parse(c.args.data[PATHS.configTemplateFile.split("/").pop()!]);
        const jobs = prometheus.scrape_configs.filter((j: { job_name: string }) => j.job_name.startsWith("payments/"));
        assert.deepStrictEqual(
          jobs.map((j: { job_name: string }) => j.job_name),
          ["payments/services/api/0", "payments/pods/worker/0"],
        );
        for (const job of jobs) assert.deepStrictEqual(job.kubernetes_sd_configs[0].namespaces.names, ["payments"]);
      }
    });

    it("lets Prometheus list and watch the team's EndpointSlices, Services and Pods in every namespace, its own included", () => {
      const role = ofType(regional, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").find(
        (r) => r.args.metadata.name === "monitoring-prometheus",
      )!;
      const reads = (group: string, resource: string) =>
        role.args.rules.some(
          (r: any) =>
            r.apiGroups.includes(group) &&
            r.resources.includes(resource) &&
            r.verbs.includes("list") &&
            r.verbs.includes("watch"),
        );
      assert.ok(reads("discovery.k8s.io", "endpointslices") && reads("", "services") && reads("", "pods"));
      // A ClusterRoleBinding, not a RoleBinding in the monitoring namespace: the payments namespace is covered.
      const binding = ofType(regional, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").find(
        (b) => b.args.metadata.name === "monitoring-prometheus",
      )!;
      assert.strictEqual(binding.args.roleRef.kind, "ClusterRole");
      assert.deepStrictEqual(
        binding.args.subjects.map((s: any) => s.namespace),
        ["monitoring"],
      );
    });
  });

  describe("us-east: the ledger team's credentials", () => {
    const copyName = NAMES.teamCredentialsSecret;
    const prometheusSets = () =>
      ofType(regional, K8S.statefulSet).filter((s) => s.args.metadata.name.startsWith("prometheus-shard-"));

    it("reads each Secret and ConfigMap the endpoints name once, in the team's namespace, through the cluster's provider", () => {
      assert.deepStrictEqual(
        reads(regional)
          .map((r) => `${r.type.split(":").pop()} ${r.readId}`)
          .sort(),
        [
          "ConfigMap ledger/ledger-ca",
          "Secret ledger/ledger-basic-auth",
          "Secret ledger/ledger-client",
          "Secret ledger/ledger-token",
        ],
      );
      const copy = k8sObject(regional, K8S.secret, copyName);
      for (const read of reads(regional)) assert.strictEqual(providerOf(read), providerOf(copy), read.readId);
    });

    it("copies every key into one Secret of the monitoring namespace, as a Pulumi secret, each value the cluster's", () => {
      const copy = k8sObject(regional, K8S.secret, copyName);
      assert.ok(hasSecretInput(copy), "the copy's data is a Pulumi secret");
      const secrets = LEDGER_RUN.existing[K8S.secret];
      const ca = LEDGER_RUN.existing[K8S.configMap]["ledger/ledger-ca"].data["ca.crt"];
      assert.deepStrictEqual(copy.args.data, {
        "configMap_ledger_ledger-ca_ca.crt": Buffer.from(ca).toString("base64"),
        "secret_ledger_ledger-client_tls.crt": secrets["ledger/ledger-client"].data["tls.crt"],
        "secret_ledger_ledger-client_tls.key": secrets["ledger/ledger-client"].data["tls.key"],
        "secret_ledger_ledger-client_ca.crt": secrets["ledger/ledger-client"].data["ca.crt"],
        "secret_ledger_ledger-basic-auth_username": secrets["ledger/ledger-basic-auth"].data.username,
        "secret_ledger_ledger-basic-auth_password": secrets["ledger/ledger-basic-auth"].data.password,
        "secret_ledger_ledger-token_token": secrets["ledger/ledger-token"].data.token,
      });
    });

    it("mounts the copy read-only into every Prometheus container, not its sidecar, where the jobs' files point", () => {
      const keys = Object.keys(k8sObject(regional, K8S.secret, copyName).args.data);
      assert.ok(prometheusSets().length >= 1);
      for (const set of prometheusSets()) {
        const volume = set.args.spec.template.spec.volumes.find((v: any) => v.secret?.secretName === copyName);
        assert.ok(volume, `${set.args.metadata.name} has the copy as a volume`);
        const [prometheus, sidecar] = ["prometheus", "thanos-sidecar"].map((n) =>
          containers(set).find((c) => c.name === n),
        );
        const mount = prometheus.volumeMounts.find((m: any) => m.name === volume.name);
        assert.deepStrictEqual(
          { path: mount.mountPath, readOnly: mount.readOnly },
          { path: PATHS.teamCredentialsDir, readOnly: true },
        );
        assert.ok(
          !sidecar.volumeMounts.some((m: any) => m.name === volume.name),
          "the sidecar does not see the teams' credentials",
        );
        const config = ofType(regional, K8S.configMap).find(
          (c) => c.args.metadata.name === `${set.args.metadata.name}-config`,
        )!;
        const text: string = config.args.data[PATHS.configTemplateFile.split("/").pop()!];
        const named = [...text.matchAll(new RegExp(`${PATHS.teamCredentialsDir}/([^\\s"']+)`, "g"))].map((m) => m[1]);
        assert.deepStrictEqual([...new Set(named)].sort(), [...keys].sort(), "the jobs name exactly the copy's files");
      }
    });

    it("grants Prometheus' ServiceAccount no Secret or ConfigMap anywhere: Pulumi makes the copy", () => {
      const rbac = (kind: string) => ofType(regional, `kubernetes:rbac.authorization.k8s.io/v1:${kind}`);
      const bound = [...rbac("ClusterRoleBinding"), ...rbac("RoleBinding")]
        .filter((b) =>
          b.args.subjects.some(
            (s: any) =>
              s.kind === "ServiceAccount" && s.name === NAMES.prometheusServiceAccount && s.namespace === "monitoring",
          ),
        )
        .map((b) => b.args.roleRef.name);
      assert.deepStrictEqual(bound, ["monitoring-prometheus"]);
      const rules = [...rbac("ClusterRole"), ...rbac("Role")]
        .filter((r) => bound.includes(r.args.metadata.name))
        .flatMap((r) => r.args.rules);
      assert.ok(rules.length > 0);
      assert.deepStrictEqual(
        rules.filter((rule: any) => rule.resources.some((x: string) => ["secrets", "configmaps", "*"].includes(x))),
        [],
      );
    });

    it("stops the run naming the object, the key and the job when a Secret lacks a key an endpoint reads", () => {
      const { password: _gone, ...rest } = LEDGER_RUN.existing[K8S.secret]["ledger/ledger-basic-auth"].data;
      const existing = {
        ...LEDGER_RUN.existing,
        [K8S.secret]: { ...LEDGER_RUN.existing[K8S.secret], "ledger/ledger-basic-auth": { data: rest } },
      };
      assert.throws(
        () => runStackInChild("us-east", { config: { teams: [LEDGER_WITH_CREDENTIALS] }, existing }),
        (err: any) => {
          assert.match(
            String(err.stderr),
            /stack 'us-east': Secret 'ledger\/ledger-basic-auth' has no key 'password', which job 'ledger\/services\/api\/0' \(basicAuth\.password\) reads \(its keys: username\)/,
          );
          return true;
        },
      );
    });
  });

  describe("global", () => {
    it("keeps the team's dashboards in a ConfigMap of their own, mounted where the team's folder provider reads", () => {
      const boards = ofType(global, K8S.configMap).find(
        (c) => c.args.metadata.name === "grafana-team-payments-dashboards",
      );
      assert.ok(boards, "the team's dashboards ConfigMap exists");
      assert.strictEqual(JSON.parse(boards.args.data["payments-overview.json"]).title, "Payments overview");
      const provisioning = ofType(global, K8S.configMap).find((c) => c.args.metadata.name === "grafana-provisioning")!;
      const provider = fileOf(provisioning, "dashboards.yml").providers.find(
        (p: { name: string }) => p.name === "team-payments",
      );
      assert.strictEqual(provider.folder, "payments");
      const grafana = ofType(global, K8S.deployment).find((d) => d.args.metadata.name === "grafana")!;
      const volume = grafana.args.spec.template.spec.volumes.find(
        (v: any) => v.configMap?.name === "grafana-team-payments-dashboards",
      );
      assert.ok(volume, "the ConfigMap is a volume of Grafana's pods");
      const mount = containers(grafana)[0].volumeMounts.find((m: any) => m.name === volume.name);
      assert.strictEqual(mount.mountPath, provider.options.path);
      assert.ok(mount.mountPath.startsWith(`${GRAFANA.teamDashboardsDir}/`));
    });

    it("gives the Alertmanagers the team's receivers' secrets as files, and a route on team=payments", () => {
      const secrets = ofType(global, K8S.secret).filter((s) =>
        Object.keys(s.args.stringData ?? s.args.data ?? {}).includes("paymentsRoutingKey"),
      );
      assert.strictEqual(secrets.length, 1);
      const data = secrets[0].args.stringData ?? secrets[0].args.data;
      assert.strictEqual(data.paymentsRoutingKey, PAYMENTS_SECRETS.paymentsRoutingKey);
      const config = ofType(global, K8S.secret)
        .concat(ofType(global, K8S.configMap))
        .map((o) => o.args.stringData?.["alertmanager.yml"] ?? o.args.data?.["alertmanager.yml"])
        .find((t) => t);
      assert.ok(config, "the Alertmanager config is rendered");
      const routes = YAML.parse(config).route.routes;
      assert.ok(
        routes.some(
          (r: { matchers: string[]; receiver: string }) =>
            r.matchers.includes('team="payments"') && r.receiver === "payments-slack",
        ),
      );
    });
  });
});
