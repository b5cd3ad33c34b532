import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { QUERY_FRONTEND, THANOS_QUERY, serviceHost } from "../../builders/global/layout";
import { WAIT_FOR_TERM, promtoolCheckCommand } from "../../builders/prometheus/probe";
import type { ComponentIdentity } from "../../builders/k8s/labels";
import type { ContainerResources } from "../../builders/k8s/pod";
import type { ScalingBounds } from "../../config/types";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES } from "../../versions";
import { type CertificateAuthority, signedCertificate, subjectNames } from "../pki";
import {
  type Container,
  type ContainerFeature,
  type Probes,
  type Workload,
  autoscaler,
  configChecksum,
  container,
  disruptionBudget,
  featureVolumes,
  httpProbes,
  loadBalancer,
  loadBalancerServiceAddress,
  metadata,
  mountedFiles,
  movedChildOpts,
  podBasics,
  scratch,
  socketProbes,
  TMP_SIZE,
  tlsSecret,
  probeCredentials,
} from "../workload";
import { type GlobalPartArgs, globalWorkload } from "./part";

/**
 * A stateless Thanos Deployment: zone spread, a disruption budget, and an autoscaler within `scale`'s bounds
 * or a fixed number of replicas.
 */
export function statelessDeployment(
  w: Workload,
  scale: ScalingBounds | { readonly replicas: number },
  spec: {
    args: pulumi.Output<string[]>;
    checksum: pulumi.Output<string>;
    port: number;
    probes: Probes;
    features: ContainerFeature[];
    resources: ContainerResources;
    /** Containers beside Thanos', with the features whose volumes they mount. */
    sidecars?: { containers: Container[]; features: ContainerFeature[] };
  },
): k8s.apps.v1.Deployment {
  const features = [...spec.features, scratch("tmp", "/tmp", TMP_SIZE)];
  const sidecars = spec.sidecars ?? { containers: [], features: [] };
  const deployment = new k8s.apps.v1.Deployment(
    w.id.name,
    {
      metadata: metadata(w),
      spec: {
        // Autoscaled, no replicas: the autoscaler owns the count, and a declared one would be applied again on
        // every update.
        ...("replicas" in scale ? { replicas: scale.replicas } : {}),
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
                resources: spec.resources,
                features,
                probes: spec.probes,
              }),
              ...sidecars.containers,
            ],
            volumes: featureVolumes([...features, ...sidecars.features]),
          },
        },
      },
    },
    w.opts,
  );
  disruptionBudget(w);
  if (!("replicas" in scale)) autoscaler(w, scale);
  return deployment;
}

export interface ThanosQueryArgs extends GlobalPartArgs {
  readonly bounds: ScalingBounds;
  readonly args: pulumi.Output<string[]>;
  readonly endpoints: pulumi.Output<string>;
  /** Every region's StoreAPI client certificate, key and CA, by file name. */
  readonly regionTls: pulumi.Output<Record<string, string>>;
  readonly frontend: QueryFrontendArgs;
}

export interface QueryFrontendArgs {
  readonly id: ComponentIdentity;
  readonly args: pulumi.Output<string[]>;
  /** response-cache.yml. */
  readonly config: pulumi.Output<Record<string, string>>;
  /** http.yml: TLS and the basic-auth users' bcrypt hashes, hence a Secret. */
  readonly webConfig: pulumi.Output<Record<string, string>>;
  /** Every load balancer of the stack carries these (builders/global/load-balancer.ts). */
  readonly loadBalancerAnnotations: Readonly<Record<string, string>>;
  /** The only addresses its load balancer admits. */
  readonly allowedCidrs: readonly string[];
  /** Signs its server certificate; users trust it. */
  readonly ingressCa: CertificateAuthority;
  /** The password of QUERY_FRONTEND.probeUser, which its readiness check logs in with. */
  readonly probePassword: pulumi.Output<string>;
}

