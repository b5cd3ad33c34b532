import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { regionalPlan } from "../builders/regional/plan";
import { RECORDED } from "../builders/rules/recording";
import { parseDuration } from "../config/duration";
import { type Binaries, findBinaries } from "./binaries";
import { type ServerAccess, activeAlertmanagers, meshPeers, metricValue, query, request } from "./client";
import { LOCAL_OBJECT_STORES } from "./object-stores";
import { type LocalPlan, type LocalRegion, type LocalWritingRegion, everyRegion, planTopology } from "./plan";
import { ReceiveIngress } from "./receive-ingress";
import { type RenderedTopology, renderTopology } from "./render";
import { DEFAULT_OPTIONS, type LocalOptions } from "./settings";
import { type ShardLayout, writePrometheusConfig } from "./shard-configs";
import { localRegionalConfig } from "./stacks";
import { Supervisor } from "./supervisor";
import { WaitAbandoned, sleep, waitFor } from "./wait";
import { TokenServer } from "./token-server";
import { WebhookReceiver } from "./webhook";

export type Log = (line: string) => void;

/** Prometheus' metric of its last successful config load (seconds since the epoch). */
const LAST_RELOAD = "prometheus_config_last_reload_success_timestamp_seconds";
/**
 * Scrape intervals a shard that dropped targets needs to end their series: Prometheus writes the staleness
 * markers just over two intervals after a target's last scrape.
 */
const STALENESS_INTERVALS = 3;

/**
 * Two regions and the global tier on loopback: every process started, watched and stopped by this object.
 * The runner (`npm start`) and the end-to-end tests drive it the same way.
 */
export class Topology {
  private stopped = false;
  /** The remote-write regions' way to Receive, when a region writes out. */
  private readonly ingress: ReceiveIngress | undefined;

  private constructor(
    readonly plan: LocalPlan,
    readonly rendered: RenderedTopology,
    readonly supervisor: Supervisor,
    readonly webhook: WebhookReceiver,
    readonly binaries: Binaries,
    private readonly tokens: TokenServer,
  ) {
    const ingestion = plan.global.ingestion;
    this.ingress =
      ingestion &&
      new ReceiveIngress(
        ingestion.ingressPort,
        ingestion.receives.map((r) => r.remoteWritePort),
      );
  }

