/**
 * The Thanos path of the local topology under the failures its users worry about: sidecars uploading to the
 * regions' buckets (S3 and GCS emulators), store gateways, the compactor, Thanos Query with deduplication over
 * per-region mutual TLS, and the Query Frontend; then the alarms that must not go silent (a stopped compactor,
 * a certificate close to expiry, the heartbeat when the global tier stops). One topology serves the file:
 * the default dashboards' read-only checks (./dashboards.ts) run first on it while it is healthy; then
 * eu-west's bucket is stopped, us-east's failures are tested meanwhile (each test mends what it breaks), and
 * the outage's alert and recovery are checked; last, the global tier is stopped.
 * Every process is started by the topology and stopped by pid in `after`.
 */
import * as assert from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import * as tls from "node:tls";
import { COMPACTOR_MISSING } from "../../builders/federation/alerts";
import { CERTIFICATE_EXPIRY_ALERT, certificateRules } from "../../builders/rules/certificates";
import { SIDECAR_NOT_UPLOADING } from "../../builders/rules/thanos";
import { RECORDED } from "../../builders/rules/recording";
import { deliveryProblem, receivedAlerts } from "../../local/check";
import { federationPath, gatewayRoutes } from "../../builders/gateway/routes";
import { REPLICA_LABEL } from "../../builders/regional/layout";
import { type ServerAccess, metricValue, query, request, thanosQuery } from "../../local/client";
import { address } from "../../local/ports";
import { FLEET_JOB, LOCAL_RETENTION, LOCAL_TIMING } from "../../local/settings";
import { Pki } from "../../local/pki";
import { regionRulesDir } from "../../local/render";
import { Topology } from "../../local/topology";
import { waitFor } from "../../local/wait";
import { parseDuration } from "../../config/duration";
import {
  NATIVE_BACKFILL_RATE,
  backfillBlock,
  backfillNativeHistogramBlock,
  parseBucketListing,
} from "../support/backfill";
import { dashboardChecks } from "./dashboards";
import { e2eBasePort } from "../support/ports";
import { tempDir } from "../support/tools";

const TARGETS_PER_REGION = 6;
/** The region whose bucket is stopped while the other region's failures are tested. */
const OUTAGE_REGION = "eu-west";
const NOT_UPLOADING = { alertname: SIDECAR_NOT_UPLOADING, region: OUTAGE_REGION };
const FIVE_MINUTES_MS = 300_000;
const NATIVE_BACKFILL_METRIC = "backfill_request_duration_seconds";

/** Whether a TLS client holding `cert` (or none) gets a gRPC server's HTTP/2 SETTINGS back, or is refused. */
function storeApiAnswers(
  port: number,
  trust: { caFile: string; serverName: string },
  cert?: { certFile: string; keyFile: string },
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: "127.0.0.1",
      port,
      ca: fs.readFileSync(trust.caFile),
      servername: trust.serverName,
      ALPNProtocols: ["h2"],
      ...(cert ? { cert: fs.readFileSync(cert.certFile), key: fs.readFileSync(cert.keyFile) } : {}),
    });
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 5000);
    socket.once("secureConnect", () => {
      // The client preface and an empty SETTINGS frame; a gRPC server that accepted the client answers with its own.
      socket.write(
        Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]),
      );
    });
    socket.once("data", () => done(true));
    socket.once("error", () => done(false));
    socket.once("close", () => done(false));
  });
}

