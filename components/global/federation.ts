import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { FEDERATION } from "../../builders/global/layout";
import { podAntiAffinity } from "../../builders/k8s/pod";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES } from "../../versions";
import {
  configChecksum,
  container,
  disruptionBudget,
  featureVolumes,
  fieldEnv,
  httpProbes,
  metadata,
  mountedFiles,
  persistentVolumeClaim,
  podBasics,
} from "../workload";
import { type GlobalPartArgs, globalWorkload } from "./part";

export interface FederationPrometheusArgs extends GlobalPartArgs {
  readonly replicas: number;
  readonly config: pulumi.Output<string>;
  /** Rule files by name (the global rules, the certificates' expiry). */
  readonly rules: pulumi.Output<Record<string, string>>;
  /** Every region's federation password and CA, the Alertmanager client's and the Query Frontend scraper's, by file name. */
  readonly credentials: pulumi.Output<Record<string, string>>;
  readonly args: pulumi.Output<string[]>;
  readonly sidecarArgs: pulumi.Output<string[]>;
  readonly storageClassName?: string;
}

/** The global federation Prometheus: an HA pair (or more), each replica scraping every region. */
export class FederationPrometheus extends pulumi.ComponentResource {
  constructor(name: string, a: FederationPrometheusArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:FederationPrometheus", name, {}, opts);
    const w = globalWorkload(this, a, opts);
    const config = new k8s.core.v1.ConfigMap(
      `${w.id.name}-config`,
      {
        metadata: metadata(w, `${w.id.name}-config`),
        data: { "prometheus.yml": a.config },
      },
      w.opts,
    );
    const rules = new k8s.core.v1.ConfigMap(
      `${w.id.name}-rules`,
      {
        metadata: metadata(w, `${w.id.name}-rules`),
        data: a.rules,
      },
      w.opts,
    );
    const credentials = new k8s.core.v1.Secret(
      `${w.id.name}-credentials`,
      {
        metadata: metadata(w, `${w.id.name}-credentials`),
        stringData: pulumi.secret(a.credentials),
      },
      w.opts,
    );
    new k8s.core.v1.Service(
      w.id.name,
      {
        metadata: metadata(w, FEDERATION.service),
        spec: { selector: w.selector, ports: [{ name: "web", port: FEDERATION.port, targetPort: FEDERATION.port }] },
      },
      w.opts,
    );
    new k8s.core.v1.Service(
      `${w.id.name}-pods`,
      {
        metadata: metadata(w, FEDERATION.podsService),
        spec: {
          clusterIP: "None",
          selector: w.selector,
          ports: [{ name: "store-api", port: FEDERATION.sidecarGrpcPort, targetPort: FEDERATION.sidecarGrpcPort }],
        },
      },
      w.opts,
    );
    const features = [
      mountedFiles("config", FEDERATION.configDir, { configMap: { name: config.metadata.name } }),
      mountedFiles("rules", FEDERATION.rulesDir, { configMap: { name: rules.metadata.name } }),
      mountedFiles("credentials", FEDERATION.secretsDir, { secret: { secretName: credentials.metadata.name } }),
    ];
    new k8s.apps.v1.StatefulSet(
      w.id.name,
      {
        metadata: metadata(w),
        spec: {
          serviceName: FEDERATION.podsService,
          replicas: a.replicas,
          podManagementPolicy: "Parallel",
          selector: { matchLabels: w.selector },
          template: {
            metadata: {
              labels: w.labels,
              annotations: {
                "monitoring/config-checksum": configChecksum(
                  a.config,
                  a.rules.apply((r) => JSON.stringify(r)),
                ),
              },
            },
            spec: {
              ...podBasics(w),
              affinity: podAntiAffinity(w.selector),
              containers: [
                container({
                  name: "prometheus",
                  image: IMAGES.prometheus,
                  args: a.args,
                  // The replica external label is `${POD_NAME}`, which Prometheus 3 expands from the environment.
                  env: [fieldEnv("POD_NAME", "metadata.name")],
                  ports: [{ name: "web", containerPort: FEDERATION.port }],
                  resources: DEFAULTS.federation.resources,
                  features,
                  volumeMounts: [{ name: "data", mountPath: FEDERATION.dataDir }],
                  probes: httpProbes(FEDERATION.port),
                }),
                container({
                  name: "thanos-sidecar",
                  image: IMAGES.thanos,
                  args: a.sidecarArgs,
                  ports: [
                    { name: "store-api", containerPort: FEDERATION.sidecarGrpcPort },
                    { name: "sidecar-http", containerPort: FEDERATION.sidecarHttpPort },
                  ],
                  resources: DEFAULTS.federation.sidecarResources,
                  volumeMounts: [{ name: "data", mountPath: FEDERATION.dataDir, readOnly: true }],
                  probes: httpProbes(FEDERATION.sidecarHttpPort),
                }),
              ],
              volumes: featureVolumes(features),
            },
          },
          volumeClaimTemplates: [persistentVolumeClaim("data", a.storageClassName, 50, w.labels)],
        },
      },
      w.opts,
    );
    disruptionBudget(w);
    this.registerOutputs({});
  }
}
