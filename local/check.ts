/**
 * The end-to-end checks of `npm start -- --check`, one function per promise the topology makes. The e2e tests
 * call the same functions around the failures they cause.
 */
import * as fs from "node:fs";
import { metricValue, request, query, ruleGroups, thanosQuery } from "./client";
import { type LocalPrometheus, type LocalRegion, type LocalWritingRegion, address, everyRegion } from "./plan";
import { EXPECTED_LOCAL_WARNINGS } from "./render";
import { FLEET_JOB } from "./settings";
import type { Log, Topology } from "./topology";
import { sleep, waitFor } from "./wait";
import type { ReceivedAlert } from "./webhook";
import { parseDuration } from "../config/duration";

const ALERT_TIMEOUT_MS = 60_000;
export const TARGET_DOWN = "TargetDown";

/** Every federation Prometheus holds the recording rules of every region. */
export async function recordingRulesReachFederation(topology: Topology): Promise<void> {
  const expected = everyRegion(topology.plan).map((r) => r.name);
  for (const [name, access] of topology.rendered.federation) {
    const found = await topology.regionsWithRecordingRules(access);
    const missing = expected.filter((r) => !found.includes(r));
    if (missing.length > 0) throw new Error(`${name} has no recording rules from ${missing.join(", ")}`);
  }
}

/**
 * Every rule of every Prometheus, regional and federation, and of every remote-write region's Rulers,
 * evaluates without error: a default alert or recording rule that fails on real series (many-to-many
 * matching, duplicate label sets) is as silent as a missing one. Waits until each rule has been evaluated
 * once, then names every rule that reports an error.
 */
export async function everyRuleEvaluates(topology: Topology): Promise<void> {
  const servers = [
    ...topology.plan.regions.flatMap((r) => r.prometheus.map((p) => [p.name, topology.access(p.name)] as const)),
    ...topology.plan.writingRegions.flatMap((r) => r.rulers.map((p) => [p.name, topology.access(p.name)] as const)),
    ...topology.rendered.federation,
  ];
  const problems: string[] = [];
  for (const [name, access] of servers) {
    const groups = await waitFor(`${name} to evaluate every rule once`, ALERT_TIMEOUT_MS, async () => {
      const found = await ruleGroups(access);
      return found.length > 0 && found.every((g) => g.rules.every((r) => r.health !== "unknown")) ? found : undefined;
    });
    for (const group of groups) {
      for (const rule of group.rules.filter((r) => r.health !== "ok"))
        problems.push(`${name}: rule ${rule.name} of group ${group.name}: ${rule.lastError}`);
    }
  }
  if (problems.length > 0) throw new Error(problems.join("; "));
}

/** The synthetic targets a regional Prometheus scrapes, as `host:port`. */
async function scrapedTargets(topology: Topology, processName: string): Promise<string[]> {
  const samples = await query(topology.access(processName), `up{job="${FLEET_JOB}"}`);
  return samples.map((s) => s.metric.instance).sort();
}

/**
 * Each synthetic target of the region is scraped by exactly one shard, and by every replica of that shard:
 * the shards split the fleet without overlap or gap.
 */
export async function eachTargetScrapedByOneShard(topology: Topology, region: LocalRegion): Promise<void> {
  const all = region.fleet.targetPorts.map(address).sort();
  const byShard = await waitFor(`every ${region.name} target to be scraped`, ALERT_TIMEOUT_MS, async () => {
    const shards = new Map<number, string[]>();
    for (const p of region.prometheus) {
      const targets = await scrapedTargets(topology, p.name);
      const other = shards.get(p.shard);
      if (other && other.join() !== targets.join()) return undefined; // replicas still discovering
      shards.set(p.shard, targets);
    }
    return [...shards.values()].flat().length >= all.length ? shards : undefined;
  });
  const owners = new Map<string, number[]>();
  for (const [shard, targets] of byShard) for (const t of targets) owners.set(t, [...(owners.get(t) ?? []), shard]);
  const problems = all
    .filter((t) => (owners.get(t) ?? []).length !== 1)
    .map(
      (t) =>
        `${t} is scraped by ${(owners.get(t) ?? []).length} shards (${(owners.get(t) ?? []).join(", ") || "none"})`,
    );
  const strangers = [...owners.keys()].filter((t) => !all.includes(t));
  if (strangers.length > 0) problems.push(`unknown targets scraped: ${strangers.join(", ")}`);
  if (problems.length > 0) throw new Error(`${region.name}: ${problems.join("; ")}`);
}

