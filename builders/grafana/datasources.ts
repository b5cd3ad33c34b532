/**
 * A region's Thanos view: the Thanos datasource restricted to that region's StoreAPIs (`host:port` of each, as
 * Thanos Query lists them), or, for a remote-write region, its tenant Query, which sees that region alone.
 */
export type RegionDatasource =
  | { readonly region: string; readonly storeAddresses: readonly string[] }
  | { readonly region: string; readonly tenantQueryUrl: string };

export interface DatasourcesParams {
  /** Query Frontend, HTTPS: the global, deduplicated view over every region's history. */
  readonly thanosUrl: string;
  /** File holding the CA that signed the Query Frontend certificate. */
  readonly thanosCaFile: string;
  /** The Query Frontend's basic-auth user for Grafana, and the file holding its password. */
  readonly thanosUser: string;
  readonly thanosPasswordFile: string;
  /**
   * Thanos Query itself, in the cluster. Region datasources bypass the frontend: its results cache keys on
   * the query and step but not on `storeMatch[]` (pkg/queryfrontend/cache.go), so a region's panel could
   * be answered with the global result.
   */
  readonly thanosQueryUrl: string;
  readonly federationUrl: string;
  readonly scrapeInterval: string;
  readonly regions: readonly RegionDatasource[];
}

export const DATASOURCE_UIDS = {
  thanos: "thanos-query",
  federation: "federation-prometheus",
  region: (region: string) => `region-${region}`,
} as const;

/**
 * Grafana datasource provisioning: Thanos Query (the default), the federation Prometheus (where the global
 * recording rules live) and one datasource per region. A region's datasource is Thanos Query with
 * `storeMatch[]` naming only that region's StoreAPIs, so it is as highly available and deduplicated as the
 * global one and needs no credentials of its own.
 */
export function grafanaDatasources(p: DatasourcesParams) {
  const prometheusApi = (name: string, uid: string, url: string, prometheusType: string) => ({
    name,
    uid,
    type: "prometheus",
    access: "proxy",
    url,
    isDefault: false,
    editable: false,
    jsonData: { httpMethod: "POST", prometheusType, timeInterval: p.scrapeInterval } as Record<string, unknown>,
  });
  const global = prometheusApi("Thanos Query (global)", DATASOURCE_UIDS.thanos, p.thanosUrl, "Thanos");
  return {
    apiVersion: 1,
    datasources: [
      {
        ...global,
        isDefault: true,
        basicAuth: true,
        basicAuthUser: p.thanosUser,
        jsonData: { ...global.jsonData, tlsAuthWithCACert: true },
        // Grafana reads the files when it provisions; neither the CA nor the password sits in the provisioning file.
        secureJsonData: {
          tlsCACert: `$__file{${p.thanosCaFile}}`,
          basicAuthPassword: `$__file{${p.thanosPasswordFile}}`,
        },
      },
      prometheusApi("Federation Prometheus", DATASOURCE_UIDS.federation, p.federationUrl, "Prometheus"),
      ...p.regions.map((r) => {
        const region = (url: string) =>
          prometheusApi(`Region ${r.region}`, DATASOURCE_UIDS.region(r.region), url, "Thanos");
        if ("tenantQueryUrl" in r) return region(r.tenantQueryUrl);
        const viaStores = region(p.thanosQueryUrl);
        return {
          ...viaStores,
          jsonData: { ...viaStores.jsonData, customQueryParameters: storeMatch(r.storeAddresses) },
        };
      }),
    ],
  };
}

/** `storeMatch[]={__address__=~"..."}`, URL-encoded as Grafana expects custom query parameters. */
function storeMatch(addresses: readonly string[]): string {
  if (addresses.length === 0) throw new Error("a region datasource needs at least one StoreAPI address");
  // Dots escaped for the regex, and the backslash itself escaped for the PromQL string.
  const pattern = addresses.map((a) => a.replace(/\./g, "\\\\.")).join("|");
  return `storeMatch[]=${encodeURIComponent(`{__address__=~"${pattern}"}`)}`;
}

/** Dashboards provider: every JSON file in `path`, read-only in the UI so code stays the source of truth. */
export function dashboardProviders(path: string) {
  return {
    apiVersion: 1,
    providers: [
      {
        name: "monitoring",
        folder: "Monitoring",
        type: "file",
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path, foldersFromFilesStructure: false },
      },
    ],
  };
}
