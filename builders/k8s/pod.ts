/**
 * Scheduling and hardening every monitoring pod shares: plain Kubernetes-shaped objects, so components
 * and the policy pack agree on what "hardened" and "spread" mean.
 */

/** Runs as `nobody`, as the upstream images expect; fsGroup makes mounted volumes writable to it. */
export function podSecurityContext(uid = 65534) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext() {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
}

/** Replicas spread over zones (hard: losing a zone must leave a replica) and over nodes (soft). */
export function zoneSpread(selector: Record<string, string>) {
  return [
    {
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: { matchLabels: selector },
    },
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "ScheduleAnyway",
      labelSelector: { matchLabels: selector },
    },
  ];
}

/** Two replicas of one workload never share a node. */
export function podAntiAffinity(selector: Record<string, string>) {
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: selector } },
      ],
    },
  };
}

export interface ContainerResources {
  readonly cpuRequest: string;
  readonly memoryRequest: string;
  readonly cpuLimit?: string;
  readonly memoryLimit: string;
}

/** Memory is limited (an OOM kill beats starving the node); CPU only where a limit is asked for, since throttling hurts scrapes. */
export function resources(r: ContainerResources) {
  return {
    requests: { cpu: r.cpuRequest, memory: r.memoryRequest },
    limits: { memory: r.memoryLimit, ...(r.cpuLimit ? { cpu: r.cpuLimit } : {}) },
  };
}
