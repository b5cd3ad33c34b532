export interface AlertmanagerArgsParams {
  readonly configFile: string;
  readonly webConfigFile: string;
  readonly dataDir: string;
  /** `host:port` of the HTTPS API (`:9093` in a pod: every interface). */
  readonly webListenAddress: string;
  readonly clusterListenAddress: string;
  /** The gossip address the other peers reach this one at (`$(POD_IP):9094` in a pod). */
  readonly clusterAdvertiseAddress: string;
  /** Every peer's gossip `host:port`, this one included (memberlist ignores itself). */
  readonly peers: readonly string[];
  /** Names the mesh, so a peer of another mesh that reaches this one is refused. */
  readonly clusterLabel: string;
  /** How long a peer waits for the peers before it to notify; Alertmanager's default unless given. */
  readonly peerTimeout?: string;
}

/** Command line of every peer of the mesh: gossip with every peer, HTTPS with basic auth. */
export function alertmanagerArgs(p: AlertmanagerArgsParams): string[] {
  if (p.peers.length < 3 || p.peers.length % 2 === 0) {
    throw new Error(`an Alertmanager mesh needs an odd number of at least 3 peers, not ${p.peers.length}`);
  }
  return [
    `--config.file=${p.configFile}`,
    `--web.config.file=${p.webConfigFile}`,
    `--storage.path=${p.dataDir}`,
    `--web.listen-address=${p.webListenAddress}`,
    `--cluster.listen-address=${p.clusterListenAddress}`,
    `--cluster.advertise-address=${p.clusterAdvertiseAddress}`,
    ...p.peers.map((peer) => `--cluster.peer=${peer}`),
    `--cluster.label=${p.clusterLabel}`,
    ...(p.peerTimeout ? [`--cluster.peer-timeout=${p.peerTimeout}`] : []),
  ];
}
