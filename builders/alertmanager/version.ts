/**
 * What a given Alertmanager release understands. The clusters run the version pinned in versions.ts; the
 * local topology and `amtool check-config` run Debian's 0.25, so the builders change syntax by version
 * instead of dropping a feature from the clusters.
 */
export interface AlertmanagerFeatures {
  /** `--cluster.label` (0.26): peers of another mesh that happen to reach this one are refused. */
  readonly clusterLabel: boolean;
  /** `webhook_configs[].url_file` (0.26): the webhook URL stays out of the config file. */
  readonly webhookUrlFile: boolean;
}

export function alertmanagerFeatures(version: string): AlertmanagerFeatures {
  const from026 = compareVersions(version, "0.26.0") >= 0;
  return { clusterLabel: from026, webhookUrlFile: from026 };
}

/** Compares dotted release numbers (a leading `v` is ignored): negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, "").split(/[.+-]/).slice(0, 3).map((p) => Number.parseInt(p, 10) || 0);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
