import type { PolicyResource } from "@pulumi/policy";
import { type Known, known } from "./known";
import { clusterOf, namespaceOf, objectName, type Workload } from "./k8s";
import { K8S } from "./types";

/** A key of a ConfigMap or Secret, as a pod sees it. */
export interface MountedKey {
  readonly type: typeof K8S.configMap | typeof K8S.secret;
  readonly name: string;
  readonly key: string;
}

/** The ConfigMaps and Secrets a volume projects, with the key-to-path mapping of each. */
function volumeSources(volume: any): { type: MountedKey["type"]; name: string; items?: any[] }[] {
  const sources: { type: MountedKey["type"]; name: string; items?: any[] }[] = [];
  const add = (configMap: any, secret: any) => {
    if (configMap?.name) sources.push({ type: K8S.configMap, name: configMap.name, items: configMap.items });
    if (secret?.secretName ?? secret?.name)
      sources.push({ type: K8S.secret, name: secret.secretName ?? secret.name, items: secret.items });
  };
  add(volume.configMap, volume.secret);
  for (const projected of volume.projected?.sources ?? []) add(projected.configMap, projected.secret);
  return sources;
}

/** Which ConfigMap or Secret key a container reads at a file path, through its volume mounts. */
export function keyAtPath(podSpec: any, container: any, path: string): MountedKey | undefined {
  const mounts: any[] = (container.volumeMounts ?? []).filter(
    (m: any) => path === m.mountPath || path.startsWith(`${m.mountPath}/`),
  );
  const mount = mounts.sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return undefined;
  const volume = (podSpec.volumes ?? []).find((v: any) => v.name === mount.name);
  const relative = mount.subPath ?? path.slice(mount.mountPath.length + 1);
  for (const source of volume ? volumeSources(volume) : []) {
    const item = (source.items ?? []).find((i: any) => i.path === relative);
    if (item) return { type: source.type, name: source.name, key: item.key };
    if (!source.items) return { type: source.type, name: source.name, key: relative };
  }
  return undefined;
}

/** Every ConfigMap and Secret a pod mounts, all keys. */
export function mountedSources(podSpec: any): { type: MountedKey["type"]; name: string }[] {
  return (podSpec.volumes ?? []).flatMap(volumeSources);
}

/** The ConfigMap or Secret resource of the stack that a workload's mount refers to. */
export function sourceResource(
  resources: readonly PolicyResource[],
  workload: Workload,
  source: { type: string; name: string },
): PolicyResource | undefined {
  return resources.find(
    (r) =>
      r.type === source.type &&
      clusterOf(r) === workload.cluster &&
      namespaceOf(r) === workload.namespace &&
      objectName(r) === source.name,
  );
}

/** The text of every key of a ConfigMap or Secret (Secret `data` is base64). */
export function contents(resource: PolicyResource): Record<string, Known<string>> {
  const texts: Record<string, Known<string>> = {};
  const read = (field: string, decode: (value: string) => string) => {
    const entries = known(() => Object.keys(resource.props[field] ?? {}));
    if (!Array.isArray(entries)) return;
    for (const key of entries) {
      const value = known(() => resource.props[field][key]);
      texts[key] = typeof value === "string" ? decode(value) : value;
    }
  };
  read("data", (value) => (resource.type === K8S.secret ? Buffer.from(value, "base64").toString("utf8") : value));
  read("stringData", (value) => value);
  return texts;
}
