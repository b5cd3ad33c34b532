/**
 * What Grafana loads from the global stack, read from the recorded graph as Grafana would read the mounted
 * files (Grafana itself cannot run here): the provisioning directory's datasources and dashboard provider,
 * the provider's folder holding every dashboard JSON, and each dashboard naming only provisioned datasources.
 */
import * as assert from "node:assert";
import type { GlobalStackConfig } from "../../config";
import { grafanaDashboards } from "../../builders/grafana/dashboards";
import type { ProgramRun } from "../harness/program";
import { globalFile, globalFiles } from "./global-checks";
import { K8S, type Resource, containers, ofType } from "./graph";

const isDashboard = (c: any) =>
  typeof c.uid === "string" && Array.isArray(c.panels) && typeof c.schemaVersion === "number";

/** The one Deployment whose container Grafana configures through GF_PATHS_PROVISIONING. */
function grafanaDeployment(run: ProgramRun): { spec: any; env: Map<string, string> } {
  const found = ofType(run, K8S.deployment).filter((d) =>
    containers(d).some((c: any) => c.env?.some((e: any) => e.name === "GF_PATHS_PROVISIONING")),
  );
  assert.strictEqual(found.length, 1, "one Grafana Deployment");
  const spec = found[0].args.spec.template.spec;
  const grafana = spec.containers.find((c: any) => c.env.some((e: any) => e.name === "GF_PATHS_PROVISIONING"));
  return {
    spec: { ...spec, grafana },
    env: new Map(grafana.env.filter((e: any) => typeof e.value === "string").map((e: any) => [e.name, e.value])),
  };
}

/** The ConfigMap a volume mounted at `path` projects, and the file paths it gives its keys. */
function mountedConfigMap(spec: any, path: string): { name: string; items?: { key: string; path: string }[] } {
  const mount = spec.grafana.volumeMounts.find((m: any) => m.mountPath === path);
  assert.ok(mount, `Grafana mounts ${path}`);
  const volume = spec.volumes.find((v: any) => v.name === mount.name);
  assert.ok(volume?.configMap, `${path} is a ConfigMap`);
  return volume.configMap;
}

export function assertGrafanaProvisioning(run: ProgramRun, config: GlobalStackConfig): void {
  const { spec, env } = grafanaDeployment(run);
  // Grafana reads <provisioning>/datasources/*.yml and <provisioning>/dashboards/*.yml.
  const provisioning = mountedConfigMap(spec, env.get("GF_PATHS_PROVISIONING") as string);
  const paths = (provisioning.items ?? []).map((i) => i.path).sort();
  assert.deepStrictEqual(
    paths.map((p) => p.split("/")[0]),
    ["dashboards", "datasources"],
  );
  for (const p of paths) assert.match(p, /^[a-z]+\/[^/]+\.ya?ml$/);

  const datasources = new Map<string, string>(
    globalFile(run, config, "Grafana datasources", (c) => Array.isArray(c.datasources)).datasources.map((d: any) => [
      d.uid,
      d.type,
    ]),
  );
  const { providers } = globalFile(run, config, "Grafana dashboard providers", (c) => Array.isArray(c.providers));
  assert.strictEqual(providers.length, 1);
  assert.strictEqual(providers[0].folder, "Monitoring");

  // The provider's path is where the dashboards' ConfigMap is mounted, and that ConfigMap holds every dashboard.
  const folder = mountedConfigMap(spec, providers[0].options.path);
  const dashboards = globalFiles(run, config).filter(
    (f) => f.content && typeof f.content === "object" && isDashboard(f.content),
  );
  const holders = new Set(dashboards.map((f) => (f.object as Resource).args.metadata.name));
  assert.deepStrictEqual(
    [...holders],
    [folder.name],
    "every dashboard sits in the ConfigMap the provider's folder mounts",
  );
  assert.deepStrictEqual(dashboards.map((f) => f.key).sort(), Object.keys(grafanaDashboards()).sort());
  for (const { key } of dashboards) assert.ok(/\.json$/.test(key), `${key}: Grafana's file provider reads .json files`);

  const uids = dashboards.map((f) => f.content.uid);
  assert.strictEqual(new Set(uids).size, uids.length, "dashboard uids are unique");
  for (const { key, content } of dashboards) {
    const refs = [
      ...content.panels
        .filter((p: any) => p.type !== "row")
        .flatMap((p: any) => [p.datasource, ...p.targets.map((t: any) => t.datasource)]),
      ...(content.templating?.list ?? []).map((v: any) => v.datasource),
    ];
    for (const ref of refs)
      assert.strictEqual(
        datasources.get(ref.uid),
        ref.type,
        `${key} names datasource '${ref.uid}', which Grafana provisions`,
      );
  }
}
