/**
 * The remote-write ingestion mode on the local topology, one region in each mode: us-east dialled (sidecars,
 * gateway, store gateways), eu-west writing out (agents over mutual TLS to three Thanos Receive processes
 * behind the ingress, its rules evaluated by a Ruler pair). One topology serves the four flows, in order:
 * both regions answered and deduplicated; eu-west's alert reaching the mesh once; a Receive replica killed
 * without a sample lost; the region's link cut and restored, the outage's samples arriving from the agents'
 * write-ahead log. Every process is started by the topology and stopped by pid in `after`.
 */
import * as assert from "node:assert";
import { RECEIVE } from "../../builders/global/layout";
import { RECORDED } from "../../builders/rules/recording";
import {
  eachWrittenTargetScrapedByOneShard,
  inducedWrittenAlertIsDelivered,
  queryDeduplicatesReplicas,
  recordingRulesReachFederation,
} from "../../local/check";
import { type Series, query, request, thanosQuery } from "../../local/client";
import { FLEET_JOB } from "../../local/settings";
import { Topology } from "../../local/topology";
import { sleep, waitFor } from "../../local/wait";
import { e2eBasePort } from "../support/ports";

const DIALLED = "us-east";
const WRITING = "eu-west";
const TARGETS_PER_REGION = 4;
const FLEET = `up{job="${FLEET_JOB}",region="${WRITING}"}`;
/**
 * The longest an agent's series may go without a sample: it scrapes every second, so a lost sample leaves
 * 2s; the slack is for a scrape a busy machine delays.
 */
const MAX_GAP_SECONDS = 2.5;
/** How long the link stays cut: several remote-write batches (5s deadline) and backoffs (up to 5s). */
const OUTAGE_MS = 20_000;
/**
 * The mesh's peer timeout here: long enough that on two busy cores no peer notifies before gossip tells it the
 * first peer has (the runner's 2s allows a copy per peer, local/check.ts deliveryProblem), so exactly once holds.
 */
const PEER_TIMEOUT = "5s";

function report(line: string): void {
  console.log(`      ${line}`);
}

/**
 * The writing region's fleet samples over [start, end] through the global Thanos Query, one series per agent
 * and target: deduplicated over Receive's copies only (`replicaLabels[]`), or raw (one per Receive too).
 */
async function agentSamples(
  topology: Topology,
  start: number,
  end: number,
  copies: "deduplicated" | "raw",
): Promise<Series[]> {
  const params = new URLSearchParams({
    query: `${FLEET}[${Math.ceil(end - start) + 1}s]`,
    time: String(end),
    dedup: String(copies === "deduplicated"),
    "replicaLabels[]": RECEIVE.replicaLabel,
    partial_response: "true",
  });
  const body = JSON.parse(await request(topology.rendered.query, `/api/v1/query?${params}`)) as {
    status: string;
    data: { result: Series[] };
  };
  if (body.status !== "success") throw new Error(`raw samples: ${body.status}`);
  return body.data.result.map((s) => ({ ...s, values: s.values.filter(([t]) => t >= start && t <= end) }));
}

/** The longest time without a sample in a series over [start, end], the window's edges included. */
function longestGap(series: Series, start: number, end: number): number {
  const edges = [start, ...series.values.map(([t]) => t), end];
  return Math.max(...edges.slice(1).map((t, i) => t - edges[i]));
}

const seriesKey = (s: Series) => `${s.metric.instance} ${s.metric.prometheus_replica}`;

/** Every agent's series of every target over the window, each complete: problems in words, none when whole. */
async function completeHistories(topology: Topology, start: number, end: number) {
  const region = topology.writingRegion(WRITING);
  const series = await agentSamples(topology, start, end, "deduplicated");
  const expected = region.fleet.targetPorts.length * region.plan.replicas;
  const problems = series.length === expected ? [] : [`${series.length} agent series of the fleet, not ${expected}`];
  for (const s of series) {
    const gap = longestGap(s, start, end);
    if (gap > MAX_GAP_SECONDS) problems.push(`${seriesKey(s)}: a gap of ${gap.toFixed(1)}s`);
  }
  return { series, problems };
}

