/**
 * Scaling a region's shards down and up on the local topology's real binaries, as `pulumi up` would with
 * `prometheus.retiringShards`: after 2 -> 1 (shard 1 retiring, then deleted once its head is in the bucket)
 * and after 1 -> 2, Thanos Query answers every fleet target's whole history, from the start of the run to now:
 * its raw samples leave no gap and never come from two shards at once (series-continuity.ts). What an instant
 * query sees under the lookback is reported beside it. Scaled time: the local blocks are 20s where the clusters' are 2h (x360),
 * so the window (over two block durations before the scale-down, all of it after) stands for the last 4h and
 * more; the scrape interval is 1s. One region runs; every process is started by the topology and stopped by
 * pid in `after`.
 */
import * as assert from "node:assert";
import { type ServerAccess, type Series, metricValue, request } from "../../local/client";
import { FLEET_JOB } from "../../local/settings";
import type { LocalRegion } from "../../local/plan";
import { Topology } from "../../local/topology";
import { sleep, waitFor } from "../../local/wait";
import { parseDuration } from "../../config/duration";
import { parseBucketListing } from "../support/backfill";
import { e2eBasePort } from "../support/ports";
import { continuityViolations, describeRuns, targetHistories } from "../support/series-continuity";

const REGION = "us-east";
const TARGETS = 8;
const RETIRING = 1;
/**
 * The longest a target may go unscraped: a handoff between shards (one reload, the pause for the staleness
 * markers, the next scrape) or a new shard's start. A removed shard's lost head would be longer: Prometheus
 * cuts its head into a block once it spans 1.5 block durations, so the head holds at least half of one (10s).
 */
const MAX_GAP_SECONDS = 8;
const FLEET = `up{job="${FLEET_JOB}",region="${REGION}"}`;

function report(line: string): void {
  console.log(`      ${line}`);
}

/** Raw samples of every fleet target over the window ending at `end`, deduplicated over replicas by Thanos Query. */
async function fleetSamples(query: ServerAccess, start: number, end: number): Promise<Series[]> {
  const params = new URLSearchParams({
    query: `${FLEET}[${Math.ceil(end - start)}s]`,
    time: String(end),
    dedup: "true",
    partial_response: "true",
  });
  const body = JSON.parse(await request(query, `/api/v1/query?${params}`)) as {
    status: string;
    data: { result: Series[] };
  };
  if (body.status !== "success") throw new Error(`raw samples: ${body.status}`);
  return body.data.result;
}

/**
 * Where a target had more than one series at a step of a range query with the default lookback (a series
 * not ended by staleness markers lingers for 5 minutes after its last sample), per target: empty if none did.
 */
async function doubledUnderLookback(query: ServerAccess, start: number, end: number): Promise<string[]> {
  const params = new URLSearchParams({
    query: `count by (instance, shard) (${FLEET})`,
    start: String(start),
    end: String(end),
    step: "1",
    dedup: "true",
    partial_response: "true",
  });
  const body = JSON.parse(await request(query, `/api/v1/query_range?${params}`)) as { data: { result: Series[] } };
  const present = new Map<string, Map<number, string[]>>();
  for (const s of body.data.result) {
    const steps = present.get(s.metric.instance) ?? new Map<number, string[]>();
    for (const [t] of s.values) steps.set(t, [...(steps.get(t) ?? []), s.metric.shard]);
    present.set(s.metric.instance, steps);
  }
  return [...present].flatMap(([instance, steps]) => {
    const doubled = [...steps].filter(([, shards]) => shards.length > 1).map(([t]) => t);
    return doubled.length === 0
      ? []
      : [
          `${instance} in shards ${[...new Set([...steps.values()].flat())].join("+")} at once for ${doubled.length} steps from ${doubled[0]}`,
        ];
  });
}

