import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { posix } from "node:path";
import { GATEWAY_HEALTH_PATH, GATEWAY_METRICS_PATH, GATEWAY_READY_PATH } from "../../builders/gateway/haproxy";
import { GATEWAY_PORTS } from "../../builders/gateway/routes";
import { podSecurityContext } from "../../builders/k8s/pod";
import { GATEWAY, regionalGatewayConfig } from "../../builders/regional/gateway";
import type { ClusterNetwork } from "../../builders/k8s/network-policies";
import { MONITORING_NAMESPACE } from "../../builders/regional/layout";
import { regionalTraffic } from "../../builders/regional/network-policies";
import type { RegionalPlan } from "../../builders/regional/plan";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES, VERSIONS } from "../../versions";
import {
  configChecksum,
  container,
  disruptionBudget,
  featureVolumes,
  httpProbe,
  metadata,
  mountedFiles,
  networkPolicy,
  spread,
  workload,
} from "../workload";

export interface RegionGatewayArgs {
  readonly instance: string;
  readonly plan: RegionalPlan;
  readonly provider: k8s.Provider;
  readonly network: ClusterNetwork;
  /** Labels of every Prometheus pod of the region, the only scrapers of the gateway's metrics. */
  readonly prometheusSelector: Readonly<Record<string, string>>;
  /** The region's server certificate and key (its name is the region's tlsServerName) and its CA. */
  readonly tls: {
    readonly certPem: pulumi.Input<string>;
    readonly keyPem: pulumi.Input<string>;
    readonly caPem: pulumi.Input<string>;
  };
}

/**
 * The one way into the region from outside: HAProxy (builders/gateway/haproxy.ts), two replicas in two
 * zones, which the global stack puts behind one load balancer. It routes the federation to every Prometheus
 * pod by path and Thanos Query to every StoreAPI by TLS server name, so the region needs one load balancer
 * however many shards and replicas it runs. The region creates it (its config needs only the region's own
 * pods, ports and certificates); the global stack creates only the load-balancer Service selecting it,
 * because only it knows its egress addresses, so the region still reads no global output.
 */
export class RegionGateway extends pulumi.ComponentResource {
  readonly selector: Record<string, string>;

  constructor(name: string, args: RegionGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:regional:RegionGateway", name, {}, opts);
    const w = workload(
      { name: GATEWAY.name, instance: args.instance, component: "region-gateway", version: VERSIONS.haproxy },
      MONITORING_NAMESPACE,
      { parent: this, provider: args.provider },
    );
    this.selector = w.selector;
    const configText = regionalGatewayConfig(args.plan);
    const config = new k8s.core.v1.ConfigMap(
      GATEWAY.name,
      { metadata: metadata(w, GATEWAY.name), data: { "haproxy.cfg": configText } },
      w.opts,
    );
    // The region's own server certificate: the federation verifies the gateway as it verified the pods.
    const tlsName = `${GATEWAY.name}-tls`;
    const pem = pulumi.secret(
      pulumi.all([args.tls.certPem, args.tls.keyPem]).apply(([cert, key]) => `${cert.trim()}\n${key.trim()}\n`),
    );
    const tls = new k8s.core.v1.Secret(
      tlsName,
      {
        metadata: metadata(w, tlsName),
        stringData: { [posix.basename(GATEWAY.certFile)]: pem, [posix.basename(GATEWAY.caFile)]: args.tls.caPem },
      },
      w.opts,
    );
    const features = [
      mountedFiles("config", GATEWAY.configDir, { configMap: { name: config.metadata.name } }),
      mountedFiles("tls", GATEWAY.tlsDir, { secret: { secretName: tls.metadata.name } }),
    ];

    new k8s.apps.v1.Deployment(
      GATEWAY.name,
      {
        metadata: metadata(w, GATEWAY.name),
        spec: {
          replicas: GATEWAY.replicas,
          selector: { matchLabels: w.selector },
          template: {
            metadata: {
              labels: w.labels,
              annotations: {
                "checksum/config": configChecksum(configText),
                "checksum/tls": configChecksum(pem, args.tls.caPem),
                // Scraped by the region's Prometheus through the annotated-pods job, on the port the load balancer does not expose.
                "prometheus.io/scrape": "true",
                "prometheus.io/port": String(GATEWAY_PORTS.metrics),
                "prometheus.io/path": GATEWAY_METRICS_PATH,
              },
            },
            spec: {
              securityContext: podSecurityContext(GATEWAY.uid),
              automountServiceAccountToken: false,
              ...spread(w.selector),
              containers: [
                container({
                  name: "haproxy",
                  image: IMAGES.haproxy,
                  command: ["haproxy"],
                  args: ["-db", "-f", GATEWAY.configFile],
                  ports: [
                    { name: "federation", containerPort: GATEWAY_PORTS.federation },
                    { name: "store-api", containerPort: GATEWAY_PORTS.storeApi },
                    { name: "metrics", containerPort: GATEWAY_PORTS.metrics },
                  ],
                  resources: DEFAULTS.gateway.resources,
                  features,
                  probes: {
                    liveness: httpProbe(GATEWAY_HEALTH_PATH, GATEWAY_PORTS.metrics, { failureThreshold: 6 }),
                    // Not ready while this replica reaches no backend at all; alive all the same (a restart reaches nothing more).
                    readiness: httpProbe(GATEWAY_READY_PATH, GATEWAY_PORTS.metrics, { failureThreshold: 2 }),
                  },
                }),
              ],
              volumes: featureVolumes(features),
            },
          },
        },
      },
      w.opts,
    );
    disruptionBudget(w);
    networkPolicy(
      w,
      GATEWAY.name,
      regionalTraffic(
        w.selector,
        [
          { port: GATEWAY_PORTS.federation, from: "load-balancer" },
          { port: GATEWAY_PORTS.storeApi, from: "load-balancer" },
          { port: GATEWAY_PORTS.metrics, from: "prometheus" },
        ],
        "region-endpoints",
        args.prometheusSelector,
      ),
      args.network,
    );
    this.registerOutputs({ selector: this.selector });
  }
}