describe(`remote-write mode end to end: ${DIALLED} dialled, ${WRITING} writing to Thanos Receive`, function () {
  this.timeout(180_000);
  let topology: Topology;

  before(async function () {
    this.timeout(240_000);
    topology = await Topology.create({
      basePort: e2eBasePort(17090),
      shards: 1,
      targetsPerRegion: TARGETS_PER_REGION,
      remoteWriteRegions: [WRITING],
      peerTimeout: PEER_TIMEOUT,
    });
    await topology.start();
    await topology.waitReady();
  });

  after(async function () {
    this.timeout(60_000);
    await topology?.stop();
  });

  it("answers both regions through the global Thanos Query, each target once, the writing region's from Receive", async () => {
    await queryDeduplicatesReplicas(topology);
    await eachWrittenTargetScrapedByOneShard(topology, topology.writingRegion(WRITING));
    const raw = await thanosQuery(
      topology.rendered.frontend,
      `count by (region, receive_replica) (up{job="${FLEET_JOB}"})`,
      {
        dedup: false,
      },
    );
    const receives = topology.plan.global.ingestion?.receives.map((r) => r.name).sort();
    const writtenBy = raw.result.filter((s) => s.metric.region === WRITING).map((s) => s.metric.receive_replica);
    assert.deepStrictEqual(writtenBy.sort(), receives, "every Receive holds the writing region's series");
    assert.ok(
      raw.result.some((s) => s.metric.region === DIALLED && s.metric.receive_replica === undefined),
      "the dialled region's series come from its sidecars, not from Receive",
    );
    const deduplicated = await thanosQuery(topology.rendered.frontend, `up{job="${FLEET_JOB}"}`);
    const perRegion = (region: string) => deduplicated.result.filter((s) => s.metric.region === region).length;
    assert.deepStrictEqual([perRegion(DIALLED), perRegion(WRITING)], [TARGETS_PER_REGION, TARGETS_PER_REGION]);
    // The Rulers' recorded series reach the federation as the dialled region's /federate does.
    await recordingRulesReachFederation(topology);
    // Each Ruler writes to every federation replica (the second's first batch may come a few seconds later).
    const rulers = topology.writingRegion(WRITING).rulers.map((r) => r.replica);
    for (const f of topology.plan.global.federation) {
      await waitFor(`${f.name} to hold the recorded series of both ${WRITING} Rulers`, 60_000, async () => {
        const written = await query(
          topology.access(f.name),
          `count by (prometheus_replica) (${RECORDED.requestRate}{region="${WRITING}"})`,
        );
        return written
          .map((s) => s.metric.prometheus_replica)
          .sort()
          .join() === rulers.join()
          ? true
          : undefined;
      });
    }
    report(
      `raw: ${raw.result.map((s) => `${s.metric.region}${s.metric.receive_replica ? `/${s.metric.receive_replica}` : ""} ${s.value[1]}`).join(", ")}; deduplicated: ${TARGETS_PER_REGION} per region`,
    );
  });

  it("delivers the writing region's alert, evaluated by its Ruler pair, to the mesh once", async () => {
    const region = topology.writingRegion(WRITING);
    await topology.waitMeshSettled();
    const received = await inducedWrittenAlertIsDelivered(topology, region, region.fleet.targetPorts[1]);
    assert.strictEqual(received.length, 1, `${received.length} notifications of one alert`);
    report(`TargetDown{region=${WRITING}} reached the webhook once, each of the 3 peers holding it once`);
  });

  it("loses no sample when a Receive replica is killed", async () => {
    const receives = topology.plan.global.ingestion?.receives ?? [];
    const lost = receives[receives.length - 1];
    const start = Date.now() / 1000;
    await sleep(10_000);
    await topology.supervisor.kill(lost.name);
    const killedAt = Date.now() / 1000;
    // Long enough after the kill for writes to have gone on through the hashring with a member missing.
    await sleep(15_000);
    const end = Date.now() / 1000 - 6; // the remote-write batch deadline (5s) and a scrape: written by now
    const whole = await waitFor("every agent series complete across the kill", 60_000, async () => {
      const found = await completeHistories(topology, start, end);
      return found.problems.length === 0 ? found : undefined;
    }).catch(async () => completeHistories(topology, start, end));
    assert.deepStrictEqual(whole.problems, []);
    // What the survivors hold alone is every sample: nothing lived only on the killed replica.
    const raw = await agentSamples(topology, start, end, "raw");
    for (const survivor of receives.filter((r) => r !== lost)) {
      for (const s of whole.series) {
        const copy = raw.find((r) => r.metric.receive_replica === survivor.name && seriesKey(r) === seriesKey(s));
        assert.strictEqual(copy?.values.length, s.values.length, `${survivor.name}'s copy of ${seriesKey(s)}`);
      }
    }
    const samples = whole.series.map((s) => s.values.length);
    report(
      `${lost.name} killed at +${(killedAt - start).toFixed(0)}s of ${(end - start).toFixed(0)}s: ${whole.series.length} agent series, ${Math.min(...samples)}-${Math.max(...samples)} samples each, longest gap ${Math.max(...whole.series.map((s) => longestGap(s, start, end))).toFixed(1)}s, held whole by both survivors`,
    );
    await topology.supervisor.restart(lost.name);
    await topology.waitListening(lost.name);
  });

  it("catches up from the agents' write-ahead log after the region's link to Receive drops", async () => {
    const start = Date.now() / 1000;
    await sleep(5_000);
    await topology.cutReceiveLink();
    const cutAt = Date.now() / 1000;
    await sleep(OUTAGE_MS);
    // The cut held: nothing the agents scraped since reached Receive.
    const newest = await thanosQuery(topology.rendered.query, `max(timestamp(${FLEET}))`);
    const newestDuringCut = Number(newest.result[0]?.value[1] ?? 0);
    assert.ok(
      newestDuringCut < cutAt + 1,
      `a sample of ${(newestDuringCut - cutAt).toFixed(1)}s after the cut reached Receive`,
    );
    await topology.restoreReceiveLink();
    const restoredAt = Date.now() / 1000;
    const end = restoredAt + 2;
    // Past the window's end by a remote-write batch (5s deadline): its last samples are no gap at its edge.
    await sleep(8_000);
    const whole = await waitFor("the outage's samples to arrive from the write-ahead log", 90_000, async () => {
      const found = await completeHistories(topology, start, end);
      return found.problems.length === 0 ? found : undefined;
    }).catch(async () => completeHistories(topology, start, end));
    assert.deepStrictEqual(whole.problems, []);
    const caughtUp = Date.now() / 1000;
    const inOutage = whole.series.map((s) => s.values.filter(([t]) => t > cutAt && t < restoredAt).length);
    report(
      `link cut for ${(restoredAt - cutAt).toFixed(0)}s: ${whole.series.length} agent series, ${Math.min(...inOutage)}-${Math.max(...inOutage)} samples each from the outage, caught up ${(caughtUp - restoredAt).toFixed(0)}s after the link was back, longest gap ${Math.max(...whole.series.map((s) => longestGap(s, start, end))).toFixed(1)}s`,
    );
  });
});
