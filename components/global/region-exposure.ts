import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadBalancer, loadBalancerServiceAddress } from "../workload";
import type { RegionalOutputs } from "../../contracts/regional-outputs";

export interface RegionExposureArgs {
  /** Provider for the regional cluster, built from the region's `kubeconfig` output. */
  readonly provider: k8s.Provider;
  readonly outputs: pulumi.Output<RegionalOutputs>;
  /** Only the global cluster's egress addresses may reach the region's federation and StoreAPI endpoints. */
  readonly globalEgressCidrs: pulumi.Input<string[]>;
}

const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

/**
 * What the global tier creates inside one regional cluster to reach it: one load balancer per Prometheus
 * pod (its /federate and its sidecar's StoreAPI), so every shard and both replicas are reached directly and
 * none hides behind another, and one for the store gateway. Each admits only the global cluster's egress.
 */
export class RegionExposure extends pulumi.ComponentResource {
  /** Load-balancer address of each Prometheus pod, by pod name. */
  readonly prometheusHosts: pulumi.Output<Record<string, string>>;
  readonly storeGatewayHost: pulumi.Output<string>;

  constructor(name: string, args: RegionExposureArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:RegionExposure", name, {}, opts);
    const childOpts = { parent: this, provider: args.provider };
    const service = (serviceName: string, o: RegionalOutputs, selector: Record<string, string>, ports: { name: string; port: number }[]) =>
      loadBalancer(`${name}-${serviceName}`, {
        namespace: o.namespace,
        labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/part-of": "monitoring", "monitoring/exposed-to": "global" },
      }, {
        name: serviceName,
        cloud: o.cloud,
        selector,
        ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.port })),
        sourceRanges: args.globalEgressCidrs,
      }, childOpts);
    const address = (svc: k8s.core.v1.Service, what: string) => loadBalancerServiceAddress(svc, `${what} in region '${name}'`);

    // The pod list is a stack output, so the Services are made once it is known (StackReference outputs are
    // known at preview too).
    const exposed = args.outputs.apply((o) => {
      const pods = o.prometheusPods.map((pod) => ({
        podName: pod.podName,
        address: address(
          service(`global-${pod.podName}`, o, { ...o.prometheusSelector, [POD_NAME_LABEL]: pod.podName }, [
            { name: "federate", port: o.federationPort },
            { name: "store-api", port: o.storeApiPort },
          ]),
          `Prometheus pod ${pod.podName}`,
        ),
      }));
      const store = service("global-thanos-store", o, o.storeGatewaySelector, [{ name: "store-api", port: o.storeApiPort }]);
      return {
        prometheusHosts: pulumi.all(pods.map((p) => pulumi.all([p.podName, p.address]))).apply((pairs) => Object.fromEntries(pairs)),
        storeGatewayHost: address(store, "the store gateway"),
      };
    });
    this.prometheusHosts = exposed.apply((e) => e.prometheusHosts);
    this.storeGatewayHost = exposed.apply((e) => e.storeGatewayHost);
    this.registerOutputs({ prometheusHosts: this.prometheusHosts, storeGatewayHost: this.storeGatewayHost });
  }
}
