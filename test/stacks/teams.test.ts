/**
 * A team onboarded on the program's own stacks (us-east and global, with the payments team of
 * test/fixtures/teams.ts laid over their stack files): its rules in the region's rules ConfigMap, discovery
 * RBAC that reaches its namespaces, its jobs in every shard's config, and on the global stack its dashboards'
 * ConfigMap, its Grafana folder provider mounted where Grafana reads it, and its receivers' secrets.
 */
import * as assert from "assert";
import * as YAML from "yaml";
import { GRAFANA } from "../../builders/global/layout";
import { PATHS } from "../../builders/regional/layout";
import { readStackFile } from "../../config/stack-file";
import { PAYMENTS_BY_CONFIG, PAYMENTS_GLOBAL, PAYMENTS_SECRETS } from "../fixtures/teams";
import type { ProgramRun } from "../harness/program";
import { TEST_SECRETS, regionalReferences, runStackInChild } from "../harness/stacks";
import { K8S, containers, fileOf, k8sObject, ofType } from "./graph";

describe("a team on the program's own stacks (payments on us-east and global)", () => {
  const region = { config: { teams: [PAYMENTS_BY_CONFIG] } };
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
      assert.deepStrictEqual(team.groups[0].rules.map((r: { labels: { team: string } }) => r.labels.team), ["payments", "payments"]);
      assert.ok(fileOf(rules, "alerts.yaml").groups.length > 0, "the stack's own alerts are still there");
    });

    it("runs the team's jobs on every shard, with the team's namespaces discovered", () => {
      const configs = ofType(regional, K8S.configMap).filter((c) => /^prometheus-shard-\d+-config$/.test(c.args.metadata.name));
      assert.ok(configs.length >= 1);
      for (const c of configs) {
        const prometheus = YAML.parse(c.args.data[PATHS.configTemplateFile.split("/").pop()!]);
        const jobs = prometheus.scrape_configs.filter((j: { job_name: string }) => j.job_name.startsWith("payments/"));
        assert.deepStrictEqual(jobs.map((j: { job_name: string }) => j.job_name), ["payments/services/api/0", "payments/pods/worker/0"]);
        for (const job of jobs) assert.deepStrictEqual(job.kubernetes_sd_configs[0].namespaces.names, ["payments"]);
      }
    });

    it("lets Prometheus list and watch the team's EndpointSlices, Services and Pods in every namespace, its own included", () => {
      const role = ofType(regional, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").find((r) => r.args.metadata.name === "monitoring-prometheus")!;
      const reads = (group: string, resource: string) => role.args.rules.some((r: any) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes("list") && r.verbs.includes("watch"));
      assert.ok(reads("discovery.k8s.io", "endpointslices") && reads("", "services") && reads("", "pods"));
      // A ClusterRoleBinding, not a RoleBinding in the monitoring namespace: the payments namespace is covered.
      const binding = ofType(regional, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").find((b) => b.args.metadata.name === "monitoring-prometheus")!;
      assert.strictEqual(binding.args.roleRef.kind, "ClusterRole");
      assert.deepStrictEqual(binding.args.subjects.map((s: any) => s.namespace), ["monitoring"]);
    });
  });

  describe("global", () => {
    it("keeps the team's dashboards in a ConfigMap of their own, mounted where the team's folder provider reads", () => {
      const boards = ofType(global, K8S.configMap).find((c) => c.args.metadata.name === "grafana-team-payments-dashboards");
      assert.ok(boards, "the team's dashboards ConfigMap exists");
      assert.strictEqual(JSON.parse(boards.args.data["payments-overview.json"]).title, "Payments overview");
      const provisioning = ofType(global, K8S.configMap).find((c) => c.args.metadata.name === "grafana-provisioning")!;
      const provider = fileOf(provisioning, "dashboards.yml").providers.find((p: { name: string }) => p.name === "team-payments");
      assert.strictEqual(provider.folder, "payments");
      const grafana = ofType(global, K8S.deployment).find((d) => d.args.metadata.name === "grafana")!;
      const volume = grafana.args.spec.template.spec.volumes.find((v: any) => v.configMap?.name === "grafana-team-payments-dashboards");
      assert.ok(volume, "the ConfigMap is a volume of Grafana's pods");
      const mount = containers(grafana)[0].volumeMounts.find((m: any) => m.name === volume.name);
      assert.strictEqual(mount.mountPath, provider.options.path);
      assert.ok(mount.mountPath.startsWith(`${GRAFANA.teamDashboardsDir}/`));
    });

    it("gives the Alertmanagers the team's receivers' secrets as files, and a route on team=payments", () => {
      const secrets = ofType(global, K8S.secret).filter((s) => Object.keys(s.args.stringData ?? s.args.data ?? {}).includes("paymentsRoutingKey"));
      assert.strictEqual(secrets.length, 1);
      const data = secrets[0].args.stringData ?? secrets[0].args.data;
      assert.strictEqual(data.paymentsRoutingKey, PAYMENTS_SECRETS.paymentsRoutingKey);
      const config = ofType(global, K8S.secret).concat(ofType(global, K8S.configMap)).map((o) => o.args.stringData?.["alertmanager.yml"] ?? o.args.data?.["alertmanager.yml"]).find((t) => t);
      assert.ok(config, "the Alertmanager config is rendered");
      const routes = YAML.parse(config).route.routes;
      assert.ok(routes.some((r: { matchers: string[]; receiver: string }) => r.matchers.includes('team="payments"') && r.receiver === "payments-slack"));
    });
  });
});
