import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { QUERY_FRONTEND, THANOS_QUERY } from "../../builders/global/layout";
import type { Cloud } from "../../config/clouds";
import type { ScalingBounds } from "../../config/types";
import { IMAGES } from "../../versions";
import { Probes, Workload, autoscaler, configChecksum, container, disruptionBudget, httpProbes, loadBalancer, metadata, podBasics, tlsSecret } from "./workload";

/** A stateless Thanos Deployment: zone spread, a disruption budget and an autoscaler within `bounds`. */
function statelessDeployment(
  w: Workload,
  bounds: ScalingBounds,
  spec: { args: pulumi.Output<string[]>; checksum: pulumi.Output<string>; port: number; probes: Probes; volumes: { name: string; mountPath: string; volume: Omit<k8s.types.input.core.v1.Volume, "name"> }[]; memoryRequest: string; memoryLimit: string },
): k8s.apps.v1.Deployment {
  const deployment = new k8s.apps.v1.Deployment(w.id.name, {
    metadata: metadata(w),
    spec: {
      // No replicas: the autoscaler owns the count, and a declared one would be applied again on every update.
      selector: { matchLabels: w.selector },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: w.labels, annotations: { "monitoring/config-checksum": spec.checksum } },
        spec: {
          ...podBasics(w),
          containers: [
            container({
              name: w.id.name,
              image: IMAGES.thanos,
              args: spec.args,
              ports: [{ name: "http", containerPort: spec.port }],
              resources: { cpuRequest: "250m", memoryRequest: spec.memoryRequest, memoryLimit: spec.memoryLimit },
              volumeMounts: [...spec.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath, readOnly: true })), { name: "tmp", mountPath: "/tmp" }],
              probes: spec.probes,
            }),
          ],
          volumes: [...spec.volumes.map((v) => ({ ...v.volume, name: v.name })), { name: "tmp", emptyDir: {} }],
        },
      },
    },
  }, w.opts);
  disruptionBudget(w);
  autoscaler(w, bounds);
  return deployment;
}

export interface ThanosQueryArgs {
  readonly bounds: ScalingBounds;
  readonly args: pulumi.Output<string[]>;
  readonly endpoints: pulumi.Output<string>;
  /** Every region's StoreAPI client certificate, key and CA, by file name. */
  readonly regionTls: pulumi.Output<Record<string, string>>;
}

/** Thanos Query over every region's StoreAPIs, reachable in the cluster only (users go through the frontend). */
export function thanosQuery(w: Workload, a: ThanosQueryArgs): k8s.apps.v1.Deployment {
  const endpoints = new k8s.core.v1.ConfigMap(`${w.id.name}-endpoints`, {
    metadata: metadata(w, `${w.id.name}-endpoints`),
    data: { "endpoints.yml": a.endpoints },
  }, w.opts);
  const tls = new k8s.core.v1.Secret(`${w.id.name}-regions`, {
    metadata: metadata(w, `${w.id.name}-regions`),
    stringData: pulumi.secret(a.regionTls),
  }, w.opts);
  new k8s.core.v1.Service(w.id.name, {
    metadata: metadata(w, THANOS_QUERY.service),
    spec: {
      selector: w.selector,
      ports: [
        { name: "http", port: THANOS_QUERY.httpPort, targetPort: THANOS_QUERY.httpPort },
        { name: "grpc", port: THANOS_QUERY.grpcPort, targetPort: THANOS_QUERY.grpcPort },
      ],
    },
  }, w.opts);
  new k8s.core.v1.Service(`${w.id.name}-pods`, {
    metadata: metadata(w, THANOS_QUERY.podsService),
    spec: { clusterIP: "None", selector: w.selector, ports: [{ name: "http", port: THANOS_QUERY.httpPort, targetPort: THANOS_QUERY.httpPort }] },
  }, w.opts);
  return statelessDeployment(w, a.bounds, {
    args: a.args,
    // Endpoints are re-read by Thanos (--endpoint.sd-config-reload-interval); certificates need a restart.
    checksum: configChecksum(a.args.apply((x) => x.join(" ")), a.regionTls.apply((t) => JSON.stringify(t))),
    port: THANOS_QUERY.httpPort,
    probes: httpProbes(THANOS_QUERY.httpPort, "HTTP"),
    memoryRequest: "1Gi",
    memoryLimit: "2Gi",
    volumes: [
      { name: "config", mountPath: THANOS_QUERY.configDir, volume: { configMap: { name: endpoints.metadata.name } } },
      { name: "regions", mountPath: THANOS_QUERY.tlsDir, volume: { secret: { secretName: tls.metadata.name } } },
    ],
  });
}

export interface QueryFrontendArgs {
  readonly bounds: ScalingBounds;
  readonly args: pulumi.Output<string[]>;
  /** response-cache.yml. */
  readonly config: pulumi.Output<Record<string, string>>;
  /** http.yml: TLS and the basic-auth users' bcrypt hashes, hence a Secret. */
  readonly webConfig: pulumi.Output<Record<string, string>>;
  readonly tls: { certPem: pulumi.Input<string>; keyPem: pulumi.Input<string> };
}

/** The Query Frontend behind a load balancer restricted to the configured ranges; TLS and basic auth end in the pod. */
export function queryFrontendService(w: Workload, cloud: Cloud, allowedCidrs: readonly string[]): k8s.core.v1.Service {
  return loadBalancer(w.id.name, metadata(w), {
    name: QUERY_FRONTEND.service,
    cloud,
    selector: w.selector,
    ports: [{ name: "https", port: QUERY_FRONTEND.httpPort, targetPort: QUERY_FRONTEND.httpPort }],
    sourceRanges: [...allowedCidrs],
  }, w.opts);
}

export function queryFrontend(w: Workload, a: QueryFrontendArgs): k8s.apps.v1.Deployment {
  const config = new k8s.core.v1.ConfigMap(`${w.id.name}-config`, {
    metadata: metadata(w, `${w.id.name}-config`),
    data: a.config,
  }, w.opts);
  const web = new k8s.core.v1.Secret(`${w.id.name}-web`, {
    metadata: metadata(w, `${w.id.name}-web`),
    stringData: pulumi.secret(a.webConfig),
  }, w.opts);
  const tls = tlsSecret(w, a.tls);
  return statelessDeployment(w, a.bounds, {
    args: a.args,
    checksum: configChecksum(a.args.apply((x) => x.join(" ")), a.config.apply((c) => JSON.stringify(c)), a.webConfig.apply((c) => JSON.stringify(c)), a.tls.certPem),
    port: QUERY_FRONTEND.httpPort,
    // Every HTTP path asks for basic auth, /-/ready too, and an httpGet probe could only send the password
    // from the pod spec: the probe checks that the port accepts connections.
    probes: {
      readiness: { tcpSocket: { port: QUERY_FRONTEND.httpPort }, periodSeconds: 10 },
      liveness: { tcpSocket: { port: QUERY_FRONTEND.httpPort }, periodSeconds: 10, failureThreshold: 6 },
    },
    // The in-memory response cache takes up to RESPONSE_CACHE_SIZE (512MB) on top of the queries in flight.
    memoryRequest: "1Gi",
    memoryLimit: "2Gi",
    volumes: [
      {
        name: "config",
        mountPath: QUERY_FRONTEND.configDir,
        volume: { projected: { sources: [{ configMap: { name: config.metadata.name } }, { secret: { name: web.metadata.name } }] } },
      },
      { name: "tls", mountPath: QUERY_FRONTEND.tlsDir, volume: { secret: { secretName: tls.metadata.name } } },
    ],
  });
}
