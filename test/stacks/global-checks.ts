/**
 * How the global stack wires one region, read from its recorded graph: what it places into the regional
 * cluster (load balancers, the Alertmanager targets file) and how its own configs name the region
 * (federation job, Thanos Query endpoints, Grafana datasource).
 */
import * as assert from "assert";
import * as YAML from "yaml";
import type { GlobalStackConfig } from "../../config";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import type { ProgramRun, StackReferenceOutputs } from "../harness/program";
import { revealed } from "../harness/mocks";
import { K8S, Resource, ofType, providerOf } from "./graph";

const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";

/**
 * The mocks number the addresses they hand out from the start in every process, so each regional stack
 * and the global one get the same egress addresses. Gives each region its own (198.18.<n>.x, a benchmarking
 * range no mock hands out) so a test can tell which stack's addresses a load balancer admits.
 */
export function withDistinctRegionEgress(references: StackReferenceOutputs): StackReferenceOutputs {
  return Object.fromEntries(
    Object.entries(references).map(([reference, answer], n) => [
      reference,
      { ...answer, outputs: { ...answer.outputs, egressCidrs: answer.outputs.egressCidrs.map((_: string, i: number) => `198.18.${n}.${i + 1}/32`) } },
    ]),
  );
}

/** The addresses the global cluster's pods leave from (NAT), as /32s. */
export function globalEgress(run: ProgramRun): string[] {
  const aws = ofType(run, "aws:ec2/eip:Eip").map((e) => e.state.publicIp);
  const gcp = ofType(run, "gcp:compute/address:Address").map((a) => a.state.address);
  return [...aws, ...gcp].map((ip) => `${ip}/32`).sort();
}

/** The address the mocked cloud gave a load-balancer Service. */
export function loadBalancerAddress(service: Resource): string {
  const ingress = service.state.status.loadBalancer.ingress[0];
  return ingress.ip ?? ingress.hostname;
}

/** The name of the Kubernetes provider the global stack builds for a region's cluster. */
export function regionProvider(config: GlobalStackConfig, region: string): string {
  return `kubernetes/${config.namePrefix}-${region}-k8s`;
}

export function onProvider(run: ProgramRun, type: string, provider: string): Resource[] {
  return ofType(run, type).filter((r) => providerOf(r) === provider);
}

/** Every file of the global cluster's ConfigMaps and Secrets, parsed when it is YAML or JSON. */
export function globalFiles(run: ProgramRun, config: GlobalStackConfig): { object: Resource; key: string; content: any }[] {
  const provider = `kubernetes/${config.namePrefix}-k8s`;
  return [...onProvider(run, K8S.configMap, provider), ...onProvider(run, K8S.secret, provider)].flatMap((object) =>
    Object.entries(revealed<Record<string, string>>(object.args.data ?? object.args.stringData ?? {})).flatMap(([key, text]) => {
      try {
        return [{ object, key, content: YAML.parse(text) }];
      } catch {
        return [];
      }
    }),
  );
}

/** The one file of the global cluster for which `is` holds. */
export function globalFile(run: ProgramRun, config: GlobalStackConfig, what: string, is: (content: any) => boolean): any {
  const found = globalFiles(run, config).filter((f) => f.content && typeof f.content === "object" && is(f.content));
  assert.strictEqual(found.length, 1, `expected one ${what} in the global cluster's ConfigMaps and Secrets, found ${found.map((f) => `${f.object.name}/${f.key}`)}`);
  return found[0].content;
}

export const federationConfig = (run: ProgramRun, config: GlobalStackConfig) =>
  globalFile(run, config, "federation Prometheus config", (c) => Array.isArray(c.scrape_configs) && c.scrape_configs.some((j: any) => j.metrics_path === "/federate"));
export const queryEndpoints = (run: ProgramRun, config: GlobalStackConfig): any[] =>
  globalFile(run, config, "Thanos Query endpoint config", (c) => Array.isArray(c.endpoints)).endpoints;
export const datasources = (run: ProgramRun, config: GlobalStackConfig): any[] =>
  globalFile(run, config, "Grafana datasource provisioning", (c) => Array.isArray(c.datasources)).datasources;

/** The federation jobs, by the region their targets belong to. */
export function federationJobs(run: ProgramRun, config: GlobalStackConfig): any[] {
  return federationConfig(run, config).scrape_configs.filter((j: any) => j.metrics_path === "/federate");
}

/**
 * Whether a federation selector asks for named series only. A selector whose `__name__` matcher is missing
 * or matches any name (`.+`, `.*`) pulls every series of the region.
 */
export function isSelective(selector: string): boolean {
  const name = /__name__\s*(=~|=)\s*"([^"]*)"/.exec(selector);
  if (!name) return false;
  const [, op, value] = name;
  if (op === "=") return value !== "";
  return value !== "" && !/^\.[*+]/.test(value) && !/\|\.[*+]/.test(value);
}

/** The Alertmanager peers' own load balancers, one per peer. */
export function alertmanagerPeerServices(run: ProgramRun, config: GlobalStackConfig): Resource[] {
  return onProvider(run, K8S.service, `kubernetes/${config.namePrefix}-k8s`).filter(
    (s) => s.args.spec.type === "LoadBalancer" && s.args.spec.selector[POD_NAME_LABEL]?.startsWith("alertmanager-"),
  );
}

