/**
 * What reads a Thanos bucket, in either tier: the store gateways and the bucket's one compactor, each a
 * StatefulSet with its Services. A region runs them over its own bucket (components/regional/thanos.ts), the
 * global tier over Thanos Receive's (components/global/receive.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ContainerResources } from "../builders/k8s/pod";
import { podSecurityContext } from "../builders/k8s/pod";
import { IMAGES } from "../versions";
import {
  type ContainerFeature,
  container,
  featureAnnotations,
  featureVolumes,
  httpProbes,
  metadata,
  persistentVolumeClaim,
  spread,
  type Workload,
} from "./workload";

/** The one compactor a bucket may have: two would compact and delete the same blocks concurrently. */
export const COMPACTOR_REPLICAS = 1;

/** Where a Thanos bucket workload serves HTTP (metrics, probes) and keeps its data, and its probes' timing. */
export interface ThanosPodLayout {
  readonly httpPort: number;
  readonly dataDir: string;
  readonly probeTiming?: Parameters<typeof httpProbes>[1];
}

export interface ThanosPod {
  readonly replicas: number;
  readonly args: pulumi.Input<string[]>;
  /** Its own ServiceAccount, hence its own bucket identity: the store gateway reads, the compactor deletes. */
  readonly serviceAccount: string;
  readonly size: ContainerResources & { readonly diskGiB: number };
  readonly podManagementPolicy: "Parallel" | "OrderedReady";
  readonly features: readonly ContainerFeature[];
}

/**
 * The workload's StatefulSet and its Services. Where it serves the StoreAPI, a ClusterIP one (the region
 * gateway's route to any replica) and a headless `<name>-pods` governing the StatefulSet, so each replica has
 * its own DNS name as the global tier's workloads do; else one headless Service, which only governs.
 */
export function thanosStatefulSet(
  w: Workload,
  storageClassName: string | undefined,
  layout: ThanosPodLayout,
  pod: ThanosPod,
): k8s.apps.v1.StatefulSet {
  const name = w.id.name;
  const thanos = container({
    name: "thanos",
    image: IMAGES.thanos,
    args: pod.args,
    ports: [{ name: "http", containerPort: layout.httpPort }],
    resources: pod.size,
    volumeMounts: [{ name: "data", mountPath: layout.dataDir, readOnly: false }],
    probes: httpProbes(layout.httpPort, layout.probeTiming),
    features: pod.features,
  });
  const ports = (thanos.ports as { name: string; containerPort: number }[]).map((p) => ({
    name: p.name,
    port: p.containerPort,
    targetPort: p.name,
  }));
  const headless = (serviceName: string) =>
    new k8s.core.v1.Service(
      serviceName,
      { metadata: metadata(w, serviceName), spec: { clusterIP: "None", selector: w.selector, ports } },
      w.opts,
    );
  const servesStoreApi = ports.some((p) => p.name === "grpc");
  if (servesStoreApi)
    new k8s.core.v1.Service(name, { metadata: metadata(w, name), spec: { selector: w.selector, ports } }, w.opts);
  const governing = servesStoreApi ? `${name}-pods` : name;
  headless(governing);
  return new k8s.apps.v1.StatefulSet(
    name,
    {
      metadata: metadata(w, name),
      spec: {
        serviceName: governing,
        replicas: pod.replicas,
        podManagementPolicy: pod.podManagementPolicy,
        selector: { matchLabels: w.selector },
        template: {
          metadata: { labels: w.labels, annotations: featureAnnotations(pod.features) },
          spec: {
            serviceAccountName: pod.serviceAccount,
            securityContext: podSecurityContext(),
            ...(pod.replicas > 1 ? spread(w.selector) : {}),
            containers: [thanos],
            volumes: featureVolumes(pod.features),
          },
        },
        volumeClaimTemplates: [persistentVolumeClaim("data", storageClassName, pod.size.diskGiB)],
      },
    },
    w.opts,
  );
}
