import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";

/** How to reach a local server: its URL and, for HTTPS with basic auth, the CA and the credentials. */
export interface ServerAccess {
  readonly url: string;
  readonly caFile?: string;
  readonly username?: string;
  readonly passwordFile?: string;
}

export interface Sample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

export interface Series {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, string])[];
}

/**
 * How long a local server may stay silent before a request fails. A healthy server answers in milliseconds,
 * but the quick benchmark runs its phases at once on two cores, and the largest answers (a pod's whole head
 * through /federate, an hour's range through the frontend) then take seconds to start.
 */
const REQUEST_TIMEOUT_MS = 15_000;

/** A request to a local server, failing on anything but 2xx. */
export function request(
  access: ServerAccess,
  path: string,
  method: "GET" | "POST" | "PUT" = "GET",
  body?: string,
): Promise<string> {
  const url = new URL(path, access.url);
  const headers: Record<string, string> = {};
  if (access.username && access.passwordFile) {
    const password = fs.readFileSync(access.passwordFile, "utf8").trim();
    headers.Authorization = `Basic ${Buffer.from(`${access.username}:${password}`).toString("base64")}`;
  }
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const options: https.RequestOptions = { method, headers };
  if (access.caFile) options.ca = fs.readFileSync(access.caFile);
  return exchange(url, options, body).then(({ status, text }) => {
    if (status >= 200 && status < 300) return text;
    throw new Error(`${method} ${url.href}: HTTP ${status}: ${text.slice(0, 300)}`);
  });
}

/**
 * One HTTP or HTTPS exchange with a local server: its status and its body as text, or an error when it stays
 * silent longer than REQUEST_TIMEOUT_MS. What a status means is the caller's.
 */
export function exchange(
  url: URL,
  options: https.RequestOptions,
  body?: string,
): Promise<{ status: number; text: string }> {
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { ...options, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("timeout", () =>
      req.destroy(new Error(`${options.method ?? "GET"} ${url.href}: no answer in ${REQUEST_TIMEOUT_MS} ms`)),
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function api<T>(access: ServerAccess, path: string): Promise<T> {
  const body = JSON.parse(await request(access, path)) as { status: string; data: T; error?: string };
  if (body.status !== "success") throw new Error(`${access.url}${path}: ${body.error ?? body.status}`);
  return body.data;
}

/** Instant query, now or at a Unix time in seconds. */
export async function query(access: ServerAccess, expr: string, time?: number): Promise<Sample[]> {
  const params = new URLSearchParams({ query: expr, ...(time === undefined ? {} : { time: String(time) }) });
  return (await api<{ result: Sample[] }>(access, `/api/v1/query?${params}`)).result;
}

/** Range query between two Unix times in seconds. */
export async function queryRange(
  access: ServerAccess,
  expr: string,
  start: number,
  end: number,
  stepSeconds: number,
): Promise<Series[]> {
  const params = new URLSearchParams({
    query: expr,
    start: String(start),
    end: String(end),
    step: String(stepSeconds),
  });
  return (await api<{ result: Series[] }>(access, `/api/v1/query_range?${params}`)).result;
}

/** A rule as Prometheus reports it: `health` is `unknown` until its first evaluation. */
export interface RuleHealth {
  readonly name: string;
  readonly health: "ok" | "err" | "unknown";
  readonly lastError?: string;
  /** Alerting rules only. */
  readonly state?: "inactive" | "pending" | "firing";
}

/** Every rule group a Prometheus evaluates, with each rule's health. */
export async function ruleGroups(access: ServerAccess): Promise<{ name: string; file: string; rules: RuleHealth[] }[]> {
  return (await api<{ groups: { name: string; file: string; rules: RuleHealth[] }[] }>(access, "/api/v1/rules")).groups;
}

/** The Alertmanagers a Prometheus currently sends to. */
export async function activeAlertmanagers(access: ServerAccess): Promise<string[]> {
  return (
    await api<{ activeAlertmanagers: { url: string }[] }>(access, "/api/v1/alertmanagers")
  ).activeAlertmanagers.map((a) => a.url);
}

/** The peers an Alertmanager's gossip currently sees (itself included). */
export async function meshPeers(access: ServerAccess): Promise<number> {
  const status = JSON.parse(await request(access, "/api/v2/status")) as { cluster?: { peers?: unknown[] } };
  return status.cluster?.peers?.length ?? 0;
}

/** An answer of Thanos Query's API: the samples and any warning (a store that did not answer, with partial response on). */
export interface ThanosAnswer {
  readonly result: Sample[];
  readonly warnings: readonly string[];
}

/**
 * Instant query through Thanos Query or its frontend. `dedup` false shows every replica's series as stored;
 * the default deduplicates on the replica labels Query was started with.
 */
export async function thanosQuery(
  access: ServerAccess,
  expr: string,
  options: {
    readonly dedup?: boolean;
    readonly time?: number;
    /** The coarsest resolution the answer may come from (`0s` raw only, `5m` the compactor's 5m downsamples). */
    readonly maxSourceResolution?: string;
  } = {},
): Promise<ThanosAnswer> {
  const params = new URLSearchParams({
    query: expr,
    dedup: String(options.dedup ?? true),
    partial_response: "true",
    ...(options.time === undefined ? {} : { time: String(options.time) }),
    ...(options.maxSourceResolution === undefined ? {} : { max_source_resolution: options.maxSourceResolution }),
  });
  const body = JSON.parse(await request(access, `/api/v1/query?${params}`)) as {
    status: string;
    data: { result: Sample[] };
    warnings?: string[];
    error?: string;
  };
  if (body.status !== "success") throw new Error(`${access.url}: ${body.error ?? body.status}`);
  return { result: body.data.result, warnings: body.warnings ?? [] };
}

/** One metric's value from a process's /metrics page, summed over its series (undefined when absent). */
export async function metricValue(access: ServerAccess, name: string): Promise<number | undefined> {
  const text = await request(access, "/metrics");
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
    if (m && m[1] === name) sum = (sum ?? 0) + Number(m[3]);
  }
  return sum;
}
