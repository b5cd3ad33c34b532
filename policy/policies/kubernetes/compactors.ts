import type { PolicyResource } from "@pulumi/policy";
import { known, UNKNOWN } from "../../lib/known";
import { commandLine, flagValue, thanosComponent, type Workload, workloadsOf } from "../../lib/k8s";
import { contents, keyAtPath, sourceResource } from "../../lib/mounts";
import { stackPolicy } from "../../lib/policy";
import { parseYaml } from "../../lib/yaml";

/** The bucket named by an objstore config (Thanos docs/storage.md: `{type, config: {bucket}}`). */
function bucketIn(objstore: string): string | undefined {
  const bucket = parseYaml(objstore)?.config?.bucket;
  return typeof bucket === "string" && bucket !== "" ? bucket : undefined;
}

/**
 * What tells two compactors apart: the bucket their objstore config names, or, when that text is not known
 * (during preview, or kept outside the stack), the config they read, since compactors reading one config
 * share its bucket.
 */
function bucketKey(workload: Workload, container: any, resources: readonly PolicyResource[]): string | undefined {
  const line = commandLine(container);
  const inline = flagValue(line, "--objstore.config");
  if (inline !== undefined)
    return bucketIn(inline)
      ? `bucket '${bucketIn(inline)}'`
      : `the inline objstore config of '${String(workload.name)}'`;
  const file = flagValue(line, "--objstore.config-file");
  if (file === undefined) return undefined;
  const mounted = keyAtPath(workload.template.spec, container, file);
  if (!mounted) return undefined;
  const source = sourceResource(resources, workload, mounted);
  const text = source ? contents(source)[mounted.key] : UNKNOWN;
  const bucket = typeof text === "string" ? bucketIn(text) : undefined;
  return bucket
    ? `bucket '${bucket}'`
    : `the objstore config in ${mounted.type.split(":")[2]} '${mounted.name}' key '${mounted.key}'`;
}

/**
 * Two compactors on one bucket compact and delete the same blocks concurrently and corrupt it. The count is
 * per stack: a bucket shared with another stack's compactor is outside what one stack's policies can see.
 */
export const oneCompactorPerBucket = stackPolicy({
  name: "k8s-one-compactor-per-bucket",
  description:
    "At most one Thanos Compactor pod runs per object storage bucket (replicas of every compactor workload, summed per bucket).",
  violations: (resources) => {
    const perBucket = new Map<string, { replicas: number; workloads: Workload[] }>();
    for (const workload of workloadsOf(resources).filter((w) => w.role === "thanos-compact")) {
      const container = (workload.template.spec.containers ?? []).find((c: any) => thanosComponent(c) === "compact");
      const key = known(() => bucketKey(workload, container, resources));
      if (typeof key !== "string") continue;
      const entry = perBucket.get(key) ?? { replicas: 0, workloads: [] };
      entry.replicas += typeof workload.replicas === "number" ? workload.replicas : 1;
      entry.workloads.push(workload);
      perBucket.set(key, entry);
    }
    return [...perBucket.entries()]
      .filter(([, entry]) => entry.replicas > 1)
      .map(([key, entry]) => ({
        message: `${entry.replicas} Thanos Compactor pods (${entry.workloads.map((w) => `'${String(w.name)}'`).join(", ")}) run on ${key}: at most one may`,
        urn: entry.workloads[0].resource.urn,
      }));
  },
});
