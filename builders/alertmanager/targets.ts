/**
 * The file_sd list a regional Prometheus reads its Alertmanagers from: every peer's own address, so each
 * Prometheus sends every alert to every peer and the mesh deduplicates, with no single load balancer in
 * the path.
 */
export function alertmanagerTargets(peerAddresses: readonly string[]) {
  if (peerAddresses.length < 3)
    throw new Error(`every Alertmanager peer must be a target; got ${peerAddresses.length} addresses`);
  return [{ targets: [...peerAddresses], labels: {} }];
}
