/**
 * 5. Alert pipeline: from a target starting to fail to the notification at the webhook, through both replicas
 * of its shard and the three-peer Alertmanager mesh; copies per alert with every peer up and with one killed.
 */
import { parseDuration } from "../config/duration";
import { deliveryProblem, receivedAlerts, setTargetFailing, TARGET_DOWN } from "../local/check";
import { type LocalRegion, address } from "../local/plan";
import { FLEET_JOB, LOCAL_TIMING } from "../local/settings";
import type { Log, Topology } from "../local/topology";
import { figure, type Section } from "./report";
import { mean, percentile, round } from "./stats";

export interface AlertSettings {
  /** Alerts induced with every peer up, and again with one peer killed (on distinct targets). */
  readonly alertsPerCondition: number;
  /** The peers' `--cluster.peer-timeout`: the clusters' in the full run, the local topology's in the quick one. */
  readonly peerTimeout: string;
  /**
   * Check that no alert is notified twice. Only with the clusters' peer timeout and the machine to itself: with
   * 2s a starved peer may notify before gossip arrives, which Alertmanager allows (deduplication is best-effort).
   */
  readonly exactlyOnce: boolean;
}

interface Induced {
  readonly latencyMs: number;
  readonly copies: number;
}

/** Breaks each target at once, waits for its alert (and for any duplicate), then mends it. */
async function induce(
  topology: Topology,
  targets: readonly { region: LocalRegion; port: number }[],
): Promise<Induced[]> {
  return Promise.all(
    targets.map(async ({ region, port }) => {
      const labels = { alertname: TARGET_DOWN, region: region.name, job: FLEET_JOB, instance: address(port) };
      const started = Date.now();
      await setTargetFailing(region, port, true);
      try {
        // Only notifications after this failure count: under the other phases' load the same target can
        // miss a scrape earlier and have its alert sent and resolved before this measurement starts.
        const received = await receivedAlerts(topology, labels, undefined, started);
        return { latencyMs: received[0].receivedAt - started, copies: received.length };
      } catch {
        return { latencyMs: NaN, copies: 0 };
      } finally {
        await setTargetFailing(region, port, false);
      }
    }),
  );
}

const seconds = (duration: string) => parseDuration(duration) ?? NaN;

/**
 * What holds on a loaded machine too (local/check.ts deliveryProblem): every alert delivered, and at most one
 * copy per running peer, since a peer that has not heard of a notification by gossip within its wait sends its own.
 */
function deliveryCheck(condition: string, alerts: readonly Induced[], runningPeers: number) {
  const problems = alerts
    .map((x, i) => deliveryProblem(`alert ${i + 1}`, x.copies, runningPeers))
    .filter((p) => p !== undefined);
  return {
    what: `every alert reaches the webhook, at least once and at most once per peer, ${condition}`,
    passed: problems.length === 0,
    detail: problems.length
      ? problems.join("; ")
      : `copies per alert: ${alerts.map((x) => x.copies).join(", ")} (at most ${runningPeers})`,
  };
}

