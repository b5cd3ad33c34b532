/**
 * One Node process serving a region's whole synthetic fleet: each target on its own loopback port.
 * Usage: node fleet/main.js <control port> <target port>...
 *
 * A scraper that asks for the protobuf format (Prometheus with native histograms on) gets it, the latency
 * histogram's native buckets included; any other gets the text format, classic buckets only.
 *
 * The control port lets a test or a user break a target on purpose (its /metrics answers 503, so its scrape
 * fails and `up` drops to 0) and mend it again: POST /targets/<port>/fail, POST /targets/<port>/recover.
 * POST /series/<n> makes every target also serve n filler series (a benchmark's load; 0 by default).
 */
import * as http from "node:http";
import { LOOPBACK } from "../ports";
import { exposition } from "./metrics";
import { PROTOBUF_CONTENT_TYPE, acceptsProtobuf } from "./protobuf";

const [controlPort, ...targetPorts] = process.argv.slice(2).map(Number);
if (!controlPort || targetPorts.length === 0 || [controlPort, ...targetPorts].some((p) => !Number.isInteger(p))) {
  console.error("usage: fleet <control port> <target port>...");
  process.exit(2);
}

const startedAt = Date.now();
const failing = new Set<number>();
let fillers = 0;

for (const port of targetPorts) {
  http
    .createServer((req, res) => {
      if (req.url !== "/metrics") return void res.writeHead(404).end();
      if (failing.has(port)) return void res.writeHead(503).end("failing on purpose\n");
      const uptime = (Date.now() - startedAt) / 1000;
      // Native histograms exist only in the protobuf format: served to a scraper that asks for it first.
      if (acceptsProtobuf(req.headers.accept))
        return void res
          .writeHead(200, { "Content-Type": PROTOBUF_CONTENT_TYPE })
          .end(exposition(uptime, fillers, "protobuf"));
      res.writeHead(200, { "Content-Type": "text/plain; version=0.0.4" }).end(exposition(uptime, fillers));
    })
    .listen(port, LOOPBACK);
}

http
  .createServer((req, res) => {
    const series = /^\/series\/(\d+)$/.exec(req.url ?? "");
    if (req.method === "POST" && series) {
      fillers = Number(series[1]);
      return void res.writeHead(204).end();
    }
    const match = /^\/targets\/(\d+)\/(fail|recover)$/.exec(req.url ?? "");
    const port = match ? Number(match[1]) : NaN;
    if (req.method !== "POST" || !match || !targetPorts.includes(port)) return void res.writeHead(404).end();
    if (match[2] === "fail") failing.add(port);
    else failing.delete(port);
    res.writeHead(204).end();
  })
  .listen(controlPort, LOOPBACK, () =>
    console.log(`fleet: ${targetPorts.length} targets on ${LOOPBACK}, control on ${controlPort}`),
  );

process.on("SIGTERM", () => process.exit(0));