/**
 * The frontend's readiness: its /-/ready follows Thanos Query's (it asks Query's every 10 s), but every path
 * asks for basic auth and the Thanos image has no HTTP client to probe it with. A container of the Prometheus
 * image carries a probe that runs promtool against it, logged in as the probe user; a pod is Ready only when
 * each container is, so the pod leaves the load balancer while its frontend cannot reach Query.
 */
function readinessCheck(
  frontend: Workload,
  f: QueryFrontendArgs,
  serverName: string,
): { containers: Container[]; features: ContainerFeature[] } {
  const probe = probeCredentials(frontend, {
    dir: QUERY_FRONTEND.probeDir,
    username: QUERY_FRONTEND.probeUser,
    serverName,
    password: f.probePassword,
    caPem: f.ingressCa.certPem,
  });
  const check = promtoolCheckCommand("ready", {
    promtool: "promtool",
    url: `https://localhost:${QUERY_FRONTEND.httpPort}`,
    clientConfigFile: probe.clientConfigFile,
  });
  return {
    containers: [
      container({
        name: "ready-check",
        image: IMAGES.prometheus,
        command: WAIT_FOR_TERM,
        args: [],
        resources: DEFAULTS.queryFrontend.readyCheckResources,
        features: [probe.feature],
        probes: { readiness: { exec: { command: check }, periodSeconds: 10, timeoutSeconds: 5 } },
      }),
    ],
    features: [probe.feature],
  };
}

/**
 * Thanos Query over every region's StoreAPIs, reachable in the cluster only, and the Query Frontend in front
 * of it, which users reach through a load balancer restricted to the configured ranges (TLS and basic auth
 * end in its pods).
 */
export class ThanosQuery extends pulumi.ComponentResource {
  /** The Query Frontend's load-balancer address. */
  readonly frontendAddress: pulumi.Output<string>;
  /** When the Query Frontend's server certificate expires (RFC 3339). */
  readonly frontendCertificateEnd: pulumi.Output<string>;

  constructor(name: string, a: ThanosQueryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:ThanosQuery", name, {}, opts);
    thanosQuery(globalWorkload(this, a, opts), a);
    const frontend = this.queryFrontend(name, a, opts);
    this.frontendAddress = frontend.address;
    this.frontendCertificateEnd = frontend.certificateEnd;
    this.registerOutputs({
      frontendAddress: this.frontendAddress,
      frontendCertificateEnd: this.frontendCertificateEnd,
    });
  }

  /**
   * The frontend behind its load balancer: a server certificate naming its Service and the balancer's address,
   * its cache config and web config (basic auth), and a readiness check through its own /-/ready.
   */
  private queryFrontend(name: string, a: ThanosQueryArgs, opts?: pulumi.ComponentResourceOptions) {
    const f = a.frontend;
    const frontend = globalWorkload(this, { ...a, id: f.id }, opts);
    const lb = loadBalancer(
      frontend.id.name,
      metadata(frontend),
      {
        name: QUERY_FRONTEND.service,
        annotations: f.loadBalancerAnnotations,
        selector: frontend.selector,
        ports: [{ name: "https", port: QUERY_FRONTEND.httpPort, targetPort: QUERY_FRONTEND.httpPort }],
        sourceRanges: [...f.allowedCidrs],
      },
      frontend.opts,
    );
    const address = loadBalancerServiceAddress(lb, "the Thanos Query Frontend");
    // Headless: its DNS name lists every replica the autoscaler runs, each of which the federation scrapes.
    new k8s.core.v1.Service(
      `${frontend.id.name}-pods`,
      {
        metadata: metadata(frontend, QUERY_FRONTEND.podsService),
        spec: {
          clusterIP: "None",
          selector: frontend.selector,
          ports: [{ name: "https", port: QUERY_FRONTEND.httpPort, targetPort: QUERY_FRONTEND.httpPort }],
        },
      },
      frontend.opts,
    );
    const host = serviceHost(QUERY_FRONTEND.service);
    const cert = signedCertificate(
      `${name}-query-frontend`,
      "server",
      { commonName: host },
      subjectNames(
        [host],
        address.apply((value) => [value]),
      ),
      f.ingressCa,
      movedChildOpts(this, opts?.parent),
    );
    const config = new k8s.core.v1.ConfigMap(
      `${frontend.id.name}-config`,
      {
        metadata: metadata(frontend, `${frontend.id.name}-config`),
        data: f.config,
      },
      frontend.opts,
    );
    const web = new k8s.core.v1.Secret(
      `${frontend.id.name}-web`,
      {
        metadata: metadata(frontend, `${frontend.id.name}-web`),
        stringData: pulumi.secret(f.webConfig),
      },
      frontend.opts,
    );
    const tls = tlsSecret(frontend, cert);
    statelessDeployment(frontend, a.bounds, {
      args: f.args,
      checksum: configChecksum(
        f.args.apply((x) => x.join(" ")),
        f.config.apply((c) => JSON.stringify(c)),
        f.webConfig.apply((c) => JSON.stringify(c)),
        cert.certPem,
      ),
      port: QUERY_FRONTEND.httpPort,
      // Every HTTP path asks for basic auth: the process is alive while its port accepts connections, and the
      // pod is ready when the readiness check's container says the frontend's /-/ready answers.
      probes: socketProbes(QUERY_FRONTEND.httpPort),
      sidecars: readinessCheck(frontend, f, host),
      resources: DEFAULTS.queryFrontend.resources,
      features: [
        mountedFiles("config", QUERY_FRONTEND.configDir, {
          projected: {
            sources: [{ configMap: { name: config.metadata.name } }, { secret: { name: web.metadata.name } }],
          },
        }),
        mountedFiles("tls", QUERY_FRONTEND.tlsDir, { secret: { secretName: tls.metadata.name } }),
      ],
    });
    return { address, certificateEnd: cert.validityEndTime };
  }
}

