import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { podSecurityContext } from "../../builders/k8s/pod";
import { NAMES, PATHS, PORTS } from "../../builders/regional/layout";
import type { RegionNetwork } from "../../builders/regional/network-policies";
import type { RegionalPlan } from "../../builders/regional/plan";
import { regionalCompactArgs, regionalStoreArgs } from "../../builders/regional/workload-config";
import type { RegionalStackConfig } from "../../config/types";
import { IMAGES, VERSIONS } from "../../versions";
import { checksum, container, disruptionBudget, httpProbe, metadata, networkPolicy, persistentVolumeClaim, spread, workload, Workload } from "./workload";

export interface ThanosBucketWorkloadsArgs {
  readonly config: RegionalStackConfig;
  readonly plan: RegionalPlan;
  readonly provider: k8s.Provider;
  readonly network: RegionNetwork;
  readonly storageClassName: string;
  readonly objstoreConfigMap: string;
  readonly tlsSecret: string;
  readonly tlsChecksum: pulumi.Input<string>;
}

/** The one compactor a bucket may have: two would compact and delete the same blocks concurrently. */
export const COMPACTOR_REPLICAS = 1;

/**
 * The Thanos workloads that read the region's bucket: the store gateway (HA, at least 2 replicas, StoreAPI
 * over mutual TLS) and exactly one compactor (compaction, downsampling, retention per resolution). Both run
 * as StatefulSets: for the compactor that also means a rolling update stops the old pod before the new one
 * starts, so two never overlap.
 */
export class ThanosBucketWorkloads extends pulumi.ComponentResource {
  readonly storeGateway: k8s.apps.v1.StatefulSet;
  readonly compactor: k8s.apps.v1.StatefulSet;
  readonly storeGatewaySelector: Record<string, string>;

  constructor(name: string, args: ThanosBucketWorkloadsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:ThanosBucketWorkloads", name, {}, opts);
    if (args.config.storeGatewayReplicas < 2) {
      throw new Error(`stack '${args.config.stack}': storeGatewayReplicas is ${args.config.storeGatewayReplicas}; the store gateway needs at least 2 replicas`);
    }
    const instance = args.config.namePrefix;
    const store = workload({ name: NAMES.storeGateway, instance, component: "object-store-gateway", version: VERSIONS.thanos }, this, args.provider);
    const compact = workload({ name: NAMES.compactor, instance, component: "compactor", version: VERSIONS.thanos }, this, args.provider);
    this.storeGatewaySelector = store.selector;

    this.storeGateway = thanosStatefulSet(store, args, {
      replicas: args.config.storeGatewayReplicas,
      args: regionalStoreArgs(args.plan.sizing),
      serviceAccount: NAMES.storeGatewayServiceAccount,
      size: args.plan.sizing.storeGateway,
      grpc: true,
    });
    service(store, true);
    disruptionBudget(store, NAMES.storeGateway);
    networkPolicy(store, NAMES.storeGateway, store.selector, [
      { port: PORTS.thanosGrpc, from: "gateway" },
      { port: PORTS.thanosHttp, from: "prometheus" },
    ], "object-store", args.network);

    this.compactor = thanosStatefulSet(compact, args, {
      replicas: COMPACTOR_REPLICAS,
      args: regionalCompactArgs(args.config),
      serviceAccount: NAMES.compactorServiceAccount,
      size: args.plan.sizing.compactor,
      grpc: false,
    });
    service(compact, false);
    networkPolicy(compact, NAMES.compactor, compact.selector, [{ port: PORTS.thanosHttp, from: "prometheus" }], "object-store", args.network);
    this.registerOutputs({});
  }
}

interface ThanosPod {
  readonly replicas: number;
  readonly args: string[];
  /** Its own ServiceAccount, hence its own bucket identity: the store gateway reads, the compactor deletes. */
  readonly serviceAccount: string;
  readonly size: RegionalPlan["sizing"]["storeGateway"] | RegionalPlan["sizing"]["compactor"];
  /** Serves the StoreAPI (and so mounts the TLS material). */
  readonly grpc: boolean;
}

function thanosStatefulSet(w: Workload, args: ThanosBucketWorkloadsArgs, pod: ThanosPod): k8s.apps.v1.StatefulSet {
  const name = w.id.name;
  const mount = (volume: string, mountPath: string, readOnly = true) => ({ name: volume, mountPath, readOnly });
  return new k8s.apps.v1.StatefulSet(name, {
    metadata: metadata(w, name),
    spec: {
      serviceName: name,
      replicas: pod.replicas,
      podManagementPolicy: pod.grpc ? "Parallel" : "OrderedReady",
      selector: { matchLabels: w.selector },
      template: {
        metadata: { labels: w.labels, annotations: pod.grpc ? { "checksum/tls": checksum(args.tlsChecksum) } : {} },
        spec: {
          serviceAccountName: pod.serviceAccount,
          securityContext: podSecurityContext(),
          ...(pod.replicas > 1 ? spread(w.selector) : {}),
          containers: [
            container({
              name: "thanos",
              image: IMAGES.thanos,
              args: pod.args,
              ports: [
                ...(pod.grpc ? [{ name: "grpc", containerPort: PORTS.thanosGrpc }] : []),
                { name: "http", containerPort: PORTS.thanosHttp },
              ],
              size: pod.size,
              volumeMounts: [
                mount("objstore", PATHS.objstoreDir),
                ...(pod.grpc ? [mount("tls", PATHS.tlsDir)] : []),
                mount("data", PATHS.thanosData, false),
              ],
              liveness: httpProbe("/-/healthy", PORTS.thanosHttp, 6),
              readiness: httpProbe("/-/ready", PORTS.thanosHttp, 3),
            }),
          ],
          volumes: [
            { name: "objstore", configMap: { name: args.objstoreConfigMap } },
            ...(pod.grpc ? [{ name: "tls", secret: { secretName: args.tlsSecret } }] : []),
          ],
        },
      },
      volumeClaimTemplates: [persistentVolumeClaim("data", args.storageClassName, pod.size.diskGiB)],
    },
  }, w.opts);
}

/** In-cluster Service (headless for the compactor: it only governs the StatefulSet's pod names). */
function service(w: Workload, grpc: boolean): k8s.core.v1.Service {
  return new k8s.core.v1.Service(w.id.name, {
    metadata: metadata(w, w.id.name),
    spec: {
      ...(grpc ? {} : { clusterIP: "None" }),
      selector: w.selector,
      ports: [
        ...(grpc ? [{ name: "grpc", port: PORTS.thanosGrpc, targetPort: "grpc" }] : []),
        { name: "http", port: PORTS.thanosHttp, targetPort: "http" },
      ],
    },
  }, w.opts);
}
