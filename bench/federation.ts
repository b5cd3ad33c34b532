/**
 * 2. Federation efficiency: what one federation scrape of a regional Prometheus carries with the builders'
 * selective `match[]` against naive federation of everything, fetched side by side from the same Prometheus
 * pods; and how long the federation Prometheus' own scrapes of each region take.
 */
import { federateJobName } from "../builders/federation/config";
import { federationMatchers } from "../builders/federation/series";
import { request, type Series, type ServerAccess } from "../local/client";
import { exposition } from "../local/fleet/metrics";
import { FLEET_JOB } from "../local/settings";
import type { Log, Topology } from "../local/topology";
import { query } from "../local/client";
import { waitFor } from "../local/wait";
import { figure, type Section } from "./report";
import { percentile, round } from "./stats";
import { setFillerSeries } from "./topology";

/** The everything-selector that invariant 5 forbids, fetched here only to measure what it would cost. */
const NAIVE_MATCHERS = ['{__name__=~".+"}'];

export interface FederationSettings {
  /** Federation GETs per pod and selector. */
  readonly repetitions: number;
  /** Series each synthetic target serves while measuring (the stack's expectedLoad.seriesPerTarget). */
  readonly seriesPerTarget: number;
}

interface Fetch {
  readonly series: number;
  readonly bytes: number;
  readonly ms: number;
}

async function federate(access: ServerAccess, matchers: readonly string[]): Promise<Fetch> {
  const params = new URLSearchParams(matchers.map((m) => ["match[]", m]));
  const started = performance.now();
  const body = await request(access, `/federate?${params}`);
  const ms = performance.now() - started;
  return {
    series: body.split("\n").filter((line) => line !== "" && !line.startsWith("#")).length,
    bytes: Buffer.byteLength(body),
    ms,
  };
}

/** Series of one synthetic target without fillers: what the fleet serves of its own. */
export const OWN_SERIES_PER_TARGET = exposition(0)
  .split("\n")
  .filter((line) => line !== "" && !line.startsWith("#")).length;

/** The fillers reach the selectors' answers only once every regional pod has scraped them from every target. */
async function waitForSeries(topology: Topology, settings: FederationSettings): Promise<void> {
  for (const region of topology.plan.regions) {
    await waitFor(`${region.name} to scrape ${settings.seriesPerTarget} series from every target`, 30_000, async () => {
      for (const p of region.prometheus) {
        const samples = await query(
          topology.access(p.name),
          `count(scrape_samples_scraped{job="${FLEET_JOB}"} >= ${settings.seriesPerTarget})`,
        );
        if (Number(samples[0]?.value[1] ?? 0) !== region.fleet.targetPorts.length) return undefined;
      }
      return true;
    });
  }
}

/** One region's federation GETs, the median of each selector's over its pods and repetitions. */
interface SelectorRow {
  readonly region: string;
  readonly pods: number;
  readonly selective: Fetch;
  readonly naive: Fetch;
}

/** Per region, the builders' selective `match[]` against the everything-selector, from the same pods. */
async function compareSelectors(topology: Topology, settings: FederationSettings): Promise<SelectorRow[]> {
  const rows: SelectorRow[] = [];
  for (const region of topology.plan.regions) {
    const selective: Fetch[] = [];
    const naive: Fetch[] = [];
    for (let i = 0; i < settings.repetitions; i++) {
      for (const p of region.prometheus) {
        // Alternated, so both see the same moment and the same load.
        selective.push(await federate(topology.access(p.name), federationMatchers()));
        naive.push(await federate(topology.access(p.name), NAIVE_MATCHERS));
      }
    }
    const med = (xs: Fetch[], k: keyof Fetch) =>
      percentile(
        xs.map((x) => x[k]),
        50,
      );
    rows.push({
      region: region.name,
      pods: region.prometheus.length,
      selective: { series: med(selective, "series"), bytes: med(selective, "bytes"), ms: med(selective, "ms") },
      naive: { series: med(naive, "series"), bytes: med(naive, "bytes"), ms: med(naive, "ms") },
    });
  }
  return rows;
}

/** The federation Prometheus' scrapes of one region over the last minute. */
interface OwnScrapes {
  readonly region: string;
  readonly scrapes: number;
  readonly p50: number;
  readonly max: number;
  readonly samples: number;
}

/** The federation Prometheus' own scrapes of each region (selective, as configured), from its scrape_duration_seconds. */
async function federationScrapes(topology: Topology): Promise<OwnScrapes[]> {
  const federation = topology.access(topology.plan.global.federation[0].name);
  const own: OwnScrapes[] = [];
  for (const region of topology.plan.regions) {
    const job = federateJobName(region.name);
    // A range selector in an instant query returns every scrape's own sample, not interpolated steps.
    const durations = (await query(federation, `scrape_duration_seconds{job="${job}"}[1m]`)) as unknown as Series[];
    const seconds = durations.flatMap((s) => s.values.map(([, v]) => Number(v)));
    const samples = await query(federation, `scrape_samples_scraped{job="${job}"}`);
    own.push({
      region: region.name,
      scrapes: seconds.length,
      p50: percentile(seconds, 50) * 1000,
      max: Math.max(...seconds) * 1000,
      samples: Math.max(...samples.map((s) => Number(s.value[1]))),
    });
  }
  return own;
}

