/**
 * What Grafana loads from the global stack, read from the recorded graph as Grafana would read the mounted
 * files (Grafana itself cannot run here): the provisioning directory's datasources and dashboard provider,
 * the provider's folder holding every dashboard JSON, and each dashboard naming only provisioned datasources.
 */
import * as assert from "node:assert";
import type { GlobalStackConfig } from "../../config";
import { grafanaDashboards } from "../../builders/grafana/dashboards";
import { CLIENT_SECRET_ENV } from "../../builders/grafana/sso";
import { documentedKeyOf } from "../fixtures/grafana-documented-keys";
import { unwrapSecret } from "../harness/mocks";
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

/**
 * Grafana's settings as its container gets them: every `GF_` variable one Grafana documents, and the OAuth
 * client secret (with single sign-on) a reference into a Secret of the stack that holds `clientSecret`,
 * never a value of the pod spec.
 */
export function assertGrafanaSettings(run: ProgramRun, config: GlobalStackConfig, clientSecret?: string): void {
  const { spec } = grafanaDeployment(run);
  const variables: any[] = spec.grafana.env;
  const settings = variables.map((e) => e.name as string).filter((name) => name.startsWith("GF_"));
  assert.ok(settings.length > 20, `${settings.length} settings`);
  assert.deepStrictEqual(
    settings.filter((name) => documentedKeyOf(name) === undefined),
    [],
    "every GF_ variable sets a documented key",
  );
  const secret = variables.find((e) => e.name === CLIENT_SECRET_ENV);
  if (config.grafana.sso === undefined) {
    assert.strictEqual(secret, undefined);
    return;
  }
  assert.strictEqual(secret.value, undefined, "the client secret is no literal value");
  const { name, key } = secret.valueFrom.secretKeyRef;
  const holder = ofType(run, K8S.secret).filter((s) => s.args.metadata.name === name);
  assert.strictEqual(holder.length, 1, `the Secret ${name}`);
  assert.strictEqual(holder[0].args.stringData[key], clientSecret);
  assert.ok(unwrapSecret(holder[0].inputs.stringData).secret, "the Secret's data is a Pulumi secret");
  for (const e of variables) assert.notStrictEqual(e.value, clientSecret, `${e.name} holds no client secret`);
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
