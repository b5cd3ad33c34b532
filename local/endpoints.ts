import { type LocalRegionBase, address } from "./plan";
import type { Topology } from "./topology";

/** One server a user can open: where it is and how to authenticate. */
export interface Endpoint {
  readonly name: string;
  readonly role: string;
  readonly url: string;
  /** Present for HTTPS servers with basic auth. */
  readonly username?: string;
  readonly passwordFile?: string;
  readonly caFile?: string;
}

export interface Endpoints {
  /** The run's directory: configs, TLS material, data and each process's log (logs/<name>.log). */
  readonly root: string;
  readonly endpoints: readonly Endpoint[];
}

/** A region's node-exporter, the control port of its synthetic fleet and each of its targets. */
function exporterEndpoints(region: LocalRegionBase): Endpoint[] {
  return [
    {
      name: region.nodeExporter.name,
      role: `${region.name} node-exporter`,
      url: `http://${address(region.nodeExporter.port)}/metrics`,
    },
    {
      name: region.fleet.name,
      role: `${region.name} fleet control (POST /targets/<port>/fail|recover)`,
      url: `http://${address(region.fleet.controlPort)}`,
    },
    ...region.fleet.targetPorts.map((port, i) => ({
      name: `${region.fleet.name}-target-${i}`,
      role: `${region.name} synthetic service`,
      url: `http://${address(port)}/metrics`,
    })),
  ];
}

/** The machine-readable list of the topology's endpoints (written to .local/endpoints.json). */
export function endpoints(topology: Topology): Endpoints {
  const list: Endpoint[] = [];
  const server = (name: string, role: string) => {
    const { url, username, passwordFile, caFile } = topology.access(name);
    list.push({ name, role, url, username, passwordFile, caFile });
  };
  for (const region of topology.plan.regions) {
    for (const p of region.prometheus)
      server(p.name, `${region.name} Prometheus shard ${p.shard} replica ${p.replica}`);
    list.push(...exporterEndpoints(region));
    for (const p of region.prometheus)
      server(
        p.sidecar.name,
        `${region.name} Thanos sidecar of shard ${p.shard} replica ${p.replica} (StoreAPI grpc://${address(p.sidecar.grpcPort)}, mutual TLS)`,
      );
    for (const s of region.stores)
      server(s.name, `${region.name} Thanos store gateway (StoreAPI grpc://${address(s.grpcPort)}, mutual TLS)`);
    server(region.compactor.name, `${region.name} Thanos compactor of bucket ${region.bucket.name}`);
    const gw = region.gateway;
    for (const g of gw.replicas) {
      list.push({
        name: g.name,
        role: `${region.name} gateway (federation https://${address(gw.federationPort)}/<pod>/federate, StoreAPI by TLS server name); its metrics`,
        url: `${topology.access(g.name).url}/metrics`,
      });
    }
    list.push({
      name: `${region.name}-bucket`,
      role: `${region.name} bucket ${region.bucket.name} on ${region.bucket.emulator.name}`,
      url: `http://${address(region.bucket.emulator.port)}/${region.bucket.name}`,
    });
  }
  for (const region of topology.plan.writingRegions) {
    for (const a of region.agents)
      server(a.name, `${region.name} Prometheus agent shard ${a.shard} replica ${a.replica} (writes to Receive)`);
    list.push(...exporterEndpoints(region));
    server(region.rulerQuery.name, `Thanos Query of ${region.name}'s tenant (what its Rulers evaluate over)`);
    for (const r of region.rulers)
      server(r.name, `Thanos Ruler of ${region.name} (its rules, written to the federation)`);
  }
  const ingestion = topology.plan.global.ingestion;
  if (ingestion) {
    for (const r of ingestion.receives)
      server(
        r.name,
        `Thanos Receive (StoreAPI grpc://${address(r.grpcPort)}, remote write https://${address(r.remoteWritePort)})`,
      );
    list.push({
      name: "receive-ingress",
      role: "the remote-write regions' endpoint: TLS passed through to a live Receive",
      url: `https://${address(ingestion.ingressPort)}/api/v1/receive`,
    });
  }
  for (const f of topology.plan.global.federation) {
    server(f.name, "global federation Prometheus");
    server(f.sidecar.name, `Thanos sidecar of ${f.name} (StoreAPI grpc://${address(f.sidecar.grpcPort)})`);
  }
  server(topology.plan.global.query.name, "Thanos Query (every region, deduplicated)");
  server(topology.plan.global.frontend.name, "Thanos Query Frontend (HTTPS): what Grafana queries");
  for (const am of topology.plan.global.alertmanagers) server(am.name, "global Alertmanager peer");
  list.push({
    name: "webhook",
    role: "webhook receiver (GET /notifications)",
    url: `http://${address(topology.plan.global.webhookPort)}/notifications`,
  });
  return { root: topology.plan.root, endpoints: list };
}

/** The endpoints as an aligned text table, synthetic targets folded into one line per region. */
export function endpointsTable(e: Endpoints): string {
  const rows = e.endpoints.filter((x) => !/-target-\d+$/.test(x.name) || x.name.endsWith("-target-0"));
  const cells = rows.map((x) => [
    x.name.replace(/-target-0$/, "-targets"),
    x.role,
    x.url,
    x.username ? `${x.username} / ${x.passwordFile}` : "",
  ]);
  const header = ["NAME", "ROLE", "URL", "BASIC AUTH (user / password file)"];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(header), ...cells.map(line), `TLS CAs and logs are under ${e.root}`].join("\n");
}
