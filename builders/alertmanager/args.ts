import { ALERTMANAGER, alertmanagerPeerHosts } from "../global/layout";
import { alertmanagerFeatures } from "./version";

export interface AlertmanagerArgsParams {
  readonly version: string;
  readonly replicas: number;
  /** Names the mesh, so a peer of another mesh that reaches this one is refused (from 0.26). */
  readonly clusterLabel: string;
}

/**
 * Command line of every peer: each one lists every peer through the headless Service (itself included,
 * which memberlist ignores), advertises its pod IP, and serves HTTPS with basic auth.
 */
export function alertmanagerArgs(p: AlertmanagerArgsParams): string[] {
  if (p.replicas < 3 || p.replicas % 2 === 0) {
    throw new Error(`an Alertmanager mesh needs an odd number of at least 3 peers, not ${p.replicas}`);
  }
  return [
    `--config.file=${ALERTMANAGER.configDir}/alertmanager.yml`,
    `--web.config.file=${ALERTMANAGER.configDir}/web.yml`,
    `--storage.path=${ALERTMANAGER.dataDir}`,
    `--web.listen-address=:${ALERTMANAGER.webPort}`,
    `--cluster.listen-address=0.0.0.0:${ALERTMANAGER.clusterPort}`,
    `--cluster.advertise-address=$(POD_IP):${ALERTMANAGER.clusterPort}`,
    ...alertmanagerPeerHosts(p.replicas).map((host) => `--cluster.peer=${host}:${ALERTMANAGER.clusterPort}`),
    ...(alertmanagerFeatures(p.version).clusterLabel ? [`--cluster.label=${p.clusterLabel}`] : []),
  ];
}
