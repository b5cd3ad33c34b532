import type { PolicyResource } from "@pulumi/policy";
import { contents } from "../../lib/mounts";
import { propertyPolicy } from "../../lib/policy";
import { K8S } from "../../lib/types";
import { parseYaml } from "../../lib/yaml";

/** A job's setting, else the global one (Prometheus' own inheritance). */
function setting(job: any, global: any, key: string): unknown {
  return job?.[key] ?? global?.[key];
}

/** What is wrong with the histogram settings of one Prometheus config, by job. */
function histogramProblems(file: string, config: any): string[] {
  const global = config.global ?? {};
  const problems: string[] = [];
  for (const job of config.scrape_configs as any[]) {
    const name = `${file}: job '${job?.job_name}'`;
    const native = setting(job, global, "scrape_native_histograms") === true;
    const federates = job?.metrics_path === "/federate";
    // /federate serves a classic histogram's stored series (`_bucket`, `_sum`, `_count`) as plain samples, never
    // as one histogram beside a native one: there is nothing for always_scrape_classic_histograms to keep.
    if (native && !federates && setting(job, global, "always_scrape_classic_histograms") !== true)
      problems.push(
        `${name} scrapes native histograms without always_scrape_classic_histograms: true, so the classic _bucket series of every histogram also exposed natively vanish, and the queries that read them (histogram_quantile over sum by (le)) go empty`,
      );
    if (federates) {
      const protocols = setting(job, global, "scrape_protocols");
      const protobufFirst = Array.isArray(protocols) && protocols[0] === "PrometheusProto";
      if (!native || !protobufFirst)
        problems.push(
          `${name} federates without scrape_native_histograms: true and scrape_protocols led by PrometheusProto: /federate leaves native histograms out of a text answer, so they vanish from the federation silently`,
        );
    }
  }
  return problems;
}

/**
 * Native histograms reach a dashboard only when every scrape on their way keeps them: a regional Prometheus
 * that scrapes them must keep the classic buckets the classic queries read, and a federation job must ask
 * /federate for protobuf, the only format it serves them in.
 */
export const nativeHistogramScraping = propertyPolicy({
  name: "k8s-native-histograms-kept",
  description:
    "A Prometheus config that scrapes native histograms keeps classic buckets too, and every /federate job asks for protobuf first with native histograms on.",
  types: [K8S.configMap, K8S.secret],
  violations: (props, _config, args) => {
    const problems: string[] = [];
    for (const [file, text] of Object.entries(contents({ ...args, props } as unknown as PolicyResource))) {
      if (typeof text !== "string") continue;
      const config = parseYaml(text);
      if (config && typeof config === "object" && Array.isArray(config.scrape_configs))
        problems.push(...histogramProblems(file, config));
    }
    return problems;
  },
});