/**
 * The same for a remote-write region, whose agents answer no query: through Thanos Query's raw answer (the
 * series Receive holds), each synthetic target is under exactly one shard, and under every replica of it.
 */
export async function eachWrittenTargetScrapedByOneShard(
  topology: Topology,
  region: LocalWritingRegion,
): Promise<void> {
  const all = region.fleet.targetPorts.map(address).sort();
  const replicasOf = (shard: number) => region.agents.filter((a) => a.shard === shard).length;
  const expr = `group by (instance, shard, prometheus_replica) (up{job="${FLEET_JOB}", region="${region.name}"})`;
  const owners = await waitFor(`every ${region.name} target to be written to Receive`, ALERT_TIMEOUT_MS, async () => {
    const { result } = await thanosQuery(topology.rendered.query, expr, { dedup: false });
    const byTarget = new Map<string, { shards: Set<string>; replicas: number }>();
    for (const s of result) {
      const owner = byTarget.get(s.metric.instance) ?? { shards: new Set<string>(), replicas: 0 };
      owner.shards.add(s.metric.shard);
      owner.replicas += 1;
      byTarget.set(s.metric.instance, owner);
    }
    const complete = all.every((t) => {
      const owner = byTarget.get(t);
      return owner !== undefined && owner.replicas >= replicasOf(Number([...owner.shards][0]));
    });
    return complete ? byTarget : undefined;
  });
  const problems = [...owners]
    .filter(([, o]) => o.shards.size !== 1 || o.replicas !== replicasOf(Number([...o.shards][0])))
    .map(([t, o]) => `${t} is under shards ${[...o.shards].join(", ")} with ${o.replicas} replica series`);
  const strangers = [...owners.keys()].filter((t) => !all.includes(t));
  if (strangers.length > 0) problems.push(`unknown targets written: ${strangers.join(", ")}`);
  if (problems.length > 0) throw new Error(`${region.name}: ${problems.join("; ")}`);
}

/** Time after a first notification within which a peer that missed the mesh's notification log would send its own. */
export function meshDuplicateWindowMs(peers: number, peerTimeout: string): number {
  return peers * (parseDuration(peerTimeout) ?? 0) * 1000 + 2000;
}

/**
 * What Alertmanager promises of one alert's notifications, as a problem or nothing: at least once, and
 * deduplicated by the mesh only as far as gossip keeps up. A peer that has not heard of the first
 * notification by its position x the peer timeout sends its own; on a busy machine (a starved peer, the
 * local topology's 2s) that happens, so at most one copy per peer is what holds everywhere. Exactly once is
 * a figure of the benchmark's full run, measured with the clusters' peer timeout.
 */
export function deliveryProblem(what: string, copies: number, peers: number): string | undefined {
  if (copies < 1) return `${what} never reached the webhook`;
  if (copies > peers)
    return `${what} reached the webhook ${copies} times, more than once per Alertmanager peer (${peers})`;
  return undefined;
}

/**
 * Waits for a firing alert with `labels` at the webhook (since `since`), then through the window in which a
 * mesh duplicate would arrive, and returns every copy received (exactly one when replicas and peers are
 * deduplicated).
 */
