/** Thanos arguments and objstore of the regional tier, and the sizing function (the pinned Thanos reads the arguments in test/binaries/). */
import * as assert from "node:assert";
import { gcsLocation, s3Location } from "../../builders/cloud/object-store";
import { PATHS } from "../../builders/regional/layout";
import { clusterRegionalArgs } from "../../builders/regional/workload-config";
import { regionalPlan } from "../../builders/regional/plan";
import { MAX_SERIES_PER_SHARD, sizeRegion, type SizingInput } from "../../builders/sizing";
import { objstoreConfig } from "../../builders/thanos/objstore";
import { regionalStack, usEastThanosCommands } from "../fixtures/regional-fixtures";

describe("regional Thanos arguments", () => {
  const commands = usEastThanosCommands();

  for (const command of ["sidecar", "store"] as const) {
    it(`thanos ${command} serves the StoreAPI with mutual TLS`, () => {
      const args = commands[command];
      assert.ok(args.includes(`--grpc-server-tls-cert=${PATHS.tlsCertFile}`));
      assert.ok(args.includes(`--grpc-server-tls-key=${PATHS.tlsKeyFile}`));
      assert.ok(args.includes(`--grpc-server-tls-client-ca=${PATHS.tlsCaFile}`), "client certificates are required");
      assert.ok(args.includes("--grpc-address=0.0.0.0:10901"));
    });
  }

  it("the sidecar reloads the config with $(POD_NAME) substituted and watches the rules", () => {
    const args = commands.sidecar;
    assert.ok(args.includes(`--reloader.config-file=${PATHS.configTemplateFile}`));
    assert.ok(args.includes(`--reloader.config-envsubst-file=${PATHS.configOutFile}`));
    assert.ok(args.includes(`--reloader.rule-dir=${PATHS.rulesDir}`));
    assert.ok(
      args.includes(`--prometheus.http-client-file=${PATHS.localClientConfigFile}`),
      "authenticates to its HTTPS Prometheus",
    );
    assert.ok(args.includes(`--objstore.config-file=${PATHS.objstoreFile}`));
  });

  it("the compactor runs continuously and keeps each resolution as long as configured", () => {
    const custom = regionalStack("us-east");
    const config = { ...custom, bucketRetention: { raw: "60d", fiveMinutes: "1y", oneHour: "0d" } };
    const args = clusterRegionalArgs(config, regionalPlan(config).sizing).compact;
    assert.ok(args.includes("--wait"));
    assert.ok(args.includes("--retention.resolution-raw=60d"));
    assert.ok(args.includes("--retention.resolution-5m=1y"));
    assert.ok(args.includes("--retention.resolution-1h=0d"));
    assert.ok(!args.includes("--downsampling.disable"), "downsampling stays on");
  });
});

describe("objstore config", () => {
  it("S3: this region's bucket through the SDK credential chain (IRSA), no keys", () => {
    assert.deepStrictEqual(objstoreConfig(s3Location("us-east-thanos", "us-east-1")), {
      type: "S3",
      config: {
        bucket: "us-east-thanos",
        endpoint: "s3.us-east-1.amazonaws.com",
        region: "us-east-1",
        aws_sdk_auth: true,
      },
    });
  });

  it("GCS: the bucket alone (Workload Identity)", () => {
    assert.deepStrictEqual(objstoreConfig(gcsLocation("eu-west-thanos")), {
      type: "GCS",
      config: { bucket: "eu-west-thanos" },
    });
  });

  it("refuses an empty bucket name", () => {
    assert.throws(() => objstoreConfig(gcsLocation("")), /bucket name is empty/);
  });
});