describe("shards scaled down and up without losing or doubling a target's history", function () {
  this.timeout(600_000);
  let topology: Topology;
  let region: LocalRegion;
  /** The first moment every fleet target had been scraped. */
  let start: number;
  let scaledDownAt: number;
  const blockSeconds = () => parseDuration(topology.plan.blockDuration) ?? 0;
  const query = () => topology.rendered.query;
  const retiringPods = () => region.prometheus.filter((p) => p.shard === RETIRING);

  /** Waits (bounded) until Thanos Query answers every target's history from `start` to now as promised, and returns it. */
  function wholeHistories(what: string) {
    // A violation is thrown, so a timeout names the last one seen.
    return waitFor(
      `${what}: every target's history whole in Thanos Query`,
      60_000,
      async () => {
        const end = Date.now() / 1000 - 2;
        const histories = targetHistories(await fleetSamples(query(), start, end), start, end, MAX_GAP_SECONDS);
        const violations =
          histories.length === TARGETS
            ? continuityViolations(histories, MAX_GAP_SECONDS)
            : [`${histories.length} targets answered, not ${TARGETS}`];
        if (violations.length > 0) throw new Error(violations.join("; "));
        // Measured, not asserted: Prometheus does not always write staleness markers for targets a reload drops
        // (docs/architecture.md, "Series identity"), and then an instant query sees the old series for the
        // lookback's 5 minutes.
        const lingering = await doubledUnderLookback(query(), start, end);
        report(
          `${what}, under the default lookback: ${lingering.length === 0 ? "one series per target at every step" : lingering.join("; ")}`,
        );
        return { histories, seconds: end - start };
      },
      2000,
    );
  }

  before(async function () {
    this.timeout(240_000);
    topology = await Topology.create({
      basePort: e2eBasePort(17090),
      shards: 2,
      targetsPerRegion: TARGETS,
      regions: [REGION],
    });
    await topology.start();
    await topology.waitReady();
    region = topology.region(REGION);
    start = await waitFor("Thanos Query to see every fleet target", 60_000, async () => {
      const samples = await fleetSamples(query(), Date.now() / 1000 - 5, Date.now() / 1000);
      return samples.length === TARGETS ? Date.now() / 1000 : undefined;
    });
  });

  after(async function () {
    this.timeout(60_000);
    await topology?.stop();
  });

  it("scaled down from 2 shards to 1, the retiring shard keeps its head until it is in the bucket, then is deleted with nothing lost", async () => {
    const onRetiring = (await fleetSamples(query(), Date.now() / 1000 - 5, Date.now() / 1000)).filter(
      (s) => s.metric.shard === String(RETIRING),
    );
    assert.ok(onRetiring.length > 0, "the shard to retire scrapes some fleet targets (so the test can fail)");
    // Two block durations: blocks of both shards are in the bucket, and the head holds what is not.
    await sleep(2 * blockSeconds() * 1000);

    // `pulumi up` with shards: 1, retiringShards: [1]; the shard giving its targets up reloads first.
    await topology.reshard(REGION, { shards: 1, retiringShards: [RETIRING] }, [RETIRING, 0]);
    scaledDownAt = Date.now() / 1000;
    const listing = parseBucketListing(await topology.bucketToolAsync(REGION, ["ls", "--output=json"]));
    for (const pod of retiringPods()) {
      const shipped = Math.max(
        0,
        ...listing.filter((b) => b.thanos.labels.prometheus_replica === pod.podName).map((b) => b.maxTime / 1000),
      );
      const unshipped = scaledDownAt - shipped;
      report(`${pod.podName}: ${unshipped.toFixed(1)}s of samples only in its head at the scale-down`);
      assert.ok(
        unshipped > MAX_GAP_SECONDS,
        `deleting ${pod.podName} now would leave a gap the check below sees (${unshipped.toFixed(1)}s > ${MAX_GAP_SECONDS}s)`,
      );
    }

    // docs/architecture.md's check before removing a retiring shard: every replica's head starts after the
    // scale-down...
    for (const pod of retiringPods()) {
      await waitFor(
        `${pod.name}'s head to start after the scale-down`,
        (2 * blockSeconds() + 60) * 1000,
        async () =>
          ((await metricValue(topology.access(pod.name), "prometheus_tsdb_head_min_time")) ?? 0) / 1000 > scaledDownAt
            ? true
            : undefined,
        1000,
      );
    }
    // ...and its blocks in the bucket reach it.
    const headCutAfter = Date.now() / 1000 - scaledDownAt;
    await waitFor(
      "every retiring replica's blocks in the bucket to reach the scale-down",
      90_000,
      async () => {
        const blocks = parseBucketListing(await topology.bucketToolAsync(REGION, ["ls", "--output=json"]));
        return retiringPods().every((pod) =>
          blocks.some((b) => b.thanos.labels.prometheus_replica === pod.podName && b.maxTime / 1000 >= scaledDownAt),
        )
          ? true
          : undefined;
      },
      2000,
    );
    const retainedFor = Date.now() / 1000 - scaledDownAt;
    report(
      `retiring shard: head cut ${headCutAfter.toFixed(0)}s and blocks in the bucket ${retainedFor.toFixed(0)}s after the scale-down (${(retainedFor / blockSeconds()).toFixed(1)} block durations)`,
    );

    // `pulumi up` with retiringShards: []: the StatefulSet goes, its pods with it.
    for (const pod of retiringPods()) {
      await topology.supervisor.stop(pod.sidecar.name);
      await topology.supervisor.stop(pod.name);
    }
    const { histories, seconds } = await wholeHistories("after the scale-down");
    const moved = histories.filter((h) => h.runs.some((r) => r.shard === String(RETIRING)));
    report(
      `${histories.length} targets over ${seconds.toFixed(0)}s; longest gap ${Math.max(...histories.map((h) => h.longestGap)).toFixed(1)}s; ${moved.length} moved: ${describeRuns(moved[0].runs)}`,
    );
    assert.ok(
      moved.length > 0 && moved.every((h) => h.runs[h.runs.length - 1].shard === "0"),
      "the retired shard's targets are on shard 0 now, with their history from shard 1",
    );
  });

  it("scaled up from 1 shard to 2, the new shard's targets keep their history from shard 0", async () => {
    assert.ok(scaledDownAt, "runs after the scale-down");
    // First `pulumi up`: the new shard's pods start on their old volumes, listed in retiringShards, so with no
    // target: a pod's start (seconds here, a minute or more in a cluster) is no target's gap.
    await topology.reshard(REGION, { shards: 1, retiringShards: [RETIRING] }, [RETIRING]);
    for (const pod of retiringPods()) {
      await topology.supervisor.restart(pod.name);
      await topology.waitListening(pod.name);
      await topology.supervisor.restart(pod.sidecar.name);
      await topology.waitListening(pod.sidecar.name);
    }
    // Second `pulumi up` with shards: 2: shard 0 gives half its targets up first, then shard 1 takes them.
    await topology.reshard(REGION, { shards: 2, retiringShards: [] }, [0, RETIRING]);
    // Long enough that a gap or a doubled series at the handoff is inside the window.
    await sleep(10_000);
    const { histories, seconds } = await wholeHistories("after the scale-up");
    const back = histories.filter((h) => h.runs.length > 1 && h.runs[h.runs.length - 1].shard === String(RETIRING));
    report(
      `${histories.length} targets over ${seconds.toFixed(0)}s; longest gap ${Math.max(...histories.map((h) => h.longestGap)).toFixed(1)}s; ${back.length} on shard ${RETIRING} again: ${back.length > 0 ? describeRuns(back[0].runs) : "none"}`,
    );
    assert.ok(back.length > 0, "some targets moved to the new shard (so the handoff is tested)");
  });
});
