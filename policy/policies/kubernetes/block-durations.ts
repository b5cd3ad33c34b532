import { durationMs } from "../../lib/duration";
import { failing } from "../../lib/known";
import { commandLine, flagValue, imageName, podTemplate, thanosComponent, WORKLOAD_TYPES } from "../../lib/k8s";
import { propertyPolicy } from "../../lib/policy";

const MIN_BLOCK = "--storage.tsdb.min-block-duration";
const MAX_BLOCK = "--storage.tsdb.max-block-duration";

/** A sidecar uploads blocks when it is given an object store; without one it only serves the StoreAPI. */
function uploads(container: any): boolean {
  if (thanosComponent(container) !== "sidecar") return false;
  const line = commandLine(container);
  return flagValue(line, "--objstore.config") !== undefined || flagValue(line, "--objstore.config-file") !== undefined;
}

/**
 * A Thanos sidecar uploads the blocks Prometheus writes; if Prometheus compacts them locally first
 * (max > min), the sidecar misses or duplicates data. Prometheus' default max is a tenth of retention, so
 * both flags must be set, to the same duration.
 */
export const sidecarBlockDurations = propertyPolicy({
  name: "k8s-sidecar-block-durations",
  description:
    "Prometheus whose Thanos sidecar uploads to object storage sets equal min and max TSDB block durations (local compaction off).",
  types: WORKLOAD_TYPES,
  violations: (props, _config, args) => {
    const template = podTemplate(args.type, props);
    const containers: any[] = template?.spec.containers ?? [];
    if (!containers.some(uploads)) return undefined;
    const prometheus = containers.filter((c) => typeof c.image === "string" && imageName(c.image) === "prometheus");
    return failing(
      prometheus.map((container) => () => {
        const line = commandLine(container);
        const min = flagValue(line, MIN_BLOCK);
        const max = flagValue(line, MAX_BLOCK);
        const prefix = `container '${container.name}' runs with an uploading Thanos sidecar and`;
        if (min === undefined || max === undefined)
          return `${prefix} must set both ${MIN_BLOCK} and ${MAX_BLOCK} (equal, e.g. 2h)`;
        const same = durationMs(min) !== undefined && durationMs(min) === durationMs(max);
        return same ? undefined : `${prefix} must set equal block durations: ${MIN_BLOCK}=${min}, ${MAX_BLOCK}=${max}`;
      }),
    );
  },
});
