import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { posix } from "node:path";
import { RULER } from "../../builders/global/layout";
import { RULER_FILES } from "../../builders/global/receive";
import type { ComponentIdentity } from "../../builders/k8s/labels";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES } from "../../versions";
import {
  configChecksum,
  container,
  disruptionBudget,
  featureAnnotations,
  featureVolumes,
  fieldEnv,
  httpProbes,
  metadata,
  mountedFiles,
  podBasics,
  scratch,
  spread,
  TMP_SIZE,
  type Workload,
  workloadConfigMap,
} from "../workload";
import { type GlobalPartArgs, globalWorkload } from "./part";
import { statelessDeployment } from "./query";

export interface RegionRulerArgs extends GlobalPartArgs {
  /** The identity of the region's tenant Query. */
  readonly queryId: ComponentIdentity;
  readonly args: pulumi.Output<{ readonly rule: string[]; readonly query: string[] }>;
  /** The query, Alertmanagers and remote-write configs, by file name. */
  readonly config: pulumi.Output<Record<string, string>>;
  /** The region's rule files, by file name. */
  readonly rules: pulumi.Output<Record<string, string>>;
  /** The tenant Query's endpoints file, by file name. */
  readonly queryEndpoints: pulumi.Output<Record<string, string>>;
  /** The region's alerting password and the CA its alerts verify the Alertmanagers with (the region's alerting CA). */
  readonly alertingPassword: pulumi.Output<string>;
  readonly alertingCa: pulumi.Output<string>;
}

/**
 * The write-ahead log of a stateless Ruler: the recorded samples not yet sent to the federation, a few
 * minutes' worth at the regions' rule volume.
 */
const RULER_WAL_SIZE = "1Gi";

/**
 * A remote-write region's rules, evaluated in the global tier: a Ruler pair over a Thanos Query that sees only
 * the region's tenant in Receive. The Ruler is a StatefulSet so its replica label (its pod's name) stays the
 * same across restarts; it keeps nothing but its write-ahead log, on an emptyDir.
 */
export class RegionRuler extends pulumi.ComponentResource {
  constructor(name: string, args: RegionRulerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:RegionRuler", name, {}, opts);
    tenantQuery(globalWorkload(this, { ...args, id: args.queryId }, opts), args);
    ruler(globalWorkload(this, args, opts), args);
    this.registerOutputs({});
  }
}

/** The region's Query: Receive's StoreAPIs, every query restricted to the region's tenant; its Ruler's only peer. */
function tenantQuery(w: Workload, args: RegionRulerArgs): void {
  const endpoints = workloadConfigMap(w, "endpoints", args.queryEndpoints);
  new k8s.core.v1.Service(
    w.id.name,
    {
      metadata: metadata(w),
      spec: {
        selector: w.selector,
        ports: [{ name: "http", port: RULER.queryHttpPort, targetPort: RULER.queryHttpPort }],
      },
    },
    w.opts,
  );
  statelessDeployment(
    w,
    { replicas: RULER.replicas },
    {
      args: args.args.apply((a) => a.query),
      // Endpoints are re-read by Thanos (--endpoint.sd-config-reload-interval).
      checksum: configChecksum(args.args.apply((a) => a.query.join(" "))),
      port: RULER.queryHttpPort,
      probes: httpProbes(RULER.queryHttpPort),
      resources: DEFAULTS.ruler.resources,
      features: [mountedFiles("config", RULER.queryConfigDir, { configMap: { name: endpoints.metadata.name } })],
    },
  );
}

/** The Ruler pair: its configs, the region's rules and alerting credentials, a headless Service to govern it. */
function ruler(w: Workload, args: RegionRulerArgs): void {
  const config = workloadConfigMap(w, "config", args.config);
  const rules = workloadConfigMap(w, "rules", args.rules);
  const alerting = new k8s.core.v1.Secret(
    `${w.id.name}-alerting`,
    {
      metadata: metadata(w, `${w.id.name}-alerting`),
      stringData: {
        [posix.basename(RULER_FILES.alertingPassword)]: pulumi.secret(args.alertingPassword),
        [posix.basename(RULER_FILES.alertingCa)]: args.alertingCa,
      },
    },
    w.opts,
  );
  const features = [
    mountedFiles("config", RULER.configDir, { configMap: { name: config.metadata.name } }),
    mountedFiles("rules", RULER.rulesDir, { configMap: { name: rules.metadata.name } }),
    {
      ...mountedFiles("alerting", RULER.secretsDir, { secret: { secretName: alerting.metadata.name } }),
      annotations: { "checksum/alerting": configChecksum(args.alertingPassword, args.alertingCa) },
    },
    scratch("data", RULER.dataDir, RULER_WAL_SIZE),
    scratch("tmp", "/tmp", TMP_SIZE),
  ];
  new k8s.core.v1.Service(
    w.id.name,
    {
      metadata: metadata(w),
      spec: {
        clusterIP: "None",
        selector: w.selector,
        ports: [{ name: "http", port: RULER.httpPort, targetPort: RULER.httpPort }],
      },
    },
    w.opts,
  );
  new k8s.apps.v1.StatefulSet(
    w.id.name,
    {
      metadata: metadata(w),
      spec: {
        serviceName: w.id.name,
        replicas: RULER.replicas,
        podManagementPolicy: "Parallel",
        selector: { matchLabels: w.selector },
        template: {
          metadata: {
            labels: w.labels,
            annotations: {
              ...featureAnnotations(features),
              // The Ruler reads its configs and rules at start (no reloader): a change rolls the pair.
              "monitoring/config-checksum": configChecksum(
                args.config.apply((c) => JSON.stringify(c)),
                args.rules.apply((r) => JSON.stringify(r)),
                args.args.apply((a) => a.rule.join(" ")),
              ),
            },
          },
          spec: {
            ...podBasics(w),
            affinity: spread(w.selector).affinity,
            containers: [
              container({
                name: w.id.name,
                image: IMAGES.thanos,
                args: args.args.apply((a) => a.rule),
                env: [fieldEnv("POD_NAME", "metadata.name")],
                ports: [
                  { name: "http", containerPort: RULER.httpPort },
                  { name: "grpc", containerPort: RULER.grpcPort },
                ],
                resources: DEFAULTS.ruler.resources,
                features,
                probes: httpProbes(RULER.httpPort),
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
}
