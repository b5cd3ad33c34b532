import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { GLOBAL_NAMESPACE, RESULTS_CACHE } from "../../builders/global/layout";
import { DEFAULTS } from "../../config/defaults";
import { IMAGES } from "../../versions";
import { container, disruptionBudget, metadata, podBasics, socketProbes, spread, workload } from "../workload";
import type { GlobalPartArgs } from "./part";

/** The memcached image's own non-root user. */
const MEMCACHED_UID = 11211;

/**
 * memcached for the Query Frontend's results, shared by every frontend replica: a result one replica computed
 * is a hit on the others, and a new or restarted replica starts warm (the benchmark measures both). The
 * frontends find the pods through the headless Service; a lost pod costs only the keys it held.
 */
export class ResultsCache extends pulumi.ComponentResource {
  constructor(name: string, args: GlobalPartArgs, opts?: pulumi.ComponentResourceOptions) {
    super("monitoring:global:ResultsCache", name, {}, opts);
    const w = workload(args.id, GLOBAL_NAMESPACE, {
      parent: this,
      provider: args.provider,
      dependsOn: [args.namespace],
    });
    new k8s.core.v1.Service(
      RESULTS_CACHE.service,
      {
        metadata: metadata(w, RESULTS_CACHE.service),
        spec: {
          clusterIP: "None",
          selector: w.selector,
          ports: [{ name: "memcached", port: RESULTS_CACHE.port, targetPort: RESULTS_CACHE.port, protocol: "TCP" }],
        },
      },
      w.opts,
    );
    new k8s.apps.v1.Deployment(
      w.id.name,
      {
        metadata: metadata(w),
        spec: {
          replicas: DEFAULTS.resultsCache.replicas,
          selector: { matchLabels: w.selector },
          template: {
            metadata: { labels: w.labels },
            spec: {
              ...podBasics(w, MEMCACHED_UID),
              ...spread(w.selector),
              containers: [
                container({
                  name: "memcached",
                  image: IMAGES.memcached,
                  // -U 0: no UDP (Thanos speaks TCP); -I: the largest item the frontend stores.
                  args: [
                    "-m",
                    String(DEFAULTS.resultsCache.memoryMiB),
                    "-p",
                    String(RESULTS_CACHE.port),
                    "-U",
                    "0",
                    "-I",
                    DEFAULTS.resultsCache.maxItemSize.replace("MiB", "m"),
                  ],
                  ports: [{ name: "memcached", containerPort: RESULTS_CACHE.port }],
                  resources: DEFAULTS.resultsCache.resources,
                  probes: socketProbes(RESULTS_CACHE.port),
                }),
              ],
            },
          },
        },
      },
      w.opts,
    );
    disruptionBudget(w);
    this.registerOutputs({});
  }
}
