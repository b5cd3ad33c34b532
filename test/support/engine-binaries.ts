import { ControlPlaneBinaries } from "../../local/engine/control-plane";

const BINARY_VARIABLES: Readonly<Record<keyof ControlPlaneBinaries, string>> = {
  etcd: "ETCD_BIN",
  kubeApiserver: "KUBE_APISERVER_BIN",
  kubeControllerManager: "KUBE_CONTROLLER_MANAGER_BIN",
  kubeScheduler: "KUBE_SCHEDULER_BIN",
  kwok: "KWOK_BIN",
};

const STAGES_VARIABLE = "KWOK_STAGES_DIR";

/**
 * The control plane's binaries and KWOK's stage folder from the environment, until local/binaries.ts finds
 * them itself; an error names every variable left unset.
 */
export function engineBinariesFromEnv(env: NodeJS.ProcessEnv = process.env): { binaries: ControlPlaneBinaries; kwokStagesDir: string } {
  const missing = [...Object.values(BINARY_VARIABLES), STAGES_VARIABLE].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`set ${missing.join(", ")} to the pinned etcd, Kubernetes and KWOK binaries and KWOK's kustomize/stage/ folder`);
  const binaries = Object.fromEntries(Object.entries(BINARY_VARIABLES).map(([key, name]) => [key, env[name] as string]));
  return { binaries: binaries as unknown as ControlPlaneBinaries, kwokStagesDir: env[STAGES_VARIABLE] as string };
}
