import * as crypto from "crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ComponentIdentity, componentLabels, selectorLabels } from "../../builders/k8s/labels";
import { ContainerResources, containerSecurityContext, podSecurityContext, resources, zoneSpread } from "../../builders/k8s/pod";
import { GLOBAL_NAMESPACE } from "../../builders/global/layout";
import { loadBalancerAddress, loadBalancerAnnotations } from "../../builders/global/load-balancer";
import { SECRET_FILES } from "../../builders/global/secrets";
import type { Cloud } from "../../config/clouds";
import type { ScalingBounds } from "../../config/types";

/**
 * What every pod of the global tier shares: non-root, spread over zones, and no Kubernetes API token (none
 * of them talks to the API).
 */
export function podBasics(w: Workload, uid?: number) {
  return { securityContext: podSecurityContext(uid), topologySpreadConstraints: zoneSpread(w.selector), automountServiceAccountToken: false };
}

/** What every Kubernetes object of one global workload shares: identity, labels, provider and parent. */
export interface Workload {
  readonly id: ComponentIdentity;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly opts: pulumi.CustomResourceOptions;
}

export function workload(id: ComponentIdentity, parent: pulumi.Resource, provider: k8s.Provider, dependsOn: pulumi.Resource[] = []): Workload {
  return { id, labels: componentLabels(id), selector: selectorLabels(id), opts: { parent, provider, dependsOn } };
}

export function metadata(w: Workload, name: string = w.id.name, extra: { annotations?: pulumi.Input<Record<string, string>> } = {}) {
  return { name, namespace: GLOBAL_NAMESPACE, labels: w.labels, ...extra };
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly args: pulumi.Input<string[]>;
  readonly ports: { name: string; containerPort: number; protocol?: string }[];
  readonly resources: ContainerResources;
  readonly volumeMounts: k8s.types.input.core.v1.VolumeMount[];
  readonly env?: k8s.types.input.core.v1.EnvVar[];
  readonly probes: Probes;
}

type Probe = k8s.types.input.core.v1.Probe;

/**
 * Readiness may follow what a pod serves from (a database, the stores), so traffic avoids it while they are
 * down; liveness checks the process alone, or a dependency's outage restarts every replica at once; a
 * startup probe holds liveness off while a first start does slow work (database migrations).
 */
export interface Probes {
  readonly readiness: Probe;
  readonly liveness: Probe;
  readonly startup?: Probe;
}

/** Readiness on `readyPath`, liveness on `healthyPath`, both HTTP(S) on `port` (the Prometheus and Thanos convention). */
export function httpProbes(port: number, scheme: "HTTP" | "HTTPS", readyPath = "/-/ready", healthyPath = "/-/healthy"): Probes {
  const get = (path: string) => ({ httpGet: { path, port, scheme }, periodSeconds: 10 });
  return { readiness: get(readyPath), liveness: { ...get(healthyPath), failureThreshold: 6 } };
}

/** A hardened container: pinned image, requests and memory limit, non-root read-only root filesystem. */
export function container(c: ContainerSpec): k8s.types.input.core.v1.Container {
  return {
    name: c.name,
    image: c.image,
    args: c.args,
    ports: c.ports,
    env: c.env,
    resources: resources(c.resources),
    securityContext: containerSecurityContext(),
    volumeMounts: c.volumeMounts,
    readinessProbe: c.probes.readiness,
    livenessProbe: c.probes.liveness,
    ...(c.probes.startup ? { startupProbe: c.probes.startup } : {}),
  };
}

/** Pod env var holding the pod's own name or IP (Prometheus external labels, Alertmanager advertise address). */
export function fieldEnv(name: string, fieldPath: string): k8s.types.input.core.v1.EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** Keeps all but one replica up through voluntary disruptions (node drains, upgrades). */
export function disruptionBudget(w: Workload, minAvailable?: number): k8s.policy.v1.PodDisruptionBudget {
  return new k8s.policy.v1.PodDisruptionBudget(w.id.name, {
    metadata: metadata(w),
    spec: { selector: { matchLabels: w.selector }, ...(minAvailable === undefined ? { maxUnavailable: 1 } : { minAvailable }) },
  }, w.opts);
}

/** Scales a stateless Deployment on CPU within the configured bounds. */
export function autoscaler(w: Workload, bounds: ScalingBounds): k8s.autoscaling.v2.HorizontalPodAutoscaler {
  return new k8s.autoscaling.v2.HorizontalPodAutoscaler(w.id.name, {
    metadata: metadata(w),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w.id.name },
      minReplicas: bounds.minReplicas,
      maxReplicas: bounds.maxReplicas,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    },
  }, w.opts);
}

/**
 * A pod-template annotation that changes with the mounted configs, so pods roll when a config changes. The
 * digest reveals nothing of secret inputs, so it is not secret: a secret annotation would hide the pod spec
 * from previews and policies.
 */
export function configChecksum(...contents: pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.unsecret(pulumi.all(contents).apply((parts) => crypto.createHash("sha256").update(parts.join("\0")).digest("hex")));
}

/** The files of `keys` out of the rendered set, as ConfigMap or Secret data keyed by file name. */
export function fileData(files: pulumi.Output<Record<string, string>>, paths: Record<string, string>): pulumi.Output<Record<string, string>> {
  return files.apply((f) => Object.fromEntries(Object.entries(paths).map(([key, path]) => [key, f[path]])));
}

/** A `kubernetes.io/tls` Secret for a workload's server certificate (and, where clients need it, its CA). */
export function tlsSecret(w: Workload, cert: { certPem: pulumi.Input<string>; keyPem: pulumi.Input<string> }, caPem?: pulumi.Input<string>): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(`${w.id.name}-tls`, {
    metadata: metadata(w, `${w.id.name}-tls`),
    type: "kubernetes.io/tls",
    stringData: {
      [SECRET_FILES.tlsCert]: cert.certPem,
      [SECRET_FILES.tlsKey]: pulumi.secret(cert.keyPem),
      ...(caPem === undefined ? {} : { [SECRET_FILES.ingressCa]: caPem }),
    },
  }, w.opts);
}

export interface LoadBalancerSpec {
  readonly name: string;
  readonly cloud: Cloud;
  readonly selector: Record<string, string>;
  readonly ports: { name: string; port: number; targetPort: number }[];
  readonly sourceRanges: pulumi.Input<string[]>;
}

/**
 * A load balancer that admits only `sourceRanges`, with the cloud's annotations. It keeps the client's
 * address (externalTrafficPolicy Local), which the source ranges are checked against.
 */
export function loadBalancer(resourceName: string, meta: k8s.types.input.meta.v1.ObjectMeta, lb: LoadBalancerSpec, opts: pulumi.CustomResourceOptions): k8s.core.v1.Service {
  return new k8s.core.v1.Service(resourceName, {
    metadata: { ...meta, name: lb.name, annotations: loadBalancerAnnotations(lb.cloud) },
    spec: {
      type: "LoadBalancer",
      selector: lb.selector,
      ports: lb.ports.map((p) => ({ ...p, protocol: "TCP" })),
      loadBalancerSourceRanges: lb.sourceRanges,
      externalTrafficPolicy: "Local",
    },
  }, opts);
}

/** The address a load-balancer Service is reached at, once the cloud has given it one. */
export function loadBalancerServiceAddress(svc: k8s.core.v1.Service, what: string): pulumi.Output<string> {
  return svc.status.apply((s) => {
    const address = loadBalancerAddress(s?.loadBalancer?.ingress);
    if (!address) throw new Error(`the load balancer of ${what} has no address yet`);
    return address;
  });
}
