import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { GLOBAL_NAMESPACE } from "../../builders/global/layout";
import type { ComponentIdentity } from "../../builders/k8s/labels";
import { type Workload, movedChildOpts, workload } from "../workload";

/** What every part of the global tier is given: who it is, where it runs, and the namespace it waits for. */
export interface GlobalPartArgs {
  readonly id: ComponentIdentity;
  readonly provider: k8s.Provider;
  readonly namespace: k8s.core.v1.Namespace;
}

/**
 * The workload of a global part. Its objects were children of GlobalMonitoring before the parts were
 * components (movedChildOpts keeps their URNs); `opts.parent` is that GlobalMonitoring.
 */
export function globalWorkload(
  part: pulumi.ComponentResource,
  args: GlobalPartArgs,
  opts: pulumi.ComponentResourceOptions | undefined,
): Workload {
  return workload(args.id, GLOBAL_NAMESPACE, {
    ...movedChildOpts(part, opts?.parent),
    provider: args.provider,
    dependsOn: [args.namespace],
  });
}
