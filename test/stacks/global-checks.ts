/**
 * How the global stack wires one region, read from its recorded graph: what it places into the regional
 * cluster (load balancers, the Alertmanager targets file) and how its own configs name the region
 * (federation job, Thanos Query endpoints, Grafana datasource).
 */
import * as assert from "node:assert";
import * as YAML from "yaml";
import type { GlobalStackConfig } from "../../config";
import type { RegionalOutputs } from "../../contracts/regional-outputs";
import type { ProgramRun, StackReferenceOutputs } from "../harness/program";
import { gatewayRoutes } from "../../builders/gateway/routes";
import { revealed } from "../harness/mocks";
import { K8S, type Resource, ofType, providerOf } from "./graph";

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
      {
        ...answer,
        outputs: {
          ...answer.outputs,
          egressCidrs: answer.outputs.egressCidrs.map((_: string, i: number) => `198.18.${n}.${i + 1}/32`),
        },
      },
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
export function globalFiles(
  run: ProgramRun,
  config: GlobalStackConfig,
): { object: Resource; key: string; content: any }[] {
  const provider = `kubernetes/${config.namePrefix}-k8s`;
  return [...onProvider(run, K8S.configMap, provider), ...onProvider(run, K8S.secret, provider)].flatMap((object) =>
    Object.entries(revealed<Record<string, string>>(object.args.data ?? object.args.stringData ?? {})).flatMap(
      ([key, text]) => {
        try {
          return [{ object, key, content: YAML.parse(text) }];
        } catch {
          return [];
        }
      },
    ),
  );
}

/** The one file of the global cluster for which `is` holds. */
export function globalFile(
  run: ProgramRun,
  config: GlobalStackConfig,
  what: string,
  is: (content: any) => boolean,
): any {
  const found = globalFiles(run, config).filter((f) => f.content && typeof f.content === "object" && is(f.content));
  assert.strictEqual(
    found.length,
    1,
    `expected one ${what} in the global cluster's ConfigMaps and Secrets, found ${found.map((f) => `${f.object.name}/${f.key}`)}`,
  );
  return found[0].content;
}