describe("the local topology's Thanos path, dashboards and alarms", function () {
  this.timeout(180_000);
  let topology: Topology;
  let scratch: string;
  /** A moment at which every fleet target was scraped, recorded once at the start. */
  let firstScrape: number;
  const frontend = (): ServerAccess => topology.rendered.frontend;
  const fleetCount = `count by (region) (up{job="${FLEET_JOB}"})`;
  const counts = (result: readonly { metric: Readonly<Record<string, string>>; value: readonly [number, string] }[]) =>
    Object.fromEntries(result.map((s) => [s.metric.region, Number(s.value[1])]));
  const everyRegion = (n: number) => Object.fromEntries(topology.plan.regions.map((r) => [r.name, n]));

  before(async function () {
    this.timeout(240_000);
    scratch = tempDir("thanos-e2e-");
    topology = await Topology.create({ basePort: e2eBasePort(15090), shards: 1, targetsPerRegion: TARGETS_PER_REGION });
    await topology.start();
    await topology.waitReady();
    firstScrape = await waitFor("Thanos Query to see every region's fleet", 60_000, async () => {
      const answer = await thanosQuery(frontend(), fleetCount);
      return JSON.stringify(counts(answer.result)) === JSON.stringify(everyRegion(TARGETS_PER_REGION))
        ? Math.floor(answer.result[0].value[0])
        : undefined;
    });
  });

  after(async function () {
    this.timeout(60_000);
    await topology?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  // Read-only, so first: the dashboards need the topology healthy, before any test below breaks a part.
  describe("default dashboards on the local topology's real binaries", () => dashboardChecks(() => topology));

  /**
   * The no-upload alert needs the sidecars silent for two block durations and a shipper sync (100 s here):
   * eu-west's bucket stays down while the tests of us-east's failures run, and its alert is checked last.
   * Those tests then also show that one region's bucket outage leaves the other region's paths whole.
   */
  describe(`Thanos and the stack's own alarms end to end, with ${OUTAGE_REGION}'s bucket unreachable`, () => {
    let bucketStoppedAt = 0;

    /** Starts the bucket again, and what its outage stopped (a compactor whose bucket fails exits; Kubernetes would restart it). */
    async function mendBucket(): Promise<void> {
      const region = topology.region(OUTAGE_REGION);
      for (const name of [region.bucket.emulator.name, ...topology.regionProcesses(region.name)].filter(
        (n) => !topology.supervisor.isRunning(n),
      )) {
        await topology.supervisor.restart(name);
        await topology.waitListening(name);
      }
    }

    before(async () => {
      assert.deepStrictEqual(
        topology.webhook.firing(NOT_UPLOADING),
        [],
        "a healthy sidecar is not alerted on (so the test can fail)",
      );
      bucketStoppedAt = Date.now();
      await topology.supervisor.stop(topology.region(OUTAGE_REGION).bucket.emulator.name);
    });

    after(async function () {
      this.timeout(60_000);
      await mendBucket();
    });

    it("every regional StoreAPI, reached through the region gateway, refuses a client without the region's client certificate", async () => {
      for (const region of topology.plan.regions) {
        const own = topology.rendered.storeApiTls.get(region.name)!;
        const other = [...topology.rendered.storeApiTls].find(([name]) => name !== region.name)![1];
        // The gateway passes TLS through: each StoreAPI's own certificate and its demand for a client's hold end to end.
        for (const route of gatewayRoutes(region.plan.pods, region.plan.tlsServerName).storeApi) {
          const port = region.gateway.storeApiPorts[route.name];
          const trust = { caFile: own.caFile, serverName: route.serverName };
          const where = `${region.name} ${route.serverName} via :${port}`;
          assert.strictEqual(
            await storeApiAnswers(port, trust, own),
            true,
            `${where} answers Query's own client certificate (so the test can fail)`,
          );
          assert.strictEqual(
            await storeApiAnswers(port, trust),
            false,
            `${where} refuses a client with no certificate`,
          );
          assert.strictEqual(
            await storeApiAnswers(port, trust, other),
            false,
            `${where} refuses another region's client certificate`,
          );
        }
        const port = Object.values(region.gateway.storeApiPorts)[0];
        const unknown = { caFile: own.caFile, serverName: `no-such-store.${region.plan.tlsServerName}` };
        assert.strictEqual(
          await storeApiAnswers(port, unknown, own),
          false,
          `${region.name}: the gateway closes a connection for a name it does not route`,
        );
      }
    });

    it("the region gateway serves each pod's /federate and nothing else of Prometheus", async () => {
      const region = topology.region("us-east");
      const pod = region.prometheus[0];
      const gateway = { ...topology.access(pod.name), url: `https://${address(region.gateway.federationPort)}` };
      const federated = await request(gateway, `${federationPath(pod.podName)}?match[]=${encodeURIComponent("up")}`);
      assert.match(federated, /^up\{/m, "the federation path answers with the pod's series (so the test can fail)");
      assert.match(federated, new RegExp(`${REPLICA_LABEL}="${pod.podName}"`), "from that pod and no other");
      for (const path of ["/api/v1/status/config", `/${pod.podName}/api/v1/query?query=up`, "/federate", "/-/quit"]) {
        await assert.rejects(request(gateway, path), /HTTP 404/, `${path} is not reachable through the gateway`);
      }
      await assert.rejects(request(gateway, federationPath(pod.podName), "POST", "{}"), /HTTP 405/, "only GET passes");
    });

    it("killing one gateway replica leaves the federation and Thanos Query answering", async () => {
      const region = topology.region("us-east");
      const [victim] = region.gateway.replicas;
      const federation = topology.access(topology.plan.global.federation[0].name);
      const pods = region.prometheus.length;
      const federatedUp = `count(up{job="federate-${region.name}"} == 1)`;
      const before = counts((await thanosQuery(frontend(), fleetCount)).result);
      assert.deepStrictEqual(before, everyRegion(TARGETS_PER_REGION));
      await topology.supervisor.kill(victim.name);
      try {
        // The other replica takes every new connection; connections the dead one held are dialled again.
        await waitFor("Thanos Query to answer whole through the surviving gateway replica", 30_000, async () =>
          JSON.stringify(counts((await thanosQuery(frontend(), fleetCount)).result)) === JSON.stringify(before)
            ? true
            : undefined,
        );
        const killedAt = Date.now();
        await waitFor("the federation to scrape every us-east pod through the surviving replica", 30_000, async () => {
          const [sample] = await query(federation, federatedUp);
          return Number(sample?.value[1]) === pods && Number(sample.value[0]) * 1000 > killedAt ? true : undefined;
        });
        for (let i = 0; i < 5; i++) {
          assert.deepStrictEqual(
            counts((await thanosQuery(frontend(), fleetCount)).result),
            before,
            `answer ${i} with one gateway replica`,
          );
          await new Promise((r) => setTimeout(r, 1000));
        }
      } finally {
        await topology.supervisor.restart(victim.name);
        await topology.waitListening(victim.name);
      }
    });

    it("killing one replica leaves the Query result unchanged", async () => {
      const region = topology.region("us-east");
      const victim = region.prometheus.find((p) => p.replica === 0)!;
      const before = counts((await thanosQuery(frontend(), fleetCount)).result);
      assert.deepStrictEqual(before, everyRegion(TARGETS_PER_REGION));
      await topology.supervisor.kill(victim.name);
      await topology.supervisor.kill(victim.sidecar.name);
      try {
        // Query notices the lost StoreAPI within its health checks; the answer must not change meanwhile or after.
        for (let i = 0; i < 10; i++) {
          const answer = await thanosQuery(frontend(), fleetCount);
          assert.deepStrictEqual(counts(answer.result), before, `answer ${i} after the kill`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      } finally {
        await topology.supervisor.restart(victim.name);
        await topology.waitListening(victim.name);
        await topology.supervisor.restart(victim.sidecar.name);
        await topology.waitListening(victim.sidecar.name);
      }
    });

    it("a stopped region leaves the other answered, with a partial-response warning", async () => {
      const stopped = topology.region("us-east");
      const processes = topology.regionProcesses(stopped.name);
      for (const name of processes) await topology.supervisor.stop(name);
      try {
        const answer = await waitFor("Thanos Query to answer without us-east, with a warning", 30_000, async () => {
          const a = await thanosQuery(frontend(), fleetCount);
          return a.warnings.length > 0 ? a : undefined;
        });
        assert.deepStrictEqual(counts(answer.result), { "eu-west": TARGETS_PER_REGION });
        assert.ok(
          answer.warnings.some((w) => /us-east|unavailable|connection|rpc/i.test(w)),
          `a warning names the lost StoreAPIs: ${answer.warnings.join("; ")}`,
        );
      } finally {
        for (const name of [...processes].reverse()) {
          await topology.supervisor.restart(name);
          await topology.waitListening(name);
        }
      }
      await waitFor("us-east to be answered again", 60_000, async () =>
        counts((await thanosQuery(frontend(), fleetCount)).result)["us-east"] === TARGETS_PER_REGION ? true : undefined,
      );
    });

    it("the compactor writes 5m-downsampled blocks from raw float and native-histogram data it finds in the bucket, and Thanos Query answers the native histogram from each resolution", async () => {
      const region = topology.region("us-east");
      const labels = (replica: string) => ({
        region: region.name,
        cloud: region.config.cloud,
        cluster: region.config.cluster.name,
        shard: "0",
        prometheus_replica: replica,
      });
      // Two label sets, so the compactor keeps the blocks apart (overlapping blocks of one stream would halt it).
      const blocks = {
        backfill: backfillBlock(scratch),
        "backfill-native": backfillNativeHistogramBlock(scratch, NATIVE_BACKFILL_METRIC),
      };
      // Uploaded as a sidecar would, with its external labels, by Thanos' own shipper.
      for (const [replica, block] of Object.entries(blocks))
        topology.bucketTool(region.name, [
          "upload-blocks",
          `--path=${block.dir}`,
          ...Object.entries(labels(replica)).map(([k, v]) => `--label=${k}="${v}"`),
        ]);
      const downsampled = await waitFor("a 5m block of each backfilled block in the bucket", 120_000, async () => {
        const listing = parseBucketListing(topology.bucketTool(region.name, ["ls", "--output=json"]));
        const found = Object.keys(blocks).map((replica) =>
          listing.find(
            (m) => m.thanos.downsample.resolution === FIVE_MINUTES_MS && m.thanos.labels.prometheus_replica === replica,
          ),
        );
        return found.every((m) => m !== undefined) ? found : undefined;
      });
      for (const [i, block] of Object.values(blocks).entries())
        assert.ok(
          downsampled[i].minTime >= block.minTime && downsampled[i].maxTime <= block.maxTime,
          "the downsampled block covers the raw block's range",
        );
      assert.strictEqual(await metricValue(topology.access(region.compactor.name), "thanos_compact_halted"), 0);

      // The native histogram through Thanos Query, mid-block: its observation rate, from raw samples and from
      // the 5m downsamples alike.
      const native = blocks["backfill-native"];
      const at = (native.minTime + native.maxTime) / 2 / 1000;
      const observed = `histogram_count(rate(${NATIVE_BACKFILL_METRIC}{region="${region.name}"}[30m]))`;
      const rate = (maxSourceResolution: string) =>
        waitFor(`${observed} at resolution ${maxSourceResolution}`, 30_000, async () => {
          const [sample] = (await thanosQuery(frontend(), observed, { time: at, maxSourceResolution })).result;
          return sample ? Number(sample.value[1]) : undefined;
        });
      const raw = await rate("0s");
      assert.ok(Math.abs(raw - NATIVE_BACKFILL_RATE) < 0.1, `raw: ${raw} observations/s`);
      // With the raw block gone from the bucket, only the compactor's 5m block can answer.
      topology.bucketTool(region.name, [
        "mark",
        `--id=${native.ulid}`,
        "--marker=deletion-mark.json",
        "--details=e2e: only the 5m block answers",
      ]);
      // Deleted now: no delay after the mark, and the fresh block is not held back as too new to judge.
      topology.bucketTool(region.name, ["cleanup", "--delete-delay=0s", "--consistency-delay=0s"]);
      await waitFor("the store gateways to drop the raw native-histogram block", 30_000, async () =>
        (await thanosQuery(frontend(), observed, { time: at, maxSourceResolution: "0s" })).result.length === 0
          ? true
          : undefined,
      );
      const fromFiveMinutes = await rate("5m");
      assert.ok(
        Math.abs(fromFiveMinutes - NATIVE_BACKFILL_RATE) < 0.1,
        `5m downsamples: ${fromFiveMinutes} observations/s`,
      );
    });

    it("a stopped compactor raises ThanosCompactMissing, evaluated by the federation over every shard", async () => {
      const region = topology.region("us-east");
      const stoppedAt = Date.now();
      await topology.supervisor.stop(region.compactor.name);
      try {
        const received = await receivedAlerts(
          topology,
          { alertname: COMPACTOR_MISSING, region: region.name },
          60_000,
          stoppedAt,
        );
        assert.strictEqual(
          deliveryProblem(COMPACTOR_MISSING, received.length, topology.plan.global.alertmanagers.length),
          undefined,
        );
      } finally {
        await topology.supervisor.restart(region.compactor.name);
        await topology.waitListening(region.compactor.name);
      }
    });

    it("a certificate close to expiry raises CertificateExpiresSoon, well before it expires", async () => {
      const region = topology.region("us-east");
      assert.deepStrictEqual(
        topology.webhook.firing({ alertname: CERTIFICATE_EXPIRY_ALERT }),
        [],
        "the topology's own certificates are far from expiry (so the test can fail)",
      );
      const pki = new Pki(path.join(scratch, "pki"));
      const shortLived = pki.server(
        "short-lived",
        pki.rootCa("short-lived-ca", "short-lived CA"),
        ["short-lived.example"],
        [],
        1,
      );
      const certificate = "e2e-short-lived";
      const rules = certificateRules(
        [{ name: certificate, validityEndTime: Pki.validityEnd(shortLived.cert) }],
        region.config.certificateWarningDays,
        region.config.alerts,
      );
      // As `pulumi up` would re-render the rule file: the sidecars' reloaders make Prometheus load it.
      const file = path.join(regionRulesDir(region), "certificates-e2e.yaml");
      fs.writeFileSync(file, YAML.stringify(rules));
      try {
        const received = await receivedAlerts(
          topology,
          { alertname: CERTIFICATE_EXPIRY_ALERT, certificate, region: region.name },
          60_000,
        );
        assert.strictEqual(
          deliveryProblem(CERTIFICATE_EXPIRY_ALERT, received.length, topology.plan.global.alertmanagers.length),
          undefined,
        );
      } finally {
        fs.rmSync(file);
      }
    });

    // Late: it waits for the replica to drop data as old as the first scrape, which the tests above overlap.
    it("data older than a regional Prometheus' local retention is still answered through its store gateway", async () => {
      const region = topology.region("us-east");
      const replica = region.prometheus[0];
      const at = firstScrape + 1;
      const retentionMs = (parseDuration(LOCAL_RETENTION) ?? 0) * 1000;
      const atQuery = `count(up{job="${FLEET_JOB}"})`;
      // The replica's own TSDB drops the block holding `at` once it is older than the retention.
      await waitFor(
        `${replica.name} to have dropped the data of ${new Date(at * 1000).toISOString()}`,
        retentionMs + 120_000,
        async () => ((await query(topology.access(replica.name), atQuery, at)).length === 0 ? true : undefined),
        2000,
      );
      const answer = await thanosQuery(frontend(), fleetCount, { time: at });
      assert.strictEqual(
        counts(answer.result)[region.name],
        TARGETS_PER_REGION,
        `Thanos answers for ${address(replica.port)}'s past from the bucket`,
      );
      const recorded = await thanosQuery(frontend(), `count(${RECORDED.requestRate})`, { time: at + 30 });
      assert.ok(recorded.result.length > 0, "recording rules of the past are answered too");
    });

    it("the unreachable bucket fired the sidecar's no-upload alert, and the backlog is uploaded once it is back", async () => {
      const region = topology.region(OUTAGE_REGION);
      const uploaded = async () => {
        const all = await Promise.all(
          region.prometheus.map((p) => metricValue(topology.access(p.sidecar.name), "thanos_shipper_uploads_total")),
        );
        return all.reduce<number>((sum, v) => sum + (v ?? 0), 0);
      };
      let blocksBefore: number;
      try {
        assert.ok((await receivedAlerts(topology, NOT_UPLOADING, 150_000, bucketStoppedAt)).length >= 1);
        blocksBefore = await uploaded();
      } finally {
        await mendBucket();
      }
      await waitFor("the sidecars to upload their backlog", 90_000, async () =>
        (await uploaded()) > blocksBefore! ? true : undefined,
      );
    });
  });

  describe("the dead man's switch", () => {
    it("heartbeats reach the heartbeat receiver every interval, and stop when the global tier is stopped", async () => {
      const intervalMs = (parseDuration(LOCAL_TIMING.heartbeatInterval) ?? 0) * 1000;
      // The topology has run for minutes by now: the heartbeats so far show their rhythm.
      await waitFor(
        "three heartbeats",
        3 * intervalMs,
        async () => (topology.webhook.heartbeats().length >= 3 ? true : undefined),
        1000,
      );
      const beats = topology.webhook.heartbeats();
      const gaps = beats.slice(1).map((t, i) => t - beats[i]);
      // The longest a healthy tier leaves between two beats: the interval and Alertmanager's group_interval tick.
      const longestGap = intervalMs + 15_000;
      assert.ok(
        Math.max(...gaps.slice(-3)) < longestGap,
        `heartbeats arrive every ${intervalMs / 1000}s or so: gaps ${gaps.map((g) => Math.round(g / 1000)).join(", ")} s`,
      );
      const global = [
        ...topology.plan.global.federation.flatMap((f) => [f.sidecar.name, f.name]),
        topology.plan.global.frontend.name,
        topology.plan.global.query.name,
        ...topology.plan.global.alertmanagers.map((am) => am.name),
      ];
      for (const name of global) await topology.supervisor.stop(name);
      const stoppedAt = Date.now();
      // Silence for longer than any healthy gap since the last beat: the beats stopped, not merely lagged.
      const lastBeat = Math.max(...topology.webhook.heartbeats());
      await new Promise((r) => setTimeout(r, Math.max(0, lastBeat + longestGap - Date.now())));
      assert.deepStrictEqual(
        topology.webhook.heartbeats().filter((t) => t > stoppedAt),
        [],
        "no heartbeat arrives once the global tier is down: the heartbeat service pages",
      );
    });
  });
});
