/**
 * What every component of both tiers uses to build hardened, labelled Kubernetes objects for one workload:
 * its identity and options, metadata, containers built from a base and optional features, probes, spread,
 * volumes, disruption budget, autoscaler, NetworkPolicy, config checksum, TLS Secret and load balancers.
 */
import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadBalancerAddress } from "../builders/global/load-balancer";
import { type ComponentIdentity, componentLabels, selectorLabels } from "../builders/k8s/labels";
import { type ClusterNetwork, type WorkloadTraffic, workloadPolicySpec } from "../builders/k8s/network-policies";
import {
  type ContainerResources,
  containerSecurityContext,
  podAntiAffinity,
  podSecurityContext,
  resources,
  zoneSpread,
} from "../builders/k8s/pod";
import { TLS_SECRET_KEYS } from "../builders/k8s/tls-secret";
import { PROBE_FILES, probeClientConfig } from "../builders/prometheus/probe";
import { toYaml } from "../builders/yaml";
import type { ScalingBounds } from "../config/types";

export type Container = k8s.types.input.core.v1.Container;
type ContainerPort = { name: string; containerPort: number; protocol?: string };
type EnvVar = k8s.types.input.core.v1.EnvVar;
type Probe = k8s.types.input.core.v1.Probe;
type Volume = k8s.types.input.core.v1.Volume;
type VolumeMount = k8s.types.input.core.v1.VolumeMount;

/** What every Kubernetes object of one workload shares: identity, labels, namespace, provider and parent. */
export interface Workload {
  readonly id: ComponentIdentity;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly selector: Record<string, string>;
  readonly opts: pulumi.CustomResourceOptions;
}

/** `opts` carries parent and provider (and, for objects moved under a new parent, their aliases). */
export function workload(id: ComponentIdentity, namespace: string, opts: pulumi.CustomResourceOptions): Workload {
  return { id, namespace, labels: componentLabels(id), selector: selectorLabels(id), opts };
}

/**
 * Options for the children of `component`, which the tier used to create directly under `formerParent`:
 * the alias keeps their URNs, so `pulumi up` on an existing stack moves them instead of replacing them.
 */
export function movedChildOpts(
  component: pulumi.Resource,
  formerParent: pulumi.Resource | undefined,
): pulumi.CustomResourceOptions {
  return { parent: component, ...(formerParent ? { aliases: [{ parent: formerParent }] } : {}) };
}

export function metadata(
  w: Workload,
  name: string = w.id.name,
  annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>,
) {
  return { name, namespace: w.namespace, labels: w.labels, ...(annotations ? { annotations } : {}) };
}

/**
 * Readiness may follow what a pod serves from (a database, the stores), so traffic avoids it while they are
 * down; liveness checks the process alone, or a dependency's outage restarts every replica at once; a
 * startup probe holds liveness off while a first start does slow work (database migrations).
 */
export interface Probes {
  readonly readiness?: Probe;
  readonly liveness?: Probe;
  readonly startup?: Probe;
}

export interface ProbeOptions {
  readonly scheme?: "HTTP" | "HTTPS";
  readonly timeoutSeconds?: number;
  readonly failureThreshold?: number;
}

export function httpProbe(path: string, port: number, o: ProbeOptions = {}): Probe {
  return {
    httpGet: { path, port, scheme: o.scheme ?? "HTTP" },
    periodSeconds: 10,
    ...(o.timeoutSeconds === undefined ? {} : { timeoutSeconds: o.timeoutSeconds }),
    ...(o.failureThreshold === undefined ? {} : { failureThreshold: o.failureThreshold }),
  };
}

/** Liveness gives a process this many failed checks before a restart: one slow moment must not kill it. */
const LIVENESS_FAILURES = 6;

/** Readiness on `readyPath`, liveness on `healthyPath`, both on `port` (the Prometheus and Thanos convention). */
export function httpProbes(
  port: number,
  o: Omit<ProbeOptions, "failureThreshold"> & {
    readyPath?: string;
    healthyPath?: string;
    readinessFailureThreshold?: number;
  } = {},
): Probes {
  const timing = { scheme: o.scheme, timeoutSeconds: o.timeoutSeconds };
  return {
    readiness: httpProbe(o.readyPath ?? "/-/ready", port, { ...timing, failureThreshold: o.readinessFailureThreshold }),
    liveness: httpProbe(o.healthyPath ?? "/-/healthy", port, { ...timing, failureThreshold: LIVENESS_FAILURES }),
  };
}