/** Thanos Query in the cluster: its endpoints file, the regions' client certificates, its Services and pods. */
function thanosQuery(query: Workload, a: ThanosQueryArgs): void {
  const endpoints = new k8s.core.v1.ConfigMap(
    `${query.id.name}-endpoints`,
    {
      metadata: metadata(query, `${query.id.name}-endpoints`),
      data: { "endpoints.yml": a.endpoints },
    },
    query.opts,
  );
  const regions = new k8s.core.v1.Secret(
    `${query.id.name}-regions`,
    {
      metadata: metadata(query, `${query.id.name}-regions`),
      stringData: pulumi.secret(a.regionTls),
    },
    query.opts,
  );
  new k8s.core.v1.Service(
    query.id.name,
    {
      metadata: metadata(query, THANOS_QUERY.service),
      spec: {
        selector: query.selector,
        ports: [
          { name: "http", port: THANOS_QUERY.httpPort, targetPort: THANOS_QUERY.httpPort },
          { name: "grpc", port: THANOS_QUERY.grpcPort, targetPort: THANOS_QUERY.grpcPort },
        ],
      },
    },
    query.opts,
  );
  // Headless: its DNS name lists every replica the autoscaler runs, each of which the federation scrapes.
  new k8s.core.v1.Service(
    `${query.id.name}-pods`,
    {
      metadata: metadata(query, THANOS_QUERY.podsService),
      spec: {
        clusterIP: "None",
        selector: query.selector,
        ports: [{ name: "http", port: THANOS_QUERY.httpPort, targetPort: THANOS_QUERY.httpPort }],
      },
    },
    query.opts,
  );
  statelessDeployment(query, a.bounds, {
    args: a.args,
    // Endpoints are re-read by Thanos (--endpoint.sd-config-reload-interval); certificates need a restart.
    checksum: configChecksum(
      a.args.apply((x) => x.join(" ")),
      a.regionTls.apply((t) => JSON.stringify(t)),
    ),
    port: THANOS_QUERY.httpPort,
    probes: httpProbes(THANOS_QUERY.httpPort),
    resources: DEFAULTS.query.resources,
    features: [
      mountedFiles("config", THANOS_QUERY.configDir, { configMap: { name: endpoints.metadata.name } }),
      mountedFiles("regions", THANOS_QUERY.tlsDir, { secret: { secretName: regions.metadata.name } }),
    ],
  });
}