export async function federationEfficiency(
  topology: Topology,
  settings: FederationSettings,
  log: Log,
): Promise<Section> {
  const fillers = Math.max(0, settings.seriesPerTarget - OWN_SERIES_PER_TARGET);
  log(
    `federation: every target serves ${settings.seriesPerTarget} series; ${settings.repetitions} fetches per pod and selector`,
  );
  await Promise.all(topology.plan.regions.map((r) => setFillerSeries(r, fillers)));
  try {
    await waitForSeries(topology, settings);
    const rows = await compareSelectors(topology, settings);
    const own = await federationScrapes(topology);
    return federationSection(topology, settings, rows, own);
  } finally {
    await Promise.all(topology.plan.regions.map((r) => setFillerSeries(r, 0)));
  }
}

function federationSection(
  topology: Topology,
  settings: FederationSettings,
  rows: readonly SelectorRow[],
  own: readonly OwnScrapes[],
): Section {
  const ratio = (a: number, b: number) => round(a / b, 1);
  const total = (k: "series" | "bytes", which: "selective" | "naive") => rows.reduce((n, r) => n + r[which][k], 0);
  const seriesRatio = ratio(total("series", "naive"), total("series", "selective"));
  const bytesRatio = ratio(total("bytes", "naive"), total("bytes", "selective"));
  return {
    id: "federationEfficiency",
    title: "Federation efficiency",
    method:
      `Each regional Prometheus pod of the local topology (${topology.plan.regions.length} regions, ${rows[0].pods} pods each, ` +
      `${topology.plan.regions[0].fleet.targetPorts.length} synthetic targets per region serving ${settings.seriesPerTarget} series each, the ` +
      `stack's \`expectedLoad.seriesPerTarget\`) answered ${settings.repetitions} \`/federate\` requests with the builders' selective ` +
      `\`match[]\` and as many with \`{__name__=~".+"}\`, alternately, over HTTPS with the region's credentials. Medians per pod; bytes are ` +
      `the uncompressed text. The federation Prometheus' own scrape durations of each region come from its \`scrape_duration_seconds\` over the last minute.`,
    tables: [
      {
        title: "One federation scrape of one regional Prometheus (median)",
        columns: [
          "region",
          "selective series",
          "naive series",
          "series ratio",
          "selective bytes",
          "naive bytes",
          "bytes ratio",
          "selective time",
          "naive time",
        ],
        rows: rows.map((r) => [
          r.region,
          figure(r.selective.series, "series"),
          figure(r.naive.series, "series"),
          figure(ratio(r.naive.series, r.selective.series), "x"),
          figure(r.selective.bytes, "B"),
          figure(r.naive.bytes, "B"),
          figure(ratio(r.naive.bytes, r.selective.bytes), "x"),
          figure(round(r.selective.ms, 2), "ms"),
          figure(round(r.naive.ms, 2), "ms"),
        ]),
      },
      {
        title: "The federation Prometheus' own scrapes (selective, as configured)",
        columns: ["job", "scrapes in the last minute", "p50 duration", "max duration", "samples per scrape"],
        rows: own.map((o) => [
          federateJobName(o.region),
          figure(o.scrapes, "scrapes"),
          figure(round(o.p50, 2), "ms"),
          figure(round(o.max, 2), "ms"),
          figure(o.samples, "samples"),
        ]),
      },
    ],
    figures: {
      seriesPerTarget: figure(settings.seriesPerTarget, "series"),
      perRegion: rows.map((r) => ({
        region: r.region,
        selective: {
          series: figure(r.selective.series, "series"),
          bytes: figure(r.selective.bytes, "B"),
          time: figure(round(r.selective.ms, 2), "ms"),
        },
        naive: {
          series: figure(r.naive.series, "series"),
          bytes: figure(r.naive.bytes, "B"),
          time: figure(round(r.naive.ms, 2), "ms"),
        },
      })),
      naiveOverSelective: { series: figure(seriesRatio, "x"), bytes: figure(bytesRatio, "x") },
      federationScrapes: own.map((o) => ({
        job: federateJobName(o.region),
        p50: figure(round(o.p50, 2), "ms"),
        max: figure(round(o.max, 2), "ms"),
        samples: figure(o.samples, "samples"),
      })),
    },
    summary: [
      {
        measure: "Federation: series and bytes per scrape, selective `match[]` vs naive (median per regional pod)",
        result: `${rows[0].selective.series} vs ${rows[0].naive.series} series (${seriesRatio}x fewer), ${kib(rows[0].selective.bytes)} vs ${kib(rows[0].naive.bytes)} (${bytesRatio}x fewer)`,
      },
      {
        measure: "Federation: time of one federation scrape of a region (federation Prometheus, p50)",
        result: own.map((o) => `${o.region} ${round(o.p50, 1)} ms`).join(", "),
      },
    ],
    checks: [
      {
        what: "selective federation carries fewer series than naive federation in every region",
        passed: rows.every((r) => r.selective.series > 0 && r.selective.series < r.naive.series),
      },
      {
        what: "the federation Prometheus scrapes every region with samples",
        passed: own.every((o) => o.scrapes > 0 && o.samples > 0),
      },
    ],
  };
}

const kib = (bytes: number) => `${round(bytes / 1024, 1)} KiB`;
