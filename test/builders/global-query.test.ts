import * as assert from "node:assert";
import * as YAML from "yaml";
import { GLOBAL_FILES, renderGlobalFiles } from "../../builders/global/render";
import { FEDERATION, GRAFANA, QUERY_FRONTEND, THANOS_QUERY } from "../../builders/global/layout";
import { SECRET_FILES } from "../../builders/global/secrets";
import { DATASOURCE_UIDS } from "../../builders/grafana/datasources";
import { endpointSdConfig, thanosQueryArgs } from "../../builders/thanos/query";
import { queryFrontendArgs } from "../../builders/thanos/query-frontend";
import { REPLICA_LABEL } from "../../contracts/regional-outputs";
import { exposedRegion, globalConfig, renderOptions } from "../fixtures/global-fixtures";

const regions = [exposedRegion("us-east", 0, 2), exposedRegion("eu-west", 1)];
const files = renderGlobalFiles(globalConfig(["us-east", "eu-west"]), regions, renderOptions(regions));

describe("Thanos Query and Query Frontend of the global tier", () => {
  it("Query finds its endpoints in the sd-config file and deduplicates on the regional and the federation replica labels", () => {
    const args: string[] = YAML.parse(files[GLOBAL_FILES.queryArgs]);
    assert.ok(args.includes(`--endpoint.sd-config-file=${THANOS_QUERY.configDir}/endpoints.yml`));
    assert.deepStrictEqual(
      args.filter((a) => a.startsWith("--query.replica-label")),
      [`--query.replica-label=${REPLICA_LABEL}`, `--query.replica-label=${FEDERATION.replicaLabel}`],
      "each label once, though every region names the same",
    );
    assert.throws(
      () =>
        thanosQueryArgs({
          endpointConfigFile: "f",
          replicaLabels: [],
          listen: { host: "0.0.0.0", grpcPort: 2, httpPort: 1 },
        }),
      /replica label/,
    );
  });

  it("lists every region's sidecars and store gateway, each by its own address and gateway server name, with that region's mutual-TLS client material", () => {
    const { endpoints } = YAML.parse(files[GLOBAL_FILES.queryEndpoints]);
    const usEast = endpoints.filter((e: any) =>
      e.client_config?.server_name?.endsWith(".prometheus.us-east.monitoring"),
    );
    const routes = [
      "prometheus-shard-0-0",
      "prometheus-shard-0-1",
      "prometheus-shard-1-0",
      "prometheus-shard-1-1",
      "thanos-store",
    ];
    assert.deepStrictEqual(
      usEast.map((e: any) => [e.address, e.client_config.server_name]),
      routes.map((r) => [`store-api-us-east-${r}.monitoring.svc:10901`, `${r}.prometheus.us-east.monitoring`]),
    );
    assert.deepStrictEqual(usEast[0].client_config.tls_config, {
      enabled: true,
      cert_file: `${THANOS_QUERY.tlsDir}/region-us-east-client.crt`,
      key_file: `${THANOS_QUERY.tlsDir}/region-us-east-client.key`,
      ca_file: `${THANOS_QUERY.tlsDir}/region-us-east-ca.crt`,
    });
    assert.strictEqual(endpoints.length, 5 + 3 + 2);
    assert.ok(
      endpoints.every((e: any) => e.strict === false),
      "a region that is down does not stop queries about the others",
    );
  });

  it("refuses two endpoints at one address, which Thanos would silently merge into one", () => {
    const tls = { certFile: "c", keyFile: "k", caFile: "a" };
    const endpoints = [
      { address: "lb:10901", serverName: "a.x" },
      { address: "lb:10901", serverName: "b.x" },
    ];
    assert.throws(
      () => endpointSdConfig([{ region: "us-east", endpoints, ...tls }]),
      /drop all but one endpoint at lb:10901/,
    );
  });

  it("also reads both federation Prometheus replicas through their sidecars, inside the cluster", () => {
    const { endpoints } = YAML.parse(files[GLOBAL_FILES.queryEndpoints]);
    assert.deepStrictEqual(
      endpoints.filter((e: any) => !e.client_config).map((e: any) => e.address),
      [
        "federation-prometheus-0.federation-prometheus-pods.monitoring.svc:10901",
        "federation-prometheus-1.federation-prometheus-pods.monitoring.svc:10901",
      ],
    );
  });

  it("Query Frontend splits range queries, caches responses in the shared memcached, serves HTTPS and forwards to the Query service", () => {
    const args = queryFrontendArgs({
      downstreamUrl: "http://q:10902",
      httpAddress: "0.0.0.0:9090",
      httpConfigFile: "/h.yml",
      responseCacheConfigFile: "/c.yml",
      splitInterval: "24h",
    });
    assert.ok(args.includes("--query-range.split-interval=24h"));
    assert.ok(args.includes("--query-range.response-cache-config-file=/c.yml"));
    assert.ok(args.includes("--http.config=/h.yml"));
    assert.ok(args.includes("--query-frontend.downstream-url=http://q:10902"));
    // Every frontend replica spreads its keys over every memcached pod the headless Service lists.
    assert.deepStrictEqual(YAML.parse(files[GLOBAL_FILES.frontendResponseCache]), {
      type: "MEMCACHED",
      config: {
        addresses: ["dns+thanos-results-cache.monitoring.svc:11211"],
        max_item_size: "1MiB",
        dns_provider_update_interval: "10s",
        expiration: "24h",
      },
    });
    assert.ok(YAML.parse(files[GLOBAL_FILES.frontendHttpConfig]).tls_server_config.cert_file.endsWith("tls.crt"));
  });

  it("the clusters' Query runs in the central mode on Prometheus' engine, without vertical sharding (the benchmark's query path measures the others)", () => {
    const args: string[] = YAML.parse(files[GLOBAL_FILES.queryArgs]);
    assert.ok(!args.some((a) => a.startsWith("--query.mode") || a.startsWith("--query.promql-engine")));
    const frontend: string[] = YAML.parse(files[GLOBAL_FILES.frontendArgs]);
    assert.ok(!frontend.some((a) => a.startsWith("--query-frontend.vertical-shards")));
  });

  it("a distributed root, a leaf with its own mutual TLS, the Thanos engine and vertical shards are one parameter each", () => {
    const listen = { host: "0.0.0.0", grpcPort: 2, httpPort: 1 };
    const root = thanosQueryArgs({
      endpointConfigFile: "f",
      replicaLabels: [REPLICA_LABEL],
      listen,
      mode: "distributed",
      partitionLabels: ["region"],
    });
    for (const flag of ["--query.mode=distributed", "--query.promql-engine=thanos", "--query.partition-label=region"])
      assert.ok(root.includes(flag), flag);
    const leaf = thanosQueryArgs({
      endpointConfigFile: "f",
      replicaLabels: [REPLICA_LABEL],
      listen,
      grpcServerTls: { certFile: "/c", keyFile: "/k", clientCaFile: "/ca" },
    });
    assert.ok(leaf.includes("--grpc-server-tls-client-ca=/ca"));
    assert.ok(!leaf.some((a) => a.startsWith("--query.mode")));
    const engine = thanosQueryArgs({
      endpointConfigFile: "f",
      replicaLabels: [REPLICA_LABEL],
      listen,
      promqlEngine: "thanos",
    });
    assert.ok(engine.includes("--query.promql-engine=thanos") && !engine.some((a) => a.startsWith("--query.mode")));
    const frontend = (verticalShards?: number) =>
      queryFrontendArgs({
        downstreamUrl: "http://q:10902",
        httpAddress: "0.0.0.0:9090",
        httpConfigFile: "/h.yml",
        responseCacheConfigFile: "/c.yml",
        splitInterval: "24h",
        verticalShards,
      });
    assert.ok(frontend(2).includes("--query-frontend.vertical-shards=2"));
    assert.ok(!frontend(1).some((a) => a.startsWith("--query-frontend.vertical-shards")));
    assert.throws(() => frontend(1.5), /vertical shards/);
  });

  it("Query Frontend asks every client for a password (Grafana's user and the exported one), stored only as bcrypt hashes", () => {
    const web = YAML.parse(files[GLOBAL_FILES.frontendHttpConfig]);
    assert.deepStrictEqual(
      Object.keys(web.basic_auth_users).sort(),
      [QUERY_FRONTEND.grafanaUser, QUERY_FRONTEND.queryUser].sort(),
    );
    for (const hash of Object.values(web.basic_auth_users)) assert.match(String(hash), /^\$2[aby]?\$\d\d\$/);
    const thanos = YAML.parse(files[GLOBAL_FILES.grafanaDatasources]).datasources.find(
      (d: any) => d.uid === DATASOURCE_UIDS.thanos,
    );
    assert.strictEqual(thanos.basicAuth, true);
    assert.strictEqual(thanos.basicAuthUser, QUERY_FRONTEND.grafanaUser);
    assert.strictEqual(
      thanos.secureJsonData.basicAuthPassword,
      `$__file{${GRAFANA.secretsDir}/${SECRET_FILES.queryFrontendPassword}}`,
    );
  });
});