export const federationConfig = (run: ProgramRun, config: GlobalStackConfig) =>
  globalFile(
    run,
    config,
    "federation Prometheus config",
    (c) => Array.isArray(c.scrape_configs) && c.scrape_configs.some((j: any) => j.metrics_path === "/federate"),
  );
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
export function assertRegionWiring(
  run: ProgramRun,
  config: GlobalStackConfig,
  region: string,
  outputs: RegionalOutputs,
): void {
  const provider = regionProvider(config, region);
  const services = onProvider(run, K8S.service, provider);
  const sourceRanges = (s: Resource) => [...s.args.spec.loadBalancerSourceRanges].sort();

  // One load balancer for the region, in front of its gateway, exposing federation and StoreAPI only and
  // admitting the global cluster's egress only; nothing else is exposed, however many pods the region runs.
  assert.strictEqual(services.length, 1, `${region}: one load balancer, not one per pod`);
  const [lb] = services;
  assert.strictEqual(lb.args.spec.type, "LoadBalancer");
  assert.strictEqual(lb.args.metadata.namespace, outputs.namespace);
  assert.deepStrictEqual(
    lb.args.spec.selector,
    outputs.gatewaySelector,
    `${region}: the load balancer selects the gateway's pods`,
  );
  assert.deepStrictEqual(
    lb.args.spec.ports.map((p: any) => p.port).sort(),
    [outputs.federationPort, outputs.storeApiPort].sort(),
  );
  assert.deepStrictEqual(sourceRanges(lb), globalEgress(run), `${region}: admits the global cluster only`);
  const gatewayAddress = loadBalancerAddress(lb);
  const routes = gatewayRoutes(outputs.prometheusPods, outputs.tlsServerName);

  // The Alertmanager targets file every Prometheus of the region reads, listing every peer.
  const targets = onProvider(run, K8S.configMap, provider);
  assert.strictEqual(targets.length, 1, `${region}: one ConfigMap written into the region`);
  const targetsMap = targets[0].args;
  assert.strictEqual(targetsMap.metadata.name, outputs.alertmanagerTargetsConfigMap);
  assert.strictEqual(targetsMap.metadata.namespace, outputs.namespace);
  const groups = JSON.parse(targetsMap.data[outputs.alertmanagerTargetsKey]);
  const peers = alertmanagerPeerServices(run, config)
    .map((s) => `${loadBalancerAddress(s)}:9093`)
    .sort();
  assert.strictEqual(peers.length, config.alerting.replicas);
  assert.deepStrictEqual(
    groups.flatMap((g: { targets: string[] }) => g.targets).sort(),
    peers,
    `${region}: every Alertmanager peer, each directly`,
  );

  // The federation job scrapes each pod of the region through the gateway, each under its own path.
  const jobs = federationJobs(run, config).filter((j) => j.job_name === `federate-${region}`);
  assert.strictEqual(jobs.length, 1, `${region}: one federation job`);
  const [job] = jobs;
  assert.strictEqual(job.honor_labels, true);
  const match: string[] = job.params["match[]"];
  assert.ok(match.length > 0, `${region}: the federation asks for named series`);
  for (const selector of match)
    assert.ok(isSelective(selector), `${region}: federation selector ${selector} pulls every series`);
  const jobTargets = job.static_configs.map((s: { targets: string[]; labels: Record<string, string> }) =>
    [s.targets.join(","), s.labels.__metrics_path__, s.labels.instance].join(" "),
  );
  assert.deepStrictEqual(
    jobTargets,
    outputs.prometheusPods.map(
      (p) => `${gatewayAddress}:${outputs.federationPort} /${p.podName}/federate ${p.podName}`,
    ),
  );
  assert.strictEqual(job.scheme, "https");
  assert.strictEqual(job.tls_config.server_name, outputs.tlsServerName);
  assert.strictEqual(job.basic_auth.username, outputs.federationUsername);

  // Thanos Query reaches every sidecar and the store gateway of the region over mutual TLS, each by its own
  // name in the global cluster that leads to the gateway, and asks the gateway for it by TLS server name.
  const serverNames = routes.storeApi.map((r) => r.serverName);
  const endpoints = queryEndpoints(run, config).filter((e) => serverNames.includes(e.client_config?.server_name));
  assert.deepStrictEqual(
    endpoints.map((e) => e.client_config.server_name).sort(),
    [...serverNames].sort(),
    `${region}: one endpoint per StoreAPI`,
  );
  const aliases = onProvider(run, K8S.service, `kubernetes/${config.namePrefix}-k8s`).filter((s) =>
    s.args.metadata.name.startsWith(`store-api-${region}-`),
  );
  assert.strictEqual(aliases.length, serverNames.length, `${region}: one name in the global cluster per StoreAPI`);
  for (const alias of aliases) {
    assert.notStrictEqual(
      alias.args.spec.type,
      "LoadBalancer",
      `${region}: ${alias.args.metadata.name} is no load balancer`,
    );
    if (alias.args.spec.type === "ExternalName") assert.strictEqual(alias.args.spec.externalName, gatewayAddress);
  }
  const slices = ofType(run, "kubernetes:discovery.k8s.io/v1:EndpointSlice").filter((s) =>
    s.args.metadata.name.startsWith(`store-api-${region}-`),
  );
  for (const slice of slices)
    assert.deepStrictEqual(
      slice.args.endpoints,
      [{ addresses: [gatewayAddress] }],
      `${region}: ${slice.args.metadata.name} leads to the gateway`,
    );
  assert.strictEqual(
    new Set(endpoints.map((e) => e.address)).size,
    endpoints.length,
    `${region}: Thanos Query would drop endpoints sharing an address`,
  );
  const expectedStores = endpoints.map((e) => e.address);
  for (const e of endpoints) {
    const tls = e.client_config.tls_config;
    assert.strictEqual(tls.enabled, true);
    assert.ok(tls.cert_file && tls.key_file && tls.ca_file, `${region}: client certificate and the region's CA`);
  }

  // Grafana has a datasource for the region, restricted to the region's StoreAPIs.
  const regionSources = datasources(run, config).filter((d) => d.name.includes(region));
  assert.strictEqual(regionSources.length, 1, `${region}: one Grafana datasource`);
  const storeMatch = decodeURIComponent(regionSources[0].jsonData.customQueryParameters ?? "").replace(/\\/g, "");
  for (const address of expectedStores)
    assert.ok(storeMatch.includes(address), `${region}: the datasource reads ${address}`);
}
