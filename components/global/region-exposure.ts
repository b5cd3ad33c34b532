import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GLOBAL_NAMESPACE } from "../../builders/global/layout";
import { storeApiAliasAddresses, storeApiAliases } from "../../builders/global/store-api-aliases";
import { loadBalancerAnnotations } from "../../builders/global/load-balancer";
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

const LABELS = { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "monitoring", "monitoring/exposed-to": "global" };

/**
 * What the global tier creates to reach one region: one load balancer in the region's cluster in front of
 * the region gateway (which the region runs itself), exposing its federation and StoreAPI ports only and
 * admitting only the global cluster's egress addresses; and, in the global cluster, one name per StoreAPI
 * leading to it (builders/global/store-api-aliases.ts). The region's count of load balancers is one,
 * whatever its shards and replicas; the gateway reaches every pod behind it.
 */
export class RegionExposure extends pulumi.ComponentResource {
  /** Address of the gateway's load balancer. */
  readonly gatewayHost: pulumi.Output<string>;
  /** `host:port` Thanos Query dials for each StoreAPI route, by route name. */
  readonly storeApiAddresses: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RegionExposureArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:RegionExposure", name, {}, opts);
    // Selector, ports and namespace are stack outputs, known at preview too (StackReference outputs are).
    const lb = args.outputs.apply((o) =>
      loadBalancer(`${name}-gateway`, { namespace: o.namespace, labels: LABELS }, {
        name: "global-region-gateway",
        annotations: o.loadBalancerAnnotations ?? loadBalancerAnnotations(o.cloud),
        selector: { ...o.gatewaySelector },
        ports: [
          { name: "federation", port: o.federationPort, targetPort: o.federationPort },
          { name: "store-api", port: o.storeApiPort, targetPort: o.storeApiPort },
        ],
        sourceRanges: args.globalEgressCidrs,
      }, { parent: this, provider: args.provider }),
    );
    this.gatewayHost = lb.apply((svc) => loadBalancerServiceAddress(svc, `the gateway of region '${name}'`));

    const inGlobal = { parent: this, provider: args.globalProvider, dependsOn: args.globalDependsOn };
    this.storeApiAddresses = pulumi.all([args.outputs, this.gatewayHost]).apply(([o, host]) => {
      const aliases = storeApiAliases(o, host);
      for (const alias of aliases) {
        const meta = { name: alias.serviceName, namespace: GLOBAL_NAMESPACE, labels: LABELS };
        const service = new k8s.core.v1.Service(`${name}-${alias.serviceName}`, { metadata: meta, spec: { ...alias.service } }, inGlobal);
        if (alias.endpointSlice) {
          new k8s.discovery.v1.EndpointSlice(`${name}-${alias.serviceName}`, {
            metadata: { ...meta, labels: { ...LABELS, "kubernetes.io/service-name": alias.serviceName } },
            ...alias.endpointSlice,
          }, { ...inGlobal, dependsOn: [service] });
        }
      }
      return storeApiAliasAddresses(aliases);
    });
    this.registerOutputs({ gatewayHost: this.gatewayHost, storeApiAddresses: this.storeApiAddresses });
  }
}
