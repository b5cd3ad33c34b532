import * as fs from "node:fs";
import type { KubeApi } from "./kube-api";

/** Where the controller-manager's host-path provisioner creates a directory per volume (a UUID under it). */
const PROVISIONED_PATH = /^\/tmp\/hostpath_pv\/[0-9a-f-]{36}$/;

interface VolumeList {
  readonly items: readonly {
    readonly metadata: { readonly annotations?: Readonly<Record<string, string>> };
    readonly spec: { readonly hostPath?: { readonly path: string } };
  }[];
}

/**
 * The directories this cluster's provisioner made for its volumes: only volumes it annotated as its own, and
 * only paths of the shape it creates, so a cleanup can never reach anything else on the machine.
 */
export async function provisionedDirectories(api: KubeApi): Promise<string[]> {
  const volumes = await api.get<VolumeList>("/api/v1/persistentvolumes");
  return volumes.items
    .filter((v) => v.metadata.annotations?.["pv.kubernetes.io/provisioned-by"] === "kubernetes.io/host-path")
    .map((v) => v.spec.hostPath?.path ?? "")
    .filter((dir) => PROVISIONED_PATH.test(dir));
}

export function removeDirectories(dirs: readonly string[]): void {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
}