export async function receivedAlerts(
  topology: Topology,
  labels: Readonly<Record<string, string>>,
  timeoutMs = ALERT_TIMEOUT_MS,
  /** Only notifications that arrived at or after this time (ms since the epoch) count. */
  since = 0,
): Promise<ReceivedAlert[]> {
  const what = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  const firing = () => topology.webhook.firing(labels).filter((a) => a.receivedAt >= since);
  await waitFor(`a notification of {${what}} at the webhook`, timeoutMs, async () =>
    firing().length > 0 ? true : undefined,
  );
  await sleep(meshDuplicateWindowMs(topology.plan.global.alertmanagers.length, topology.plan.peerTimeout));
  return firing();
}

/** Makes one synthetic target fail its scrapes (or recover). */
export async function setTargetFailing(
  region: Pick<LocalRegion, "fleet">,
  targetPort: number,
  failing: boolean,
): Promise<void> {
  await request(
    { url: `http://${address(region.fleet.controlPort)}` },
    `/targets/${targetPort}/${failing ? "fail" : "recover"}`,
    "POST",
  );
}

/**
 * Breaks one target of the region: both replicas of its shard fire TargetDown to every Alertmanager peer, and
 * the webhook must receive it at least once and at most once per peer (deliveryProblem). The target is
 * mended afterwards.
 */
export async function inducedAlertIsDelivered(
  topology: Topology,
  region: LocalRegion,
  targetPort: number,
): Promise<void> {
  const labels = { alertname: TARGET_DOWN, region: region.name, job: FLEET_JOB, instance: address(targetPort) };
  await setTargetFailing(region, targetPort, true);
  try {
    const received = await receivedAlerts(topology, labels);
    const problem = deliveryProblem(
      `the alert about ${labels.instance} in ${region.name}`,
      received.length,
      topology.plan.global.alertmanagers.length,
    );
    if (problem) throw new Error(problem);
    // Every replica of the target's shard fires it, to every Alertmanager peer.
    const running = region.prometheus.filter((p) => topology.supervisor.isRunning(p.name));
    const firing = await replicasFiring(topology, running, labels);
    const shards = new Set(firing.map((p) => p.shard));
    if (shards.size !== 1 || firing.length !== running.filter((p) => shards.has(p.shard)).length) {
      throw new Error(
        `expected every running replica of one shard to fire the alert, got ${firing.map((p) => p.name).join(", ") || "none"}`,
      );
    }
    await everyPeerHolds(topology, labels);
  } finally {
    await setTargetFailing(region, targetPort, false);
  }
}

/**
 * Breaks one target of a remote-write region: its agents write the failed scrapes to Receive, both of the
 * region's Rulers fire TargetDown over its tenant Query to every Alertmanager peer (their replica label
 * dropped, so each peer holds it once), and the webhook receives it as deliveryProblem allows. Returns every
 * copy the webhook received. The target is mended afterwards.
 */
export async function inducedWrittenAlertIsDelivered(
  topology: Topology,
  region: LocalWritingRegion,
  targetPort: number,
): Promise<ReceivedAlert[]> {
  const labels = { alertname: TARGET_DOWN, region: region.name, job: FLEET_JOB, instance: address(targetPort) };
  const since = Date.now();
  await setTargetFailing(region, targetPort, true);
  try {
    const received = await receivedAlerts(topology, labels, ALERT_TIMEOUT_MS, since);
    const problem = deliveryProblem(
      `the alert about ${labels.instance} in ${region.name}`,
      received.length,
      topology.plan.global.alertmanagers.length,
    );
    if (problem) throw new Error(problem);
    await everyPeerHolds(topology, labels);
    return received;
  } finally {
    await setTargetFailing(region, targetPort, false);
  }
}