/**
 * The credentials a probe logs in with, for servers whose every HTTP path asks for basic auth: a Secret with
 * the probe's client config, the probe user's password and the server's CA, mounted at `dir`. The password
 * never appears in the pod spec.
 */
export function probeCredentials(
  w: Workload,
  p: { dir: string; username: string; serverName: string; password: pulumi.Input<string>; caPem: pulumi.Input<string> },
): { feature: ContainerFeature; clientConfigFile: string } {
  const secret = new k8s.core.v1.Secret(
    `${w.id.name}-probe`,
    {
      metadata: metadata(w, `${w.id.name}-probe`),
      stringData: {
        [PROBE_FILES.clientConfig]: toYaml(probeClientConfig(p.dir, p.username, p.serverName)),
        [PROBE_FILES.password]: p.password,
        [PROBE_FILES.ca]: p.caPem,
      },
    },
    w.opts,
  );
  return {
    feature: mountedFiles("probe", p.dir, { secret: { secretName: secret.metadata.name } }),
    clientConfigFile: `${p.dir}/${PROBE_FILES.clientConfig}`,
  };
}

/** Probes that run `command` in the container: for servers whose every HTTP path asks for credentials. */
export function execProbes(command: pulumi.Input<string>[]): Probes {
  const exec = { exec: { command }, periodSeconds: 10, timeoutSeconds: 5 };
  return { readiness: exec, liveness: { ...exec, failureThreshold: LIVENESS_FAILURES } };
}

/** Probes that check the port accepts connections, for servers whose every HTTP path asks for credentials. */
export function socketProbes(port: number): Probes {
  const socket = { tcpSocket: { port }, periodSeconds: 10 };
  return { readiness: socket, liveness: { ...socket, failureThreshold: LIVENESS_FAILURES } };
}

/**
 * An optional capability of a container (serving TLS, reading a mounted config, scratch space ...) with the
 * ports, mounts and volumes it needs and the pod annotations that roll the pods when its content changes.
 */
export interface ContainerFeature {
  readonly ports?: readonly ContainerPort[];
  readonly volumeMounts?: readonly VolumeMount[];
  readonly volumes?: readonly Volume[];
  readonly annotations?: Readonly<Record<string, pulumi.Input<string>>>;
}

/** Files of a ConfigMap, Secret or projection, mounted read-only at `mountPath`. */
export function mountedFiles(name: string, mountPath: string, volume: Omit<Volume, "name">): ContainerFeature {
  return { volumeMounts: [{ name, mountPath, readOnly: true }], volumes: [{ name, ...volume }] };
}

/**
 * A writable emptyDir (the root filesystem is read-only), limited to `sizeLimit` (a quantity such as `64Mi`):
 * a pod that outgrows it is evicted alone instead of filling its node's disk under every other pod.
 */
export function scratch(name: string, mountPath: string, sizeLimit: string): ContainerFeature {
  return { volumeMounts: [{ name, mountPath }], volumes: [{ name, emptyDir: { sizeLimit } }] };
}

/** Go servers that write nothing there keep a little room for temporary files of the runtime and libraries. */
export const TMP_SIZE = "64Mi";

/**
 * The sizeLimit of an emptyDir that holds one rendered file of `text`: room for two copies (a reloader writes
 * the new file beside the old before renaming it), in whole MiB, at least 1.
 */
export function renderedFileVolumeSize(text: string): string {
  const MiB = 1024 * 1024;
  return `${Math.max(1, Math.ceil((2 * Buffer.byteLength(text)) / MiB))}Mi`;
}

export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly args: pulumi.Input<string[]>;
  readonly command?: string[];
  readonly ports?: readonly ContainerPort[];
  readonly resources: ContainerResources;
  /** Mounts of volumes the pod gets elsewhere (volume claim templates, volumes shared with other containers). */
  readonly volumeMounts?: readonly VolumeMount[];
  readonly env?: EnvVar[];
  readonly probes?: Probes;
  /** Added before the base's own ports and mounts. */
  readonly features?: readonly ContainerFeature[];
}

