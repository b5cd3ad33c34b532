import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The stages `kwokctl` loads by default, as paths under KWOK's `kustomize/stage/` folder: nodes become Ready
 * and keep a lease (so the node lifecycle controller never marks them NotReady), pods become Running and Ready
 * once bound, Job pods complete, and deleted pods go away (no kubelet would confirm the deletion otherwise).
 */
const DEFAULT_STAGES = [
  "node/fast/node-initialize.yaml",
  "node/heartbeat-with-lease/node-heartbeat-with-lease.yaml",
  "pod/fast/pod-ready.yaml",
  "pod/fast/pod-complete.yaml",
  "pod/fast/pod-delete.yaml",
] as const;

/** The stage files in `stagesDir`, or an error naming every one missing. */
export function kwokStageFiles(stagesDir: string): string[] {
  const files = DEFAULT_STAGES.map((stage) => path.join(stagesDir, stage));
  const missing = files.filter((file) => !fs.existsSync(file));
  if (missing.length > 0)
    throw new Error(
      `KWOK stage files missing (expected KWOK's kustomize/stage/ folder in ${stagesDir}): ${missing.join(", ")}`,
    );
  return files;
}
