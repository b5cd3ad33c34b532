/**
 * The global tier's workloads bound to a layout: the command line each one runs with, from the stack's config
 * and where its files and peers are. The clusters bind the pods' layout (`globalArgs` in ./render.ts), the local
 * topology its directories and loopback ports, so both start every workload through these functions.
 */
import { DEFAULTS } from "../../config/defaults";
import type { GlobalStackConfig } from "../../config/types";
import { type AlertmanagerArgsParams, alertmanagerArgs } from "../alertmanager/args";
import { FEDERATION_RETENTION, federationPrometheusArgs } from "../federation/args";
import { federationSidecarArgs } from "../federation/sidecar";
import type { ThanosListen } from "../thanos/common";
import { thanosQueryArgs } from "../thanos/query";
import { queryFrontendArgs } from "../thanos/query-frontend";
import { FEDERATION } from "./layout";

/** One federation Prometheus replica and its sidecar: every pod has the same in a cluster, each local one its own. */
export interface FederationLayout {
  readonly configFile: string;
  readonly dataDir: string;
  readonly listenAddress: string;
  /** How the replica's sidecar reaches it. */
  readonly prometheusUrl: string;
  readonly sidecarListen: ThanosListen;
}

/** One Alertmanager peer: its files, where it listens and gossips, and the peers it joins (the stack names the mesh). */
export type AlertmanagerLayout = Omit<AlertmanagerArgsParams, "clusterLabel" | "peerTimeout">;

export interface QueryLayout {
  readonly endpointConfigFile: string;
  readonly listen: ThanosListen;
}

export interface FrontendLayout {
  /** Thanos Query's HTTP address, as the frontend reaches it. */
  readonly downstreamUrl: string;
  readonly httpAddress: string;
  readonly httpConfigFile: string;
  readonly responseCacheConfigFile: string;
  /** Vertical sharding of each query (off when absent): the benchmark's query path says whether it pays. */
  readonly verticalShards?: number;
}

/** How soon alerts are sent again and how long a peer waits for the others: the clusters' defaults unless given. */
export interface GlobalTimings {
  readonly alertResendDelay?: string;
  readonly peerTimeout: string;
}

/** The label that names this stack's Alertmanager mesh (`--cluster.label`). */
function meshLabel(config: Pick<GlobalStackConfig, "namePrefix">): string {
  return `${config.namePrefix}-alertmanager`;
}

/** `remoteWriteRegions`: whether any region writes out (its Ruler writes to the federation). */
export function federationArgs(
  layout: FederationLayout,
  timings: GlobalTimings,
  remoteWriteRegions: boolean,
): string[] {
  return federationPrometheusArgs({
    configFile: layout.configFile,
    dataDir: layout.dataDir,
    retention: FEDERATION_RETENTION,
    listenAddress: layout.listenAddress,
    alertResendDelay: timings.alertResendDelay,
    remoteWriteReceiver: remoteWriteRegions,
  });
}

export function federationSidecarWorkloadArgs(layout: FederationLayout): string[] {
  return federationSidecarArgs({ prometheusUrl: layout.prometheusUrl, listen: layout.sidecarListen });
}

export function alertmanagerWorkloadArgs(
  config: Pick<GlobalStackConfig, "namePrefix">,
  layout: AlertmanagerLayout,
  timings: GlobalTimings,
): string[] {
  return alertmanagerArgs({ ...layout, clusterLabel: meshLabel(config), peerTimeout: timings.peerTimeout });
}

/** Thanos Query deduplicates over every region's replica label and the federation's. */
export function queryWorkloadArgs(regionReplicaLabels: readonly string[], layout: QueryLayout): string[] {
  return thanosQueryArgs({
    endpointConfigFile: layout.endpointConfigFile,
    replicaLabels: [...regionReplicaLabels, FEDERATION.replicaLabel],
    listen: layout.listen,
  });
}

export function frontendWorkloadArgs(layout: FrontendLayout): string[] {
  return queryFrontendArgs({ ...layout, splitInterval: DEFAULTS.queryFrontend.splitInterval });
}
