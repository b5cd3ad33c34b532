import { findEngineBinaries } from "../../local/binaries";
import type { ControlPlaneBinaries } from "../../local/engine/control-plane";
import { kwokStagesDir } from "../../local/toolchain";

/** The pinned control plane's binaries and KWOK's stages, as npm run setup leaves them (or as the *_BIN variables name them). */
export function controlPlaneTools(): { binaries: ControlPlaneBinaries; kwokStagesDir: string } {
  const { etcd, kubeApiserver, kubeControllerManager, kubeScheduler, kwok } = findEngineBinaries();
  return {
    binaries: { etcd, kubeApiserver, kubeControllerManager, kubeScheduler, kwok },
    kwokStagesDir: kwokStagesDir(),
  };
}
