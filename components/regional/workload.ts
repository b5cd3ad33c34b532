/** What the regional components share to build hardened, labelled Kubernetes objects in the monitoring namespace. */
import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ComponentIdentity, componentLabels, selectorLabels } from "../../builders/k8s/labels";
import { ContainerResources, containerSecurityContext, podAntiAffinity, resources, zoneSpread } from "../../builders/k8s/pod";
import { MONITORING_NAMESPACE } from "../../builders/regional/layout";
import { workloadPolicySpec, EgressNeed, PortAccess, RegionNetwork } from "../../builders/regional/network-policies";

type Container = k8s.types.input.core.v1.Container;
type Probe = k8s.types.input.core.v1.Probe;

export interface Workload {
  readonly id: ComponentIdentity;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly opts: pulumi.CustomResourceOptions;
}

export function workload(id: ComponentIdentity, parent: pulumi.Resource, provider: k8s.Provider): Workload {
  return { id, labels: componentLabels(id), selector: selectorLabels(id), opts: { parent, provider } };
}

export function metadata(w: Workload, name: string, annotations?: pulumi.Input<Record<string, string>>) {
  return { name, namespace: MONITORING_NAMESPACE, labels: w.labels, ...(annotations ? { annotations } : {}) };
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly args: string[];
  readonly command?: string[];
  readonly ports?: { name: string; containerPort: number }[];
  readonly size: ContainerResources;
  readonly volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
  readonly env?: k8s.types.input.core.v1.EnvVar[];
  readonly liveness?: Probe;
  readonly readiness?: Probe;
}

/** A hardened container: pinned image, requests and limits, non-root, read-only root filesystem. */
export function container(c: ContainerSpec): Container {
  return {
    name: c.name,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    args: c.args,
    ports: c.ports?.map((p) => ({ ...p, protocol: "TCP" })),
    env: c.env,
    resources: resources(c.size),
    securityContext: containerSecurityContext(),
    volumeMounts: c.volumeMounts,
    livenessProbe: c.liveness,
    readinessProbe: c.readiness,
  };
}

export function httpProbe(path: string, port: number, failureThreshold: number): Probe {
  return { httpGet: { path, port, scheme: "HTTP" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold };
}

/** Pod env var holding one of the pod's own fields. */
export function fieldEnv(name: string, fieldPath: string): k8s.types.input.core.v1.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** Replicas spread over zones and never two on one node. */
export function spread(selector: Record<string, string>) {
  return { affinity: podAntiAffinity(selector), topologySpreadConstraints: zoneSpread(selector) };
}

export function persistentVolumeClaim(name: string, storageClassName: string, sizeGiB: number) {
  return {
    metadata: { name },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName, resources: { requests: { storage: `${sizeGiB}Gi` } } },
  };
}

/** Keeps all but one replica up through voluntary disruptions (node drains, upgrades). */
export function disruptionBudget(w: Workload, name: string): k8s.policy.v1.PodDisruptionBudget {
  return new k8s.policy.v1.PodDisruptionBudget(name, {
    metadata: metadata(w, name),
    spec: { selector: { matchLabels: w.selector }, maxUnavailable: 1 },
  }, w.opts);
}

export function networkPolicy(w: Workload, name: string, selector: Record<string, string>, ports: PortAccess[], egress: EgressNeed, network: RegionNetwork) {
  return new k8s.networking.v1.NetworkPolicy(name, { metadata: metadata(w, name), spec: workloadPolicySpec(selector, ports, egress, network) }, w.opts);
}

/** A pod-template annotation that changes with what the pod mounts, so pods roll when it changes. */
export function checksum(...contents: pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.all(contents).apply((parts) => crypto.createHash("sha256").update(parts.join("\0")).digest("hex"));
}
