import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterNetwork } from "../../builders/k8s/network-policies";
import { MONITORING_NAMESPACE, NAMES, PATHS, PORTS, PROBE_TIMING } from "../../builders/regional/layout";
import { gatewaySelector } from "../../builders/regional/gateway";
import { regionalTraffic } from "../../builders/regional/network-policies";
import type { RegionalPlan } from "../../builders/regional/plan";
import { clusterRegionalArgs } from "../../builders/regional/workload-config";
import type { RegionalStackConfig } from "../../config/types";
import { VERSIONS } from "../../versions";
import { COMPACTOR_REPLICAS, thanosStatefulSet } from "../thanos-bucket";
import {
  type ContainerFeature,
  configChecksum,
  disruptionBudget,
  mountedFiles,
  networkPolicy,
  workload,
} from "../workload";

export interface ThanosBucketWorkloadsArgs {
  readonly config: RegionalStackConfig;
  readonly plan: RegionalPlan;
  readonly provider: k8s.Provider;
  readonly network: ClusterNetwork;
  /** Labels of every Prometheus pod of the region, the only scrapers of these workloads. */
  readonly prometheusSelector: Readonly<Record<string, string>>;
  readonly storageClassName: string | undefined;
  readonly objstoreSecret: string;
  readonly tlsSecret: string;
  readonly tlsChecksum: pulumi.Input<string>;
}

/** Where a region's Thanos bucket workloads serve HTTP and keep their data, and how their probes are timed. */
const REGIONAL_THANOS_POD = { httpPort: PORTS.thanosHttp, dataDir: PATHS.thanosData, probeTiming: PROBE_TIMING };

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
      throw new Error(
        `stack '${args.config.stack}': storeGatewayReplicas is ${args.config.storeGatewayReplicas}; the store gateway needs at least 2 replicas`,
      );
    }
    const instance = args.config.namePrefix;
    const childOpts = { parent: this, provider: args.provider };
    const store = workload(
      { name: NAMES.storeGateway, instance, component: "object-store-gateway", version: VERSIONS.thanos },
      MONITORING_NAMESPACE,
      childOpts,
    );
    const compact = workload(
      { name: NAMES.compactor, instance, component: "compactor", version: VERSIONS.thanos },
      MONITORING_NAMESPACE,
      childOpts,
    );
    const objstore = mountedFiles("objstore", PATHS.objstoreDir, { secret: { secretName: args.objstoreSecret } });
    this.storeGatewaySelector = store.selector;

    this.storeGateway = thanosStatefulSet(store, args.storageClassName, REGIONAL_THANOS_POD, {
      replicas: args.config.storeGatewayReplicas,
      args: clusterRegionalArgs(args.config, args.plan.sizing).store,
      serviceAccount: NAMES.storeGatewayServiceAccount,
      size: args.plan.sizing.storeGateway,
      // Both replicas start at once: they serve the same blocks, neither waits for the other.
      podManagementPolicy: "Parallel",
      features: [objstore, storeApi(args)],
    });
    disruptionBudget(store, { name: NAMES.storeGateway });
    networkPolicy(
      store,
      NAMES.storeGateway,
      regionalTraffic(
        store.selector,
        [
          { port: PORTS.thanosGrpc, from: "gateway" },
          { port: PORTS.thanosHttp, from: "prometheus" },
        ],
        "object-store",
        args.prometheusSelector,
        gatewaySelector(args.config.namePrefix),
      ),
      args.network,
    );

    this.compactor = thanosStatefulSet(compact, args.storageClassName, REGIONAL_THANOS_POD, {
      replicas: COMPACTOR_REPLICAS,
      args: clusterRegionalArgs(args.config, args.plan.sizing).compact,
      serviceAccount: NAMES.compactorServiceAccount,
      size: args.plan.sizing.compactor,
      // A rolling update stops the old compactor before the new one starts.
      podManagementPolicy: "OrderedReady",
      features: [objstore],
    });
    networkPolicy(
      compact,
      NAMES.compactor,
      regionalTraffic(
        compact.selector,
        [{ port: PORTS.thanosHttp, from: "prometheus" }],
        "object-store",
        args.prometheusSelector,
      ),
      args.network,
    );
    this.registerOutputs({});
  }
}

/** Serving the StoreAPI over mutual TLS: its port, the region's TLS material, and a roll when it changes. */
function storeApi(args: ThanosBucketWorkloadsArgs): ContainerFeature {
  const tls = mountedFiles("tls", PATHS.tlsDir, { secret: { secretName: args.tlsSecret } });
  return {
    ...tls,
    ports: [{ name: "grpc", containerPort: PORTS.thanosGrpc }],
    annotations: { "checksum/tls": configChecksum(args.tlsChecksum) },
  };
}