/**
 * A hardened container: pinned image, requests and memory limit, non-root read-only root filesystem, with
 * each feature's ports and mounts.
 */
export function container(c: ContainerSpec): Container {
  const features = c.features ?? [];
  const ports = [...features.flatMap((f) => f.ports ?? []), ...(c.ports ?? [])];
  const mounts = [...features.flatMap((f) => f.volumeMounts ?? []), ...(c.volumeMounts ?? [])];
  return {
    name: c.name,
    image: c.image,
    ...(c.command ? { command: c.command } : {}),
    args: c.args,
    ...(ports.length > 0 ? { ports: ports.map((p) => ({ ...p, protocol: p.protocol ?? "TCP" })) } : {}),
    ...(c.env ? { env: c.env } : {}),
    resources: resources(c.resources),
    securityContext: containerSecurityContext(),
    ...(mounts.length > 0 ? { volumeMounts: mounts } : {}),
    ...(c.probes?.readiness ? { readinessProbe: c.probes.readiness } : {}),
    ...(c.probes?.liveness ? { livenessProbe: c.probes.liveness } : {}),
    ...(c.probes?.startup ? { startupProbe: c.probes.startup } : {}),
  };
}

/** The volumes and pod annotations the features of a pod's containers bring. */
export function featureVolumes(features: readonly ContainerFeature[]): Volume[] {
  return features.flatMap((f) => f.volumes ?? []);
}

export function featureAnnotations(features: readonly ContainerFeature[]): Record<string, pulumi.Input<string>> {
  return Object.assign({}, ...features.map((f) => f.annotations ?? {}));
}

/** Gossip (memberlist: the Alertmanager mesh, Grafana's alerting peers) speaks TCP and UDP on one port. */
export function gossipPorts(name: string, port: number): ContainerPort[] {
  return ["TCP", "UDP"].map((protocol) => ({
    name: `${name}-${protocol.toLowerCase()}`,
    containerPort: port,
    protocol,
  }));
}

/** The Service ports of `gossipPorts`. */
export function gossipServicePorts(name: string, port: number) {
  return gossipPorts(name, port).map((p) => ({ name: p.name, port, targetPort: port, protocol: p.protocol }));
}

/** Pod env var holding one of the pod's own fields (its name for external labels, its IP for gossip). */
export function fieldEnv(name: string, fieldPath: string): EnvVar {
  return { name, valueFrom: { fieldRef: { fieldPath } } };
}

/** Replicas spread over zones and never two on one node. */
export function spread(selector: Record<string, string>) {
  return { affinity: podAntiAffinity(selector), topologySpreadConstraints: zoneSpread(selector) };
}

/**
 * What a pod that never talks to the Kubernetes API shares: non-root, spread over zones, and no API token.
 */
export function podBasics(w: Workload, uid?: number) {
  return {
    securityContext: podSecurityContext(uid),
    topologySpreadConstraints: zoneSpread(w.selector),
    automountServiceAccountToken: false,
  };
}

export function persistentVolumeClaim(
  name: string,
  storageClassName: string | undefined,
  sizeGiB: number,
  labels?: Record<string, string>,
) {
  return {
    metadata: { name, ...(labels ? { labels } : {}) },
    spec: { accessModes: ["ReadWriteOnce"], storageClassName, resources: { requests: { storage: `${sizeGiB}Gi` } } },
  };
}

/**
 * Keeps all but one replica up through voluntary disruptions (node drains, upgrades), or `minAvailable`
 * of them where a quorum matters.
 */
export function disruptionBudget(
  w: Workload,
  o: { name?: string; minAvailable?: number } = {},
): k8s.policy.v1.PodDisruptionBudget {
  const name = o.name ?? w.id.name;
  return new k8s.policy.v1.PodDisruptionBudget(
    name,
    {
      metadata: metadata(w, name),
      spec: {
        selector: { matchLabels: w.selector },
        ...(o.minAvailable === undefined ? { maxUnavailable: 1 } : { minAvailable: o.minAvailable }),
      },
    },
    w.opts,
  );
}

