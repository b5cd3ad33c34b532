/**
 * Where a query's time goes and how many bytes cross regions, read from the processes themselves around a
 * batch of queries: each hop's own request-duration histogram (sum and count, so a mean per query) and the
 * kernel's byte counters of every TCP connection through a region's gateway StoreAPI ports.
 */
import { execFileSync } from "node:child_process";
import { type ServerAccess, request } from "../local/client";

/** A histogram's sum (s) and count over the lines of one metric that carry every label given. */
export interface SumCount {
  readonly sum: number;
  readonly count: number;
}

/** One hop: a process's histogram, filtered by labels (`grpc_method="Series"`, `handler="query_range"`, ...). */
export interface Hop {
  readonly name: string;
  readonly access: ServerAccess;
  readonly histogram: string;
  readonly labels: Readonly<Record<string, string>>;
}

export async function readHistogram(hop: Hop): Promise<SumCount> {
  const text = await request(hop.access, "/metrics");
  let sum = 0;
  let count = 0;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (!m || (m[1] !== `${hop.histogram}_sum` && m[1] !== `${hop.histogram}_count`)) continue;
    const labels = m[2] ?? "";
    if (!Object.entries(hop.labels).every(([k, v]) => labels.includes(`${k}="${v}"`))) continue;
    if (m[1].endsWith("_sum")) sum += Number(m[3]);
    else count += Number(m[3]);
  }
  return { sum, count };
}

/** Every hop's histogram at once. */
export async function snapshot(hops: readonly Hop[]): Promise<SumCount[]> {
  return Promise.all(hops.map(readHistogram));
}

/** Bytes a region's gateway sent out of the region (answers) and took in (requests), over every connection. */
export interface GatewayBytes {
  readonly out: number;
  readonly in: number;
}

/**
 * The kernel's counters (`ss -ti`: bytes_sent and bytes_received) of every established TCP connection on the
 * given listening ports, on the server's side. HAProxy 2.6 adds a TCP tunnel's bytes to its own counters only
 * when the connection closes, and Thanos keeps its gRPC connections open for an hour: its exporter reads 0
 * through a whole benchmark. A connection that closes between two readings loses its bytes from the delta
 * (Thanos Query's connections stay open throughout).
 */
export function gatewayBytes(ports: readonly number[]): GatewayBytes {
  if (ports.length === 0) return { out: 0, in: 0 };
  const filter = `( ${ports.map((p) => `sport = :${p}`).join(" or ")} )`;
  const text = execFileSync("ss", ["-tinH", "state", "established", filter], { encoding: "utf8" });
  let out = 0;
  let into = 0;
  for (const m of text.matchAll(/bytes_sent:(\d+)/g)) out += Number(m[1]);
  for (const m of text.matchAll(/bytes_received:(\d+)/g)) into += Number(m[1]);
  return { out, in: into };
}