/** The replicas among `replicas` where an alert with `labels` is firing now (`region` is an external label, not in ALERTS). */
async function replicasFiring(
  topology: Topology,
  replicas: readonly LocalPrometheus[],
  labels: Readonly<Record<string, string>>,
) {
  const selector = Object.entries({ ...labels, alertstate: "firing" })
    .filter(([k]) => k !== "region")
    .map(([k, v]) => `${k}="${v}"`)
    .join(",");
  const firing = await Promise.all(
    replicas.map(async (p) =>
      (await query(topology.access(p.name), `ALERTS{${selector}}`)).length > 0 ? p : undefined,
    ),
  );
  return firing.filter((p): p is NonNullable<typeof p> => p !== undefined);
}

/** Every running Alertmanager peer holds the alert: Prometheus sent it to each one, not through one of them. */
async function everyPeerHolds(topology: Topology, labels: Readonly<Record<string, string>>): Promise<void> {
  const filters = Object.entries(labels)
    .map(([k, v]) => `filter=${encodeURIComponent(`${k}="${v}"`)}`)
    .join("&");
  for (const am of topology.plan.global.alertmanagers.filter((a) => topology.supervisor.isRunning(a.name))) {
    const alerts = JSON.parse(await request(topology.access(am.name), `/api/v2/alerts?${filters}`)) as unknown[];
    if (alerts.length !== 1) throw new Error(`${am.name} holds ${alerts.length} copies of the alert, not 1`);
  }
}

/** How long the first blocks take to reach a bucket and a store gateway (block duration, cut, 30s ship, sync). */
const UPLOAD_TIMEOUT_MS = 120_000;

/** The blocks in a region's bucket: the ULIDs with a meta.json (uploaded last, so the block is complete). */
async function bucketBlocks(topology: Topology, region: string): Promise<string[]> {
  return (await topology.bucketObjects(region))
    .map((o) => /^([0-9A-HJKMNP-TV-Z]{26})\/meta\.json$/.exec(o)?.[1])
    .filter((b): b is string => b !== undefined);
}

/** Blocks reach each sidecar-mode region's bucket, and every store gateway of the region has loaded some. */
export async function blocksReachBucketsAndStores(topology: Topology): Promise<void> {
  for (const region of topology.plan.regions) {
    await waitFor(`a block in ${region.name}'s bucket`, UPLOAD_TIMEOUT_MS, async () =>
      (await bucketBlocks(topology, region.name)).length > 0 ? true : undefined,
    );
    for (const store of region.stores) {
      await waitFor(`${store.name} to load a block`, UPLOAD_TIMEOUT_MS, async () =>
        ((await metricValue(topology.access(store.name), "thanos_bucket_store_blocks_loaded")) ?? 0) > 0
          ? true
          : undefined,
      );
    }
  }
}

/** Each sidecar-mode region's compactor has completed a run over its bucket and is not halted. */
export async function compactorsRunWithoutHalting(topology: Topology): Promise<void> {
  for (const region of topology.plan.regions) {
    const access = topology.access(region.compactor.name);
    await waitFor(`${region.compactor.name} to complete a run`, UPLOAD_TIMEOUT_MS, async () =>
      ((await metricValue(access, "thanos_compact_iterations_total")) ?? 0) > 0 ? true : undefined,
    );
    const halted = await metricValue(access, "thanos_compact_halted");
    if (halted !== 0) throw new Error(`${region.compactor.name} reports thanos_compact_halted ${halted}`);
  }
}

/**
 * Through the Query Frontend, each target of each region is one series (its shard's replicas, and for a
 * remote-write region Receive's copies too, deduplicated), where the raw answer holds one per replica (and per
 * Receive replica: a remote-write region's series come from Receive).
 */