/** Scales a stateless Deployment on CPU within the configured bounds. */
export function autoscaler(w: Workload, bounds: ScalingBounds): k8s.autoscaling.v2.HorizontalPodAutoscaler {
  return new k8s.autoscaling.v2.HorizontalPodAutoscaler(
    w.id.name,
    {
      metadata: metadata(w),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: w.id.name },
        minReplicas: bounds.minReplicas,
        maxReplicas: bounds.maxReplicas,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        ],
      },
    },
    w.opts,
  );
}

/** The NetworkPolicy admitting exactly the workload's traffic (builders/k8s/network-policies.ts). */
export function networkPolicy(
  w: Workload,
  name: string,
  traffic: WorkloadTraffic,
  network: ClusterNetwork,
  opts: pulumi.CustomResourceOptions = w.opts,
): k8s.networking.v1.NetworkPolicy {
  return new k8s.networking.v1.NetworkPolicy(
    name,
    { metadata: metadata(w, name), spec: workloadPolicySpec(traffic, network) },
    opts,
  );
}

/**
 * A pod-template annotation that changes with the mounted configs, so pods roll when a config changes. The
 * digest reveals nothing of secret inputs, so it is not secret: a secret annotation would hide the pod spec
 * from previews and policies.
 */
export function configChecksum(...contents: pulumi.Input<string>[]): pulumi.Output<string> {
  return pulumi.unsecret(
    pulumi.all(contents).apply((parts) => crypto.createHash("sha256").update(parts.join("\0")).digest("hex")),
  );
}

/** A `kubernetes.io/tls` Secret for a workload's server certificate (and, where clients need it, its CA). */
export function tlsSecret(
  w: Workload,
  cert: { certPem: pulumi.Input<string>; keyPem: pulumi.Input<string> },
  caPem?: pulumi.Input<string>,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${w.id.name}-tls`,
    {
      metadata: metadata(w, `${w.id.name}-tls`),
      type: "kubernetes.io/tls",
      stringData: {
        [TLS_SECRET_KEYS.cert]: cert.certPem,
        [TLS_SECRET_KEYS.key]: pulumi.secret(cert.keyPem),
        ...(caPem === undefined ? {} : { [TLS_SECRET_KEYS.ca]: caPem }),
      },
    },
    w.opts,
  );
}

export interface LoadBalancerSpec {
  readonly name: string;
  /** What the cluster's load balancer implementation reads (builders/global/load-balancer.ts). */
  readonly annotations: Readonly<Record<string, string>>;
  readonly selector: Record<string, string>;
  readonly ports: { name: string; port: number; targetPort: number }[];
  readonly sourceRanges: pulumi.Input<string[]>;
}

/**
 * A load balancer that admits only `sourceRanges`, with the cloud's annotations. It keeps the client's
 * address (externalTrafficPolicy Local), which the source ranges are checked against.
 */
export function loadBalancer(
  resourceName: string,
  meta: k8s.types.input.meta.v1.ObjectMeta,
  lb: LoadBalancerSpec,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Service {
  return new k8s.core.v1.Service(
    resourceName,
    {
      metadata: { ...meta, name: lb.name, annotations: lb.annotations },
      spec: {
        type: "LoadBalancer",
        selector: lb.selector,
        ports: lb.ports.map((p) => ({ ...p, protocol: "TCP" })),
        loadBalancerSourceRanges: lb.sourceRanges,
        externalTrafficPolicy: "Local",
      },
    },
    opts,
  );
}

/** The address a load-balancer Service is reached at, once the cloud has given it one. */
export function loadBalancerServiceAddress(svc: k8s.core.v1.Service, what: string): pulumi.Output<string> {
  return svc.status.apply((s) => {
    const address = loadBalancerAddress(s?.loadBalancer?.ingress);
    if (!address) throw new Error(`the load balancer of ${what} has no address yet`);
    return address;
  });
}

/** A ConfigMap of the workload's own, named `<workload>-<suffix>`, holding `data`. */
export function workloadConfigMap(
  w: Workload,
  suffix: string,
  data: pulumi.Input<Record<string, pulumi.Input<string>>>,
): k8s.core.v1.ConfigMap {
  const name = `${w.id.name}-${suffix}`;
  return new k8s.core.v1.ConfigMap(name, { metadata: metadata(w, name), data }, w.opts);
}
