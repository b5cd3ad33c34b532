/**
 * The local topology under the failures its users worry about. One topology serves the whole file and the
 * tests run in order: each leaves its failure in place for the next, and the last restarts everything.
 * Every process is started by the topology and stopped by pid in `after`.
 */
import * as assert from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";
import { alertmanagerProbeCommand } from "../../builders/alertmanager/probe";
import { ALERTMANAGER } from "../../builders/global/layout";
import { promtoolCheckCommand } from "../../builders/prometheus/probe";
import { localClientConfig } from "../../builders/prometheus/web";
import { REGION_UNREACHABLE } from "../../builders/federation/alerts";
import { GLOBAL_RECORDING_RULES } from "../../builders/federation/rules";
import { REGIONAL_RECORDING_RULES } from "../../builders/federation/series";
import {
  deliveryProblem,
  eachTargetScrapedByOneShard,
  inducedAlertIsDelivered,
  receivedAlerts,
  setTargetFailing,
} from "../../local/check";
import { query, queryRange, type Series } from "../../local/client";
import { address } from "../../local/plan";
import { FLEET_JOB, LOCAL_TIMING } from "../../local/settings";
import { Topology } from "../../local/topology";
import { e2eBasePort } from "../support/ports";
import { sleep, waitFor } from "../../local/wait";
import { parseDuration } from "../../config/duration";

const TARGETS_PER_REGION = 8;
const SHARDS = 2;
const FEDERATION_INTERVAL_MS = (parseDuration(LOCAL_TIMING.federationInterval) ?? 0) * 1000;
const now = () => Math.floor(Date.now() / 1000);

/** The global series the federation records from a regional recording rule. */
function globalOf(regional: string): string {
  const rule = GLOBAL_RECORDING_RULES.find((r) => r.source === regional && !r.rate);
  if (!rule) throw new Error(`no global recording rule reads ${regional}`);
  return rule.record;
}
const GLOBAL_TARGETS_UP = globalOf(REGIONAL_RECORDING_RULES.targetsUp);
const GLOBAL_REQUESTS = globalOf(REGIONAL_RECORDING_RULES.requests);

/** Values of one range-query series, by region. */
function byRegion(series: readonly Series[]): Map<string, number[]> {
  return new Map(series.map((s) => [s.metric.region, s.values.map(([, v]) => Number(v))]));
}

/**
 * The exit status of the probe the clusters run in an Alertmanager pod (builders/alertmanager/probe.ts), run
 * here with the local binary and the peer's address and credentials.
 */
function alertmanagerProbeOf(topology: Topology): (name: string) => Promise<number | null> {
  return async (name) => {
    const access = topology.access(name);
    const clientConfigFile = path.join(topology.plan.global.dir, `${name}-probe-client.yaml`);
    fs.writeFileSync(
      clientConfigFile,
      YAML.stringify(
        localClientConfig({
          username: access.username!,
          passwordFile: access.passwordFile!,
          caFile: access.caFile!,
          serverName: ALERTMANAGER.tlsServerName,
        }),
      ),
    );
    return exitStatus(
      alertmanagerProbeCommand({ amtool: topology.binaries.amtool, url: access.url, clientConfigFile }),
    );
  };
}

/** The exit status of a probe's command, as the kubelet reads it. */
function exitStatus([command, ...args]: readonly string[]): Promise<number> {
  return new Promise((resolve) =>
    execFile(command, args, { timeout: 10_000 }, (err) =>
      resolve(err ? (typeof err.code === "number" ? err.code : 1) : 0),
    ),
  );
}

