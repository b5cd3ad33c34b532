/**
 * The global tier's ingestion on loopback, through the layout-bound wiring the clusters bind
 * (builders/global/receive.ts): the Receive hashring (replication factor 3, the regions' tenant limits, the
 * tenant read from the agents' certificates) on a bucket of its own, and per remote-write region its
 * tenant-scoped Query and the Ruler pair that evaluates its rules over it, writing the recorded series to
 * every federation replica and its alerts to every Alertmanager peer.
 */
import * as path from "node:path";
import {
  type ReceiveLayout,
  type RuledRegion,
  type RulerLayout,
  globalReceiveLimits,
  receiveHashringOf,
  receiveWorkloadArgs,
  rulerAlertmanagers,
  rulerQueryEndpoints,
  rulerQueryWorkloadArgs,
  rulerRemoteWrite,
  rulerRules,
  rulerWorkloadArgs,
} from "../builders/global/receive";
import { ALERTMANAGER } from "../builders/global/layout";
import { REPLICA_LABEL } from "../builders/regional/layout";
import { objstoreConfig } from "../builders/thanos/objstore";
import { rulerQueryConfig } from "../builders/thanos/rule";
import { toYaml } from "../builders/yaml";
import type { Binaries } from "./binaries";
import type { ServerAccess } from "./client";
import { LOCAL_OBJECT_STORES, NO_METADATA_ENV } from "./object-stores";
import type { Pki } from "./pki";
import type { LocalIngestion, LocalPlan, LocalWritingRegion } from "./plan";
import { address } from "./ports";
import type { RenderedWritingRegion } from "./render-writing-region";
import { type Credentials, httpAccess, listen, withLocalAlertFor, write } from "./render-support";
import { LOCAL_TIMING } from "./settings";
import type { ProcessSpec } from "./supervisor";
import { tokenUrl } from "./token-server";

/** Receive's server certificate: issued under the one chain every region's alerting CA certifies. */
export interface ReceiveServerTls {
  readonly chain: string;
  readonly key: string;
}

export interface RenderedIngestion {
  readonly receiveSpecs: readonly ProcessSpec[];
  readonly rulerQuerySpecs: readonly ProcessSpec[];
  readonly rulerSpecs: readonly ProcessSpec[];
  /** The HTTP side of Receive, the tenant Queries and the Rulers, by process name. */
  readonly thanos: ReadonlyMap<string, ServerAccess>;
  /** Every Receive's StoreAPI, for the global Thanos Query. */
  readonly storeApiEndpoints: readonly string[];
}

/** What a remote-write region's rendering gives the global tier: its CA and its alerting user. */
export type WritingRegionRender = RenderedWritingRegion & { readonly region: LocalWritingRegion };

/** The region as the global tier knows it from its outputs (its external labels, replica label, alerting user). */
function ruledRegion(region: LocalWritingRegion): RuledRegion {
  return {
    region: region.name,
    externalLabels: { region: region.name, cloud: region.config.cloud, cluster: region.config.cluster.name },
    replicaLabel: REPLICA_LABEL,
    alertingUsername: region.plan.alertingUsername,
  };
}

function renderReceives(
  plan: LocalPlan,
  ingestion: LocalIngestion,
  regions: readonly WritingRegionRender[],
  serverTls: ReceiveServerTls,
  pki: Pki,
  binaries: Binaries,
) {
  const config = plan.global.config;
  const dir = ingestion.dir;
  const store = LOCAL_OBJECT_STORES[ingestion.bucket.emulator.cloud];
  const emulatorPort = ingestion.bucket.emulator.port;
  const objstoreFile = write(
    path.join(dir, "objstore.yaml"),
    toYaml(
      objstoreConfig(store.location(ingestion.bucket.name, config.region, emulatorPort, tokenUrl(plan.tokenPort))),
    ),
    0o600,
  );
  const env = { ...process.env, ...NO_METADATA_ENV, ...store.env(emulatorPort) };
  const storeApiEndpoints = ingestion.receives.map((r) => address(r.grpcPort));
  // Thanos reads the hashrings file as JSON.
  const hashringsFile = write(
    path.join(dir, "hashrings.json"),
    `${JSON.stringify(receiveHashringOf(storeApiEndpoints), null, 2)}\n`,
  );
  const limitsConfigFile = write(
    path.join(dir, "limits.yaml"),
    toYaml(
      globalReceiveLimits(
        config,
        regions.map((r) => r.region.name),
      ),
    ),
  );
  const clientCaFile = pki.bundle(
    "receive-clients-ca.crt",
    regions.map((r) => r.caFile),
  );
  const thanos = new Map<string, ServerAccess>();
  const specs = ingestion.receives.map((receive): ProcessSpec => {
    const layout: ReceiveLayout = {
      listen: listen(receive),
      remoteWriteAddress: address(receive.remoteWritePort),
      remoteWriteTls: { certFile: serverTls.chain, keyFile: serverTls.key, clientCaFile },
      tsdbPath: path.join(receive.dir, "data"),
      objstoreConfigFile: objstoreFile,
      hashringsFile,
      limitsConfigFile,
      localEndpoint: address(receive.grpcPort),
      replica: receive.name,
      capnprotoAddress: address(receive.capnprotoPort),
    };
    thanos.set(receive.name, httpAccess(receive.httpPort));
    return { name: receive.name, command: binaries.thanos, env, args: receiveWorkloadArgs(config, layout) };
  });
  return { specs, thanos, storeApiEndpoints };
}