/** Asserts everything the global stack must do for one region, from that region's outputs. */
export function assertRegionWiring(run: ProgramRun, config: GlobalStackConfig, region: string, outputs: RegionalOutputs): void {
  const provider = regionProvider(config, region);
  const services = onProvider(run, K8S.service, provider);
  const sourceRanges = (s: Resource) => [...s.args.spec.loadBalancerSourceRanges].sort();

  // One load balancer per Prometheus pod, admitting the global cluster's egress only.
  const podAddresses: string[] = [];
  for (const pod of outputs.prometheusPods) {
    const lbs = services.filter((s) => s.args.spec.selector[POD_NAME_LABEL] === pod.podName);
    assert.strictEqual(lbs.length, 1, `${region}: one load balancer for pod ${pod.podName}`);
    const [lb] = lbs;
    assert.strictEqual(lb.args.spec.type, "LoadBalancer");
    assert.strictEqual(lb.args.metadata.namespace, outputs.namespace);
    for (const [k, v] of Object.entries(outputs.prometheusSelector)) assert.strictEqual(lb.args.spec.selector[k], v, `${region}/${pod.podName}: selector ${k}`);
    const ports = lb.args.spec.ports.map((p: any) => p.port).sort();
    assert.deepStrictEqual(ports, [outputs.federationPort, outputs.storeApiPort].sort());
    assert.deepStrictEqual(sourceRanges(lb), globalEgress(run), `${region}/${pod.podName}: admits the global cluster only`);
    podAddresses.push(loadBalancerAddress(lb));
  }
  const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
  const stores = services.filter((s) => sameLabels(s.args.spec.selector, outputs.storeGatewaySelector));
  assert.strictEqual(stores.length, 1, `${region}: one store gateway load balancer`);
  assert.strictEqual(stores[0].args.spec.type, "LoadBalancer");
  assert.deepStrictEqual(stores[0].args.spec.ports.map((p: any) => p.port), [outputs.storeApiPort]);
  assert.deepStrictEqual(sourceRanges(stores[0]), globalEgress(run), `${region}: the store gateway admits the global cluster only`);
  assert.strictEqual(services.length, outputs.prometheusPods.length + 1, `${region}: nothing else is exposed`);
  const storeAddress = loadBalancerAddress(stores[0]);

  // The Alertmanager targets file every Prometheus of the region reads, listing every peer.
  const targets = onProvider(run, K8S.configMap, provider);
  assert.strictEqual(targets.length, 1, `${region}: one ConfigMap written into the region`);
  const targetsMap = targets[0].args;
  assert.strictEqual(targetsMap.metadata.name, outputs.alertmanagerTargetsConfigMap);
  assert.strictEqual(targetsMap.metadata.namespace, outputs.namespace);
  const groups = JSON.parse(targetsMap.data[outputs.alertmanagerTargetsKey]);
  const peers = alertmanagerPeerServices(run, config).map((s) => `${loadBalancerAddress(s)}:9093`).sort();
  assert.strictEqual(peers.length, config.alerting.replicas);
  assert.deepStrictEqual(groups.flatMap((g: { targets: string[] }) => g.targets).sort(), peers, `${region}: every Alertmanager peer, each directly`);

  // The federation job scrapes each pod of the region through its own load balancer.
  const jobs = federationJobs(run, config).filter((j) => j.job_name === `federate-${region}`);
  assert.strictEqual(jobs.length, 1, `${region}: one federation job`);
  const [job] = jobs;
  assert.strictEqual(job.honor_labels, true);
  const match: string[] = job.params["match[]"];
  assert.ok(match.length > 0, `${region}: the federation asks for named series`);
  for (const selector of match) assert.ok(isSelective(selector), `${region}: federation selector ${selector} pulls every series`);
  const jobTargets = job.static_configs.flatMap((s: { targets: string[] }) => s.targets).sort();
  assert.deepStrictEqual(jobTargets, podAddresses.map((a) => `${a}:${outputs.federationPort}`).sort());
  assert.strictEqual(job.scheme, "https");
  assert.strictEqual(job.tls_config.server_name, outputs.tlsServerName);
  assert.strictEqual(job.basic_auth.username, outputs.federationUsername);

  // Thanos Query reaches every sidecar and the store gateway of the region over mutual TLS.
  const endpoints = queryEndpoints(run, config).filter((e) => e.client_config?.server_name === outputs.tlsServerName);
  const expectedStores = [...podAddresses, storeAddress].map((a) => `${a}:${outputs.storeApiPort}`).sort();
  assert.deepStrictEqual(endpoints.map((e) => e.address).sort(), expectedStores, `${region}: Thanos Query endpoints`);
  for (const e of endpoints) {
    const tls = e.client_config.tls_config;
    assert.strictEqual(tls.enabled, true);
    assert.ok(tls.cert_file && tls.key_file && tls.ca_file, `${region}: client certificate and the region's CA`);
  }

  // Grafana has a datasource for the region, restricted to the region's StoreAPIs.
  const regionSources = datasources(run, config).filter((d) => d.name.includes(region));
  assert.strictEqual(regionSources.length, 1, `${region}: one Grafana datasource`);
  const storeMatch = decodeURIComponent(regionSources[0].jsonData.customQueryParameters ?? "").replace(/\\/g, "");
  for (const address of expectedStores) assert.ok(storeMatch.includes(address), `${region}: the datasource reads ${address}`);
}