describe("local topology end to end", function () {
  this.timeout(120_000);
  let topology: Topology;
  const federation = () => topology.access(topology.plan.global.federation[0].name);
  const alertmanagerProbe = (name: string) => alertmanagerProbeOf(topology)(name);
  /** The global count of the fleet's healthy targets, per region. */
  const fleetUpSum = (region?: string) =>
    `${GLOBAL_TARGETS_UP}{job="${FLEET_JOB}"${region ? `, region="${region}"` : ""}}`;

  before(async function () {
    this.timeout(180_000);
    topology = await Topology.create({
      basePort: e2eBasePort(11090),
      shards: SHARDS,
      targetsPerRegion: TARGETS_PER_REGION,
    });
    await topology.start();
    await topology.waitReady();
  });

  after(async function () {
    this.timeout(30_000);
    await topology?.stop();
  });

  it("the Query Frontend's readiness check (promtool, logged in from its client config) passes, and fails without the password", async () => {
    const access = topology.rendered.frontend;
    const check = (passwordFile: string) => {
      const clientConfigFile = path.join(topology.plan.global.dir, "frontend-probe-client.yaml");
      fs.writeFileSync(
        clientConfigFile,
        YAML.stringify(
          localClientConfig({
            username: access.username!,
            passwordFile,
            caFile: access.caFile!,
            serverName: "localhost",
          }),
        ),
      );
      return exitStatus(
        promtoolCheckCommand("ready", { promtool: topology.binaries.promtool, url: access.url, clientConfigFile }),
      );
    };
    assert.strictEqual(await check(access.passwordFile!), 0);
    const wrong = path.join(topology.plan.global.dir, "frontend-probe-wrong-password");
    fs.writeFileSync(wrong, "not-the-password");
    assert.notStrictEqual(await check(wrong), 0);
  });

  it("losing one replica of a region neither leaves a gap in the global sums nor doubles them", async () => {
    const region = topology.region("us-east");
    const victim = region.prometheus.find((p) => p.shard === 0 && p.replica === 0);
    assert.ok(victim);
    // Both shards and replicas of both regions are federated before anything breaks.
    const since = await waitFor("every region's fleet to be counted whole at the federation", 60_000, async () => {
      const samples = await query(federation(), fleetUpSum());
      const whole = topology.plan.regions.every((r) =>
        samples.some((s) => s.metric.region === r.name && Number(s.value[1]) === TARGETS_PER_REGION),
      );
      // From the first whole second at which the federation had it all.
      return whole ? Math.ceil(samples[0].value[0]) : undefined;
    });

    await topology.supervisor.kill(victim.name);
    await waitFor("the federation to see the killed replica down", 30_000, async () =>
      (await query(federation(), `up{job="federate-${region.name}", instance="${victim.podName}"} == 0`)).length > 0
        ? true
        : undefined,
    );
    // A few more evaluations with the replica gone.
    await sleep(3 * FEDERATION_INTERVAL_MS);
    const end = now();
    const steps = end - since + 1;

    const upSums = byRegion(await queryRange(federation(), fleetUpSum(), since, end, 1));
    for (const r of topology.plan.regions) {
      const values = upSums.get(r.name) ?? [];
      assert.strictEqual(
        values.length,
        steps,
        `${r.name}: ${fleetUpSum()} has gaps: ${values.length} of ${steps} steps`,
      );
      assert.deepStrictEqual(
        [...new Set(values)],
        [TARGETS_PER_REGION],
        `${r.name}: ${fleetUpSum()} must count each target once, got ${values}`,
      );
    }

    // The request rate is one series per region at every step as well.
    const rates = byRegion(await queryRange(federation(), GLOBAL_REQUESTS, since, end, 1));
    for (const r of topology.plan.regions) {
      const values = rates.get(r.name) ?? [];
      assert.strictEqual(
        values.length,
        steps,
        `${r.name}: ${GLOBAL_REQUESTS} has gaps: ${values.length} of ${steps} steps`,
      );
      assert.ok(
        values.every((v) => v > 0),
        `${r.name}: ${GLOBAL_REQUESTS} dropped to 0: ${values}`,
      );
    }

    // The killed replica's last values must not linger: a target of its shard that breaks now is counted
    // down within a few federation intervals, not held up by the dead replica's frozen sum for 5 minutes.
    const survivor = region.prometheus.find((p) => p.shard === victim.shard && p.name !== victim.name);
    assert.ok(survivor);
    const shardTargets = (await query(topology.access(survivor.name), `up{job="${FLEET_JOB}"}`)).map(
      (s) => s.metric.instance,
    );
    const broken = region.fleet.targetPorts.find((port) => shardTargets.includes(address(port)));
    assert.ok(broken, `${survivor.name} scrapes none of the fleet's targets`);
    await setTargetFailing(region, broken, true);
    try {
      await waitFor(
        `${fleetUpSum(region.name)} to count the broken target down`,
        5 * FEDERATION_INTERVAL_MS,
        async () => {
          const [sum] = await query(federation(), fleetUpSum(region.name));
          return Number(sum?.value[1]) === TARGETS_PER_REGION - 1 ? true : undefined;
        },
      );
    } finally {
      await setTargetFailing(region, broken, false);
    }
    await waitFor(`${fleetUpSum(region.name)} to count the mended target again`, 30_000, async () => {
      const [sum] = await query(federation(), fleetUpSum(region.name));
      return Number(sum?.value[1]) === TARGETS_PER_REGION ? true : undefined;
    });
  });

  it("losing one Alertmanager peer, a new alert still reaches the webhook, at most once per peer left; the lost peer's probe fails, the others' pass", async () => {
    const [lost, ...left] = topology.plan.global.alertmanagers.map((am) => am.name);
    assert.deepStrictEqual(
      await Promise.all([lost, ...left].map(alertmanagerProbe)),
      [0, ...left.map(() => 0)],
      "every peer's probe passes",
    );
    await topology.supervisor.kill(lost);
    assert.notStrictEqual(await alertmanagerProbe(lost), 0, "the lost peer's probe fails");
    await topology.waitMeshSettled();
    const region = topology.region("us-east");
    await inducedAlertIsDelivered(topology, region, region.fleet.targetPorts[1]);
  });

  it("losing a whole region, the global tier keeps serving the other one and alerts about the lost one", async () => {
    const lost = topology.region("eu-west");
    const stoppedAt = Date.now();
    await Promise.all(topology.regionProcesses(lost.name).map((name) => topology.supervisor.stop(name)));

    // The global tier names the lost region in a critical notification: at least once, at most once per peer.
    const after = await receivedAlerts(
      topology,
      { alertname: REGION_UNREACHABLE, region: lost.name, severity: "critical" },
      undefined,
      stoppedAt,
    );
    assert.strictEqual(
      deliveryProblem(
        `${lost.name} lost: ${REGION_UNREACHABLE}`,
        after.length,
        topology.plan.global.alertmanagers.length,
      ),
      undefined,
    );

    for (const f of topology.plan.global.federation) {
      const access = topology.access(f.name);
      assert.ok(
        (await topology.regionsWithRecordingRules(access)).includes("us-east"),
        `${f.name} lost the recording rules of us-east`,
      );
      const fresh = await query(access, `time() - timestamp(${fleetUpSum("us-east")}) < 5`);
      assert.strictEqual(fresh.length, 1, `${f.name} has no fresh global sum for us-east`);
      const [sum] = await query(access, fleetUpSum("us-east"));
      assert.strictEqual(
        Number(sum?.value[1]),
        TARGETS_PER_REGION,
        `${f.name}: the us-east fleet is not counted whole`,
      );
    }
  });

  it("restarting everything that was killed or stopped, every part rejoins", async () => {
    const stopped = topology.supervisor.names().filter((name) => !topology.supervisor.isRunning(name));
    assert.ok(
      stopped.length >= 2 + topology.regionProcesses("eu-west").length,
      `expected the earlier failures to be down, got ${stopped}`,
    );
    await Promise.all(stopped.map((name) => topology.supervisor.restart(name)));

    await topology.waitReady();
    const federated = topology.plan.regions.flatMap((r) =>
      r.prometheus.map((p) => ({ job: `federate-${r.name}`, instance: p.podName })),
    );
    for (const f of topology.plan.global.federation) {
      await waitFor(`${f.name} to federate every regional replica again`, 60_000, async () => {
        const up = await query(topology.access(f.name), `up{job=~"federate-.+"} == 1`);
        return federated.every((target) =>
          up.some((s) => s.metric.job === target.job && s.metric.instance === target.instance),
        )
          ? true
          : undefined;
      });
    }
    for (const region of topology.plan.regions) await eachTargetScrapedByOneShard(topology, region);
    const restored = topology.region("eu-west");
    await inducedAlertIsDelivered(topology, restored, restored.fleet.targetPorts[2]);
  });
});