export async function queryDeduplicatesReplicas(topology: Topology): Promise<void> {
  const expr = `count by (region) (up{job="${FLEET_JOB}"})`;
  const counts = (result: readonly { metric: Readonly<Record<string, string>>; value: readonly [number, string] }[]) =>
    new Map(result.map((s) => [s.metric.region, Number(s.value[1])]));
  const receives = topology.plan.global.ingestion?.receives.length ?? 0;
  // Raw copies of each target's series: one per replica, and a writing region's once more per Receive replica.
  const regions = [
    ...topology.plan.regions.map((region) => ({ region, copies: region.plan.replicas })),
    ...topology.plan.writingRegions.map((region) => ({ region, copies: region.plan.replicas * receives })),
  ];
  await waitFor(
    "Thanos Query to answer for every target of every region through the frontend",
    ALERT_TIMEOUT_MS,
    async () => {
      const [deduplicated, raw] = await Promise.all([
        thanosQuery(topology.rendered.frontend, expr),
        thanosQuery(topology.rendered.frontend, expr, { dedup: false }),
      ]);
      const d = counts(deduplicated.result);
      const r = counts(raw.result);
      return regions.every(
        ({ region, copies }) =>
          d.get(region.name) === region.fleet.targetPorts.length &&
          r.get(region.name) === region.fleet.targetPorts.length * copies,
      )
        ? true
        : undefined;
    },
  );
}

/**
 * Log lines of a Thanos process at level error or warn (its JSON log), e.g. a flag or file it rejected, but
 * for the warnings the local adaptations cause.
 */
function thanosLogProblems(topology: Topology, processName: string): string[] {
  const file = topology.supervisor.logFile(processName);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter(
      (line) => /"level":"(error|warn)"/.test(line) && !EXPECTED_LOCAL_WARNINGS.some((expected) => expected.test(line)),
    );
}

/** No Thanos process has logged an error or warning of its own (each would name a config, flag or file it could not use). */
export function thanosLogsAreClean(topology: Topology): void {
  const problems = [...topology.rendered.thanos.keys()].flatMap((name) =>
    thanosLogProblems(topology, name).map((line) => `${name}: ${line.slice(0, 400)}`),
  );
  if (problems.length > 0) throw new Error(problems.join("\n"));
}

/** Runs every check and returns what failed, in words. */
export async function runChecks(topology: Topology, log: Log): Promise<string[]> {
  const failures: string[] = [];
  const run = async (what: string, check: () => Promise<void>) => {
    try {
      await check();
      log(`ok: ${what}`);
    } catch (err) {
      failures.push(`${what}: ${(err as Error).message}`);
    }
  };
  await run("every region's recording rules arrive at the global federation Prometheus", () =>
    recordingRulesReachFederation(topology),
  );
  await run("every rule of every Prometheus evaluates without error", () => everyRuleEvaluates(topology));
  for (const region of topology.plan.regions) {
    await run(`each ${region.name} target is scraped by exactly one shard`, () =>
      eachTargetScrapedByOneShard(topology, region),
    );
  }
  for (const region of topology.plan.writingRegions) {
    await run(`each ${region.name} target is scraped by exactly one shard and written to Receive`, () =>
      eachWrittenTargetScrapedByOneShard(topology, region),
    );
  }
  await run("a query through the Query Frontend returns each target once, not once per replica", () =>
    queryDeduplicatesReplicas(topology),
  );
  await run("blocks reach every sidecar-mode region's bucket and its store gateways serve them", () =>
    blocksReachBucketsAndStores(topology),
  );
  await run("every sidecar-mode region's compactor runs without halting", () => compactorsRunWithoutHalting(topology));
  await run("no Thanos process logs an error or warning", async () => thanosLogsAreClean(topology));
  const region = topology.plan.regions[0];
  await run(`an alert induced in ${region.name} reaches the webhook, at most once per Alertmanager peer`, () =>
    inducedAlertIsDelivered(topology, region, region.fleet.targetPorts[0]),
  );
  for (const writing of topology.plan.writingRegions) {
    await run(
      `an alert induced in ${writing.name} reaches the webhook from its Rulers, at most once per Alertmanager peer`,
      async () => {
        await inducedWrittenAlertIsDelivered(topology, writing, writing.fleet.targetPorts[0]);
      },
    );
  }
  return failures;
}
