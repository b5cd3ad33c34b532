import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GLOBAL_NAMESPACE } from "../../builders/global/layout";
import { storeApiAliasAddresses, storeApiAliases } from "../../builders/global/store-api-aliases";
import { loadBalancerAnnotations } from "../../builders/global/load-balancer";
import {
  dialledGatewayPorts,
  gatewayServicePorts,
  regionGatewayServiceSpec,
} from "../../builders/global/region-gateway-service";
import { loadBalancer, loadBalancerServiceAddress } from "../workload";
import type { RegionalOutputs } from "../../contracts/regional-outputs";

export interface RegionExposureArgs {
  /** Provider for the regional cluster, built from the region's `kubeconfig` output. */
  readonly provider: k8s.Provider;
  /** Provider for the global cluster, where Thanos Query's per-StoreAPI names live. */
  readonly globalProvider: k8s.Provider;
  /** Resources the global cluster's names wait for (its namespace). */
  readonly globalDependsOn: pulumi.Input<pulumi.Resource>[];
  readonly outputs: pulumi.Output<RegionalOutputs>;
  /** Only the global cluster's egress addresses may reach the region's federation and StoreAPI endpoints. */
  readonly globalEgressCidrs: pulumi.Input<string[]>;
}

/** The Service in front of the gateway, whatever its type (kubernetes.exposure): a route of the user's own names it. */
const GATEWAY_SERVICE = "global-region-gateway";

const LABELS = {
  "app.kubernetes.io/managed-by": "pulumi",
  "app.kubernetes.io/part-of": "monitoring",
  "monitoring/exposed-to": "global",
};

/**
 * What the global tier creates to reach one region: one Service in the region's cluster in front of the
 * region gateway (which the region runs itself), exposing its federation and StoreAPI ports only: a load
 * balancer admitting only the global cluster's egress addresses, or on a cluster the user runs a NodePort or
 * ClusterIP Service (the region's `gatewayExposure`); and, in the global cluster, one name per StoreAPI
 * leading to it (builders/global/store-api-aliases.ts). The region's count of load balancers is one,
 * whatever its shards and replicas; the gateway reaches every pod behind it.
 */
export class RegionExposure extends pulumi.ComponentResource {
  /** Where the global tier dials the gateway: its load balancer's address, or the exposure's host. */
  readonly gatewayHost: pulumi.Output<string>;
  /** The ports it dials there. */
  readonly ports: pulumi.Output<{ federation: number; storeApi: number }>;
  /** `host:port` Thanos Query dials for each StoreAPI route, by route name. */
  readonly storeApiAddresses: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RegionExposureArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:RegionExposure", name, {}, opts);
    // Selector, ports, namespace and exposure are stack outputs, known at preview too (StackReference outputs are).
    const service = args.outputs.apply((o) => this.gatewayService(name, o, args));
    this.gatewayHost = pulumi
      .all([args.outputs, service])
      .apply(([o, svc]) =>
        o.gatewayExposure === undefined || o.gatewayExposure.type === "load-balancer"
          ? loadBalancerServiceAddress(svc, `the gateway of region '${name}'`)
          : pulumi.output(o.gatewayExposure.host),
      );
    this.ports = args.outputs.apply(dialledGatewayPorts);

    const inGlobal = { parent: this, provider: args.globalProvider, dependsOn: args.globalDependsOn };
    this.storeApiAddresses = pulumi.all([args.outputs, this.gatewayHost]).apply(([o, host]) => {
      const aliases = storeApiAliases(o, host, dialledGatewayPorts(o).storeApi);
      for (const alias of aliases) {
        const meta = { name: alias.serviceName, namespace: GLOBAL_NAMESPACE, labels: LABELS };
        const service = new k8s.core.v1.Service(
          `${name}-${alias.serviceName}`,
          { metadata: meta, spec: { ...alias.service } },
          inGlobal,
        );
        if (alias.endpointSlice) {
          new k8s.discovery.v1.EndpointSlice(
            `${name}-${alias.serviceName}`,
            {
              metadata: { ...meta, labels: { ...LABELS, "kubernetes.io/service-name": alias.serviceName } },
              ...alias.endpointSlice,
            },
            { ...inGlobal, dependsOn: [service] },
          );
        }
      }
      return storeApiAliasAddresses(aliases);
    });
    this.registerOutputs({
      gatewayHost: this.gatewayHost,
      ports: this.ports,
      storeApiAddresses: this.storeApiAddresses,
    });
  }

  /** The Service in the region's cluster in front of its gateway, exposing its federation and StoreAPI ports only. */
  private gatewayService(name: string, o: RegionalOutputs, args: RegionExposureArgs): k8s.core.v1.Service {
    const meta = { namespace: o.namespace, labels: LABELS };
    const inRegion = { parent: this, provider: args.provider };
    const exposure = o.gatewayExposure ?? { type: "load-balancer" };
    if (exposure.type !== "load-balancer") {
      // A NodePort or ClusterIP Service has no source ranges: the gateway's mutual TLS and basic auth guard it.
      return new k8s.core.v1.Service(
        `${name}-gateway`,
        { metadata: { ...meta, name: GATEWAY_SERVICE }, spec: regionGatewayServiceSpec(exposure, o) },
        inRegion,
      );
    }
    return loadBalancer(
      `${name}-gateway`,
      meta,
      {
        name: GATEWAY_SERVICE,
        annotations: o.loadBalancerAnnotations ?? loadBalancerAnnotations(o.cloud),
        selector: { ...o.gatewaySelector },
        ports: gatewayServicePorts(o).map(({ name, port, targetPort }) => ({ name, port, targetPort })),
        sourceRanges: args.globalEgressCidrs,
      },
      inRegion,
    );
  }
}