export async function alertPipeline(topology: Topology, settings: AlertSettings, log: Log): Promise<Section> {
  const k = settings.alertsPerCondition;
  const regions = topology.plan.regions;
  // Distinct targets for every alert, alternating regions: an alert already sent would not be sent again.
  const targets = Array.from({ length: 2 * k }, (_, i) => ({
    region: regions[i % regions.length],
    port: regions[i % regions.length].fleet.targetPorts[Math.floor(i / regions.length)],
  }));
  if (targets.some((t) => t.port === undefined))
    throw new Error(`alerts: ${2 * k} alerts need ${Math.ceil(k)} targets per region`);
  const peers = topology.plan.global.alertmanagers;
  const replicas = regions[0].plan.replicas;

  log(`alerts: ${k} alert(s) with ${replicas} replicas x ${peers.length} peers`);
  const healthy = await induce(topology, targets.slice(0, k));
  const victim = peers[0].name;
  log(`alerts: killing ${victim} (the peer that notifies first), then ${k} more alert(s)`);
  await topology.supervisor.kill(victim);
  // Until gossip declares the victim dead the survivors can both notify (at least once, as upstream); the
  // figure is the mesh after detection.
  await topology.waitMeshSettled();
  const degraded = await induce(topology, targets.slice(k));

  const configuredMs = (seconds(LOCAL_TIMING.alertFor) + seconds(LOCAL_TIMING.groupWait)) * 1000;
  const describe = (xs: Induced[]) => {
    const delivered = xs.filter((x) => x.copies > 0);
    const latencies = delivered.map((x) => x.latencyMs);
    return {
      alerts: xs.length,
      delivered: delivered.length,
      copiesPerAlert: xs.length ? round(mean(xs.map((x) => x.copies)), 2) : 0,
      duplicates: xs.reduce((n, x) => n + Math.max(0, x.copies - 1), 0),
      p50: latencies.length ? percentile(latencies, 50) : NaN,
      max: latencies.length ? Math.max(...latencies) : NaN,
    };
  };
  const h = describe(healthy);
  const d = describe(degraded);
  const row = (name: string, x: ReturnType<typeof describe>) => [
    name,
    figure(x.alerts, "alerts"),
    figure(x.delivered, "alerts"),
    figure(x.copiesPerAlert, "notifications/alert"),
    figure(x.duplicates, "duplicates"),
    figure(round(x.p50 / 1000, 2), "s"),
    figure(round(x.max / 1000, 2), "s"),
    figure(round((x.p50 - configuredMs) / 1000, 2), "s"),
  ];
  return {
    id: "alertPipeline",
    title: "Alert pipeline",
    method:
      `A synthetic target is made to fail (its /metrics answers 503) and the clock runs until the webhook receives TargetDown for it; ` +
      `the receiver then keeps listening for the window in which a mesh duplicate would arrive. ${k} alert(s) on distinct targets with ` +
      `${replicas} Prometheus replicas per shard and ${peers.length} Alertmanager peers, then ${k} more after \`kill -9\` of ${victim}, once the survivors' gossip has declared it gone. ` +
      `The local topology's timings count in the latency: scrape and evaluation every ${LOCAL_TIMING.scrapeInterval}, \`for: ${LOCAL_TIMING.alertFor}\`, ` +
      `\`group_wait: ${LOCAL_TIMING.groupWait}\`, peer timeout ${topology.plan.peerTimeout} (${settings.exactlyOnce ? "the clusters' own" : "the local topology's, not the clusters'"}); "beyond for + group_wait" subtracts the two configured delays.`,
    tables: [
      {
        columns: [
          "mesh",
          "alerts",
          "delivered",
          "notifications per alert",
          "duplicates",
          "latency p50",
          "latency max",
          "p50 beyond for + group_wait",
        ],
        rows: [
          row(`${peers.length} of ${peers.length} peers`, h),
          row(`${peers.length - 1} of ${peers.length} peers (${victim} killed)`, d),
        ],
      },
    ],
    figures: {
      replicasPerShard: figure(replicas, "replicas"),
      peers: figure(peers.length, "peers"),
      configuredDelay: figure(configuredMs / 1000, "s"),
      allPeers: {
        alerts: figure(h.alerts, "alerts"),
        notificationsPerAlert: figure(h.copiesPerAlert, "notifications/alert"),
        duplicates: figure(h.duplicates, "duplicates"),
        latencyP50: figure(round(h.p50 / 1000, 2), "s"),
        latencyMax: figure(round(h.max / 1000, 2), "s"),
      },
      onePeerKilled: {
        alerts: figure(d.alerts, "alerts"),
        notificationsPerAlert: figure(d.copiesPerAlert, "notifications/alert"),
        duplicates: figure(d.duplicates, "duplicates"),
        latencyP50: figure(round(d.p50 / 1000, 2), "s"),
        latencyMax: figure(round(d.max / 1000, 2), "s"),
      },
    },
    summary: [
      {
        measure: `Alert pipeline, ${replicas} replicas x ${peers.length} peers: condition to webhook (p50), notifications per alert`,
        result: `${round(h.p50 / 1000, 1)} s (of which ${configuredMs / 1000} s configured for + group_wait), ${h.copiesPerAlert} per alert, ${h.duplicates} duplicates`,
      },
      {
        measure: "Alert pipeline with one peer killed",
        result: `${round(d.p50 / 1000, 1)} s, ${d.copiesPerAlert} per alert, ${d.duplicates} duplicates`,
      },
    ],
    checks: [
      deliveryCheck(`with ${peers.length} peers`, healthy, peers.length),
      deliveryCheck("with one peer killed", degraded, peers.length - 1),
      ...(settings.exactlyOnce
        ? [
            {
              what: `every alert reaches the webhook exactly once with ${peers.length} peers (peer timeout ${topology.plan.peerTimeout})`,
              passed: h.delivered === k && h.duplicates === 0,
              detail: `${h.delivered}/${k} delivered, ${h.duplicates} duplicates`,
            },
            {
              what: `every alert reaches the webhook exactly once with one peer killed (peer timeout ${topology.plan.peerTimeout})`,
              passed: d.delivered === k && d.duplicates === 0,
              detail: `${d.delivered}/${k} delivered, ${d.duplicates} duplicates`,
            },
          ]
        : []),
    ],
  };
}