  /** Plans ports, writes every file under a new temporary directory; starts nothing yet. */
  static async create(options: Partial<LocalOptions> = {}, log: Log = () => undefined): Promise<Topology> {
    const binaries = findBinaries();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "monitoring-local-"));
    try {
      const chosen = { ...DEFAULT_OPTIONS, ...options };
      const plan = await planTopology(root, chosen);
      const rendered = renderTopology(plan, binaries);
      const supervisor = new Supervisor(
        root,
        (name, code, signal, logFile) =>
          log(`${name} exited unexpectedly (${signal ?? `code ${code}`}); its log: ${logFile}`),
        chosen.niceness,
      );
      return new Topology(plan, rendered, supervisor, new WebhookReceiver(log), binaries, new TokenServer());
    } catch (err) {
      fs.rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  /** Starts everything, each group once the servers it scrapes or alerts to are listening. */
  async start(timeoutMs = 60_000): Promise<void> {
    await this.webhook.listen(this.plan.global.webhookPort);
    await this.tokens.listen(this.plan.tokenPort);
    await this.ingress?.restore();
    for (const [i, group] of this.rendered.startOrder.entries()) {
      await Promise.all(group.map((spec) => this.supervisor.start(spec)));
      await Promise.all(group.map((spec) => this.waitListening(spec.name, timeoutMs)));
      // The emulators start first and empty: each region's bucket exists before anything reads or writes it.
      if (i === 0) await this.createBuckets();
    }
  }

  private async createBuckets(): Promise<void> {
    const buckets = [
      ...this.plan.regions.map((r) => r.bucket),
      ...(this.plan.global.ingestion ? [this.plan.global.ingestion.bucket] : []),
    ];
    for (const { name, emulator } of buckets)
      await LOCAL_OBJECT_STORES[emulator.cloud].createBucket(emulator.port, name);
  }

  /**
   * Cuts the remote-write regions' link to Receive (every connection through the ingress dropped, new ones
   * refused), as a lost route would; their agents keep their samples in the write-ahead log meanwhile.
   */
  async cutReceiveLink(): Promise<void> {
    if (!this.ingress) throw new Error("no region writes out: there is no link to Receive to cut");
    await this.ingress.cut();
  }

  /** Opens the link again: the agents resend what their write-ahead log kept. */
  async restoreReceiveLink(): Promise<void> {
    if (!this.ingress) throw new Error("no region writes out: there is no link to Receive to restore");
    await this.ingress.restore();
  }

  /** Every object name in a region's bucket, listed on its emulator. */
  bucketObjects(regionName: string): Promise<string[]> {
    const { name, emulator } = this.region(regionName).bucket;
    return LOCAL_OBJECT_STORES[emulator.cloud].listObjects(emulator.port, name);
  }

  /** Runs `thanos tools bucket <args>` on a region's bucket as its Thanos processes reach it, and returns its output. */
  bucketTool(regionName: string, args: readonly string[]): string {
    const { command, env } = this.bucketToolCommand(regionName, args);
    return execFileSync(this.binaries.thanos, command, {
      encoding: "utf8",
      env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 60_000,
    });
  }

  /** The same without blocking the event loop (the servers of the runner keep answering): for long listings. */
  bucketToolAsync(regionName: string, args: readonly string[], timeoutMs = 300_000): Promise<string> {
    const { command, env } = this.bucketToolCommand(regionName, args);
    return new Promise((resolve, reject) =>
      execFile(
        this.binaries.thanos,
        command,
        { encoding: "utf8", env, timeout: timeoutMs, maxBuffer: 256 * 2 ** 20 },
        (err, stdout) => (err ? reject(err) : resolve(stdout)),
      ),
    );
  }

  private bucketToolCommand(
    regionName: string,
    args: readonly string[],
  ): { command: string[]; env: NodeJS.ProcessEnv } {
    const bucket = this.rendered.buckets.get(regionName);
    if (!bucket) throw new Error(`no bucket for region ${regionName}`);
    return { command: ["tools", "bucket", ...args, `--objstore.config-file=${bucket.objstoreFile}`], env: bucket.env };
  }

  /**
   * Ready means data and alerts can flow: the mesh has every peer, every Prometheus has found every
   * Alertmanager through its targets, and the federation has every region's recording rules.
   */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const peers = this.plan.global.alertmanagers.length;
    await Promise.all([
      this.waitMeshSettled(timeoutMs),
      ...[...this.rendered.prometheus, ...this.rendered.federation].map(([name, access]) =>
        waitFor(`${name} to find ${peers} Alertmanagers`, timeoutMs, async () => {
          this.assertRunning(name);
          return (await activeAlertmanagers(access)).length === peers ? true : undefined;
        }),
      ),
      ...[...this.rendered.federation].map(([name, access]) =>
        waitFor(`${name} to receive every region's recording rules`, timeoutMs, () =>
          this.regionsWithRecordingRules(access).then((found) =>
            everyRegion(this.plan).every((r) => found.includes(r.name)) ? true : undefined,
          ),
        ),
      ),
    ]);
  }

  /**
   * Waits until every running Alertmanager sees exactly the running peers. Until then the survivors of a lost
   * peer can disagree on their positions in the mesh, wait the same time and both notify: Alertmanager
   * delivers at least once while its gossip detects the loss, exactly once after.
   */
  async waitMeshSettled(timeoutMs = 60_000): Promise<void> {
    const running = [...this.rendered.alertmanagers].filter(([name]) => this.supervisor.isRunning(name));
    await Promise.all(
      running.map(([name, access]) =>
        waitFor(`${name} to see the ${running.length} running mesh peers`, timeoutMs, async () => {
          this.assertRunning(name);
          return (await meshPeers(access)) === running.length ? true : undefined;
        }),
      ),
    );
  }

  /** The regions whose `region:*` recording rules a federation Prometheus holds now. */
  async regionsWithRecordingRules(federation: ServerAccess): Promise<string[]> {
    const samples = await query(federation, `count by (region) (${RECORDED.requestRate})`);
    return samples.map((s) => s.metric.region);
  }

  /** A region in sidecar mode, by name. */
  region(name: string): LocalRegion {
    const region = this.plan.regions.find((r) => r.name === name);
    if (!region)
      throw new Error(`no sidecar-mode region ${name}; they are ${this.plan.regions.map((r) => r.name).join(", ")}`);
    return region;
  }

  /** A region in remote-write mode, by name. */
  writingRegion(name: string): LocalWritingRegion {
    const region = this.plan.writingRegions.find((r) => r.name === name);
    if (!region)
      throw new Error(
        `no remote-write region ${name}; they are ${this.plan.writingRegions.map((r) => r.name).join(", ") || "none"}`,
      );
    return region;
  }

  /**
   * Deploys a new shard layout in a region as `pulumi up` would: every pod of the shards in `order` gets its
   * shard's new config, in that order. A running pod's sidecar reloads it (this waits until Prometheus has);
   * a stopped one gets the substituted file an init container would write, for the caller to start it. A
   * shard that gives targets up comes first: after its reload, the pause lets it write the staleness markers
   * that end its series before another shard starts new ones for the same targets.
   */
  async reshard(
    regionName: string,
    layout: { readonly shards: number; readonly retiringShards: readonly number[] },
    order: readonly number[],
  ): Promise<ShardLayout> {
    const region = this.region(regionName);
    const { staticJobs, scrapeInterval } = region.config.prometheus;
    const config = localRegionalConfig(region.name, layout.shards, staticJobs, scrapeInterval, layout.retiringShards);
    const next: ShardLayout = { config, plan: regionalPlan(config) };
    const files = this.rendered.prometheusFiles.get(region.name)!;
    const stalenessPauseMs = STALENESS_INTERVALS * (parseDuration(scrapeInterval) ?? 1) * 1000;
    for (const shard of order) {
      await Promise.all(
        region.prometheus
          .filter((p) => p.shard === shard)
          .map(async (p) => {
            if (!this.supervisor.isRunning(p.name)) {
              writePrometheusConfig(region, next, p, files, true);
              return;
            }
            const access = this.access(p.name);
            const loadedBefore = (await metricValue(access, LAST_RELOAD)) ?? 0;
            writePrometheusConfig(region, next, p, files, false);
            await waitFor(`${p.name} to reload its shard's new config`, 60_000, async () =>
              ((await metricValue(access, LAST_RELOAD)) ?? 0) > loadedBefore ? true : undefined,
            );
          }),
      );
      await sleep(stalenessPauseMs);
    }
    return next;
  }

  /** Every process of a region: its gateway, Prometheus replicas and sidecars, store gateways, compactor, node-exporter and service fleet. */
  regionProcesses(name: string): string[] {
    const region = this.region(name);
    return [
      ...region.gateway.replicas.map((g) => g.name),
      ...region.prometheus.flatMap((p) => [p.sidecar.name, p.name]),
      ...region.stores.map((s) => s.name),
      region.compactor.name,
      region.nodeExporter.name,
      region.fleet.name,
    ];
  }

  /** How to reach a server of the topology (a Prometheus, a federation Prometheus or an Alertmanager) by process name. */
  access(processName: string): ServerAccess {
    const access = this.serverAccess(processName);
    if (!access) throw new Error(`no server named ${processName}`);
    return access;
  }

  private serverAccess(name: string): ServerAccess | undefined {
    return (
      this.rendered.prometheus.get(name) ??
      this.rendered.agents.get(name) ??
      this.rendered.federation.get(name) ??
      this.rendered.alertmanagers.get(name) ??
      this.rendered.thanos.get(name) ??
      this.rendered.gateways.get(name)
    );
  }

  /** Stops every child (by pid), the webhook receiver, and removes the run's directory. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    // Consumers before producers. Alertmanager peers leave one at a time: a peer that leaves while every
    // other peer is leaving too waits 10s for an acknowledgement nobody sends.
    const peers = new Set(this.rendered.alertmanagers.keys());
    for (const group of [...this.rendered.startOrder].reverse()) {
      await Promise.all(group.filter((spec) => !peers.has(spec.name)).map((spec) => this.supervisor.stop(spec.name)));
    }
    for (const peer of peers) await this.supervisor.stop(peer);
    await this.supervisor.stopAll();
    await this.ingress?.cut();
    await this.webhook.close();
    await this.tokens.close();
    fs.rmSync(this.plan.root, { recursive: true, force: true });
  }

  /** Waits until a process answers its readiness probe (processes without one are ready once started). */
  async waitListening(name: string, timeoutMs = 60_000): Promise<void> {
    const probe = this.rendered.readiness.get(name);
    if (!probe) return;
    await waitFor(`${name} to answer ${probe.path}`, timeoutMs, async () => {
      this.assertRunning(name);
      return await request(probe.access, probe.path).then(
        () => true,
        () => undefined,
      );
    });
  }

  /** A process that has exited will not become ready: say so at once, with its log. */
  private assertRunning(name: string): void {
    if (this.supervisor.isRunning(name)) return;
    const log = this.supervisor.logFile(name);
    const tail = fs.existsSync(log)
      ? fs.readFileSync(log, "utf8").trimEnd().split("\n").slice(-5).join("\n  ")
      : "(no log)";
    throw new WaitAbandoned(`${name} is not running; the end of its log ${log}:\n  ${tail}`);
  }
}