/** A region's tenant Query over every Receive, and its Ruler pair over that Query. */
function renderRulers(
  plan: LocalPlan,
  render: WritingRegionRender,
  receiveEndpoints: readonly string[],
  alertingCaFile: string,
  alerting: Credentials,
  binaries: Binaries,
) {
  const { region } = render;
  const ruled = ruledRegion(region);
  const env = { ...process.env, ...NO_METADATA_ENV };
  const query = region.rulerQuery;
  const querySpec: ProcessSpec = {
    name: query.name,
    command: binaries.thanos,
    env,
    args: rulerQueryWorkloadArgs(ruled, {
      endpointConfigFile: write(path.join(query.dir, "endpoints.yaml"), toYaml(rulerQueryEndpoints(receiveEndpoints))),
      listen: listen(query),
    }),
  };
  const configDir = path.join(plan.global.dir, `rule-${region.name}`);
  const rulesDir = path.join(configDir, "rules");
  for (const [name, rules] of Object.entries(rulerRules(region.config.alerts)))
    write(path.join(rulesDir, name), toYaml(withLocalAlertFor(rules)));
  const queryConfigFile = write(
    path.join(configDir, "query.yaml"),
    toYaml(rulerQueryConfig([address(query.httpPort)])),
  );
  const alertmanagersConfigFile = write(
    path.join(configDir, "alertmanagers.yaml"),
    toYaml(
      rulerAlertmanagers(ruled, {
        addresses: plan.global.alertmanagers.map((am) => address(am.webPort)),
        passwordFile: alerting.passwordFile,
        caFile: alertingCaFile,
        serverName: ALERTMANAGER.tlsServerName,
      }),
    ),
  );
  const remoteWriteConfigFile = write(
    path.join(configDir, "remote-write.yaml"),
    toYaml(rulerRemoteWrite(plan.global.federation.map((f) => `http://${address(f.port)}`))),
  );
  const thanos = new Map<string, ServerAccess>([[query.name, httpAccess(query.httpPort)]]);
  const rulerSpecs = region.rulers.map((ruler): ProcessSpec => {
    const layout: RulerLayout = {
      listen: listen(ruler),
      dataDir: path.join(ruler.dir, "data"),
      ruleFiles: path.join(rulesDir, "*.yaml"),
      queryConfigFile,
      alertmanagersConfigFile,
      remoteWriteConfigFile,
      replica: ruler.replica,
    };
    thanos.set(ruler.name, httpAccess(ruler.httpPort));
    return {
      name: ruler.name,
      command: binaries.thanos,
      env,
      args: rulerWorkloadArgs(ruled, LOCAL_TIMING.evaluationInterval, layout),
    };
  });
  return { querySpec, rulerSpecs, thanos };
}

/** Writes Receive's and the Rulers' files and returns their processes. */
export function renderIngestion(
  plan: LocalPlan,
  ingestion: LocalIngestion,
  regions: readonly WritingRegionRender[],
  serverTls: ReceiveServerTls,
  alertingCaByRegion: ReadonlyMap<string, string>,
  pki: Pki,
  binaries: Binaries,
): RenderedIngestion {
  const receives = renderReceives(plan, ingestion, regions, serverTls, pki, binaries);
  const rulers = regions.map((r) =>
    renderRulers(
      plan,
      r,
      receives.storeApiEndpoints,
      alertingCaByRegion.get(r.region.name) as string,
      r.alerting,
      binaries,
    ),
  );
  return {
    receiveSpecs: receives.specs,
    rulerQuerySpecs: rulers.map((r) => r.querySpec),
    rulerSpecs: rulers.flatMap((r) => r.rulerSpecs),
    thanos: new Map([...receives.thanos, ...rulers.flatMap((r) => [...r.thanos])]),
    storeApiEndpoints: receives.storeApiEndpoints,
  };
}