describe("sizing", () => {
  const base: SizingInput = {
    targets: 300,
    seriesPerTarget: 1000,
    scrapeInterval: "30s",
    retention: "24h",
    shards: "auto",
  };
  const mib = (q: string) => Number(/^(\d+)Mi$/.exec(q)![1]);
  const milli = (q: string) => Number(/^(\d+)m$/.exec(q)![1]);

  it("one shard while the series fit in one, as many as needed beyond", () => {
    assert.strictEqual(sizeRegion(base).shards, 1);
    assert.strictEqual(
      sizeRegion({ ...base, targets: 2000, seriesPerTarget: 2500 }).shards,
      Math.ceil(5_000_000 / MAX_SERIES_PER_SHARD),
    );
    assert.strictEqual(sizeRegion({ ...base, targets: 2000, seriesPerTarget: 2500 }).shards, 3);
  });

  it("a configured shard count wins over the load", () => {
    const sized = sizeRegion({ ...base, shards: 4 });
    assert.strictEqual(sized.shards, 4);
    assert.strictEqual(sized.seriesPerShard, 75_000);
  });

  it("follows the documented formula for Prometheus", () => {
    const sized = sizeRegion(base);
    // 300k series: 135 MiB + 300k x 2.3 KiB = 135 + 673.8 MiB; limit x1.5.
    assert.strictEqual(sized.prometheus.memoryRequest, "809Mi");
    assert.strictEqual(sized.prometheus.memoryLimit, "1214Mi");
    // 10k samples/s: 0.25 + 0.1 cores.
    assert.strictEqual(sized.prometheus.cpuRequest, "350m");
    assert.strictEqual(sized.prometheus.cpuLimit, "700m");
    // (24h + 3h) x 10k/s x 2 B x 2 = 3.9 GB: below the 10 GiB floor.
    assert.strictEqual(sized.prometheus.diskGiB, 10);
    const long = sizeRegion({ ...base, retention: "15d" });
    assert.strictEqual(long.prometheus.diskGiB, Math.ceil(((15 * 86400 + 3 * 3600) * 10_000 * 2 * 2) / 2 ** 30));
  });

  it("grows every figure with the load and shrinks Prometheus pods as shards are added", () => {
    const small = sizeRegion(base);
    const big = sizeRegion({ ...base, targets: 3000 });
    assert.ok(mib(big.prometheus.memoryRequest) > mib(small.prometheus.memoryRequest));
    assert.ok(milli(big.prometheus.cpuRequest) > milli(small.prometheus.cpuRequest));
    assert.ok(mib(big.storeGateway.memoryRequest) > mib(small.storeGateway.memoryRequest));
    assert.ok(big.compactor.diskGiB >= small.compactor.diskGiB);
    const sharded = sizeRegion({ ...base, targets: 3000, shards: 4 });
    assert.ok(mib(sharded.prometheus.memoryRequest) < mib(big.prometheus.memoryRequest));
  });

  it("config overrides win over the computed figures", () => {
    const sized = sizeRegion({ ...base, overrides: { cpu: "2", memory: "8Gi", diskGiB: 200 } });
    assert.deepStrictEqual(
      [
        sized.prometheus.cpuRequest,
        sized.prometheus.cpuLimit,
        sized.prometheus.memoryRequest,
        sized.prometheus.memoryLimit,
        sized.prometheus.diskGiB,
      ],
      ["2", "2", "8Gi", "8Gi", 200],
    );
  });

  it("refuses nonsense input", () => {
    assert.throws(() => sizeRegion({ ...base, targets: 0 }), /must be positive/);
    assert.throws(() => sizeRegion({ ...base, scrapeInterval: "soon" }), /scrape interval 'soon'/);
  });

  it("every pod gets cpu and memory requests and a memory limit", () => {
    const sized = sizeRegion(base);
    for (const pod of [
      sized.prometheus,
      sized.sidecar,
      sized.storeGateway,
      sized.compactor,
      sized.nodeExporter,
      sized.kubeStateMetrics,
    ]) {
      assert.ok(
        milli(pod.cpuRequest) > 0 && mib(pod.memoryRequest) > 0 && mib(pod.memoryLimit) >= mib(pod.memoryRequest),
      );
    }
  });
});
