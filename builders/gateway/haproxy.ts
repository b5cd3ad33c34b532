/**
 * The HAProxy configuration of a region's gateway (HAProxy 2.6, one static file): the one place a region's
 * federation and StoreAPI endpoints are reached from outside its cluster.
 *
 * - Federation: HTTPS on one listener, routed by path (`/<pod>/federate`, see routes.ts) to that pod's
 *   `/federate`, re-encrypted to the pod under the region's CA. Basic auth passes through and is checked by
 *   Prometheus itself. Any other path or method is refused here: nothing else of Prometheus is reachable.
 * - StoreAPI: TLS passthrough on one listener, routed by the client's SNI (`req.ssl_sni`) to one sidecar or
 *   to the store gateways. The gateway never terminates this TLS, so each StoreAPI's own certificate and
 *   its demand for a client certificate stay end to end. A connection without TLS or with an unknown name
 *   is closed.
 * - Monitoring: HAProxy's built-in Prometheus exporter (`/metrics`), `/healthz` (the process answers: the
 *   liveness probe) and `/ready` (at least one server of at least one backend passes its health check: the
 *   readiness probe), on a port the load balancer does not expose. There is no stats page and no runtime
 *   API socket.
 *
 * Every address, port, file and name is a parameter: the clusters and the local topology bind the same
 * function (components/regional/gateway.ts, local/render.ts).
 */

export interface GatewayServer {
  /** Unique in its route; shows in HAProxy's metrics as the `server` label. */
  readonly name: string;
  /** `host:port`; a host name is resolved again while HAProxy runs, so a pod that moves is followed. */
  readonly address: string;
}

export interface FederationRoute {
  /** Names the backend (`federate-<name>`): the Prometheus pod's name. */
  readonly name: string;
  /** The path the federation scrapes; it is forwarded as `/federate` with its query string. */
  readonly path: string;
  readonly servers: readonly GatewayServer[];
}

export interface StoreApiRoute {
  /** Names the backend (`store-api-<name>`). */
  readonly name: string;
  /** The TLS server name the client asks for. */
  readonly serverName: string;
  readonly servers: readonly GatewayServer[];
}

export interface HaproxyGatewayParams {
  readonly federation: {
    /** Listen addresses (`host:port`, or `:port` for every interface). */
    readonly binds: readonly string[];
    /** PEM file holding the gateway's server certificate followed by its key (HAProxy's `crt`). */
    readonly certFile: string;
    /** CA the Prometheus pods' certificates are verified against. */
    readonly backendCaFile: string;
    /** Name the Prometheus pods' certificates carry (verified, and sent as SNI). */
    readonly backendServerName: string;
    readonly routes: readonly FederationRoute[];
  };
  readonly storeApi: {
    /**
     * Listen addresses. One in a cluster; the local topology gives one per route, standing in for the
     * per-endpoint names the global cluster resolves to the load balancer (Thanos Query keys endpoints by
     * address, so each needs its own).
     */
    readonly binds: readonly string[];
    readonly routes: readonly StoreApiRoute[];
  };
  /** Listen address of the exporter, `/healthz` and `/ready`. */
  readonly metricsBind: string;
  /**
   * Resolve host names through the resolvers in /etc/resolv.conf while running (cluster DNS), so a server
   * not resolvable at start (a pod not yet scheduled) is picked up later instead of failing the start.
   */
  readonly runtimeDns: boolean;
}

/** Answered while the process runs: the liveness probe. Restarting HAProxy would not bring a backend back. */
export const GATEWAY_HEALTH_PATH = "/healthz";
/**
 * Answered 200 while this replica reaches at least one server of any backend, 503 when every backend is
 * down: the readiness probe, so a replica that can reach nothing leaves the load balancer's targets. One
 * Prometheus pod down empties its own backend only, which must not take the whole region's gateway out.
 */
export const GATEWAY_READY_PATH = "/ready";
export const GATEWAY_METRICS_PATH = "/metrics";

/** Backend names HAProxy accepts: letters, digits, `-`, `_`, `.` and `:`. */
const NAME = /^[A-Za-z0-9_.:-]+$/;
/** A value written into the file unquoted (addresses, paths, server names): no whitespace, quote or `#`. */
const TOKEN = /^[^\s"'#\\]+$/;

function check(what: string, value: string, pattern: RegExp): string {
  if (!pattern.test(value))
    throw new Error(`the gateway's ${what} '${value}' cannot be written into the HAProxy config`);
  return value;
}

function unique(what: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new Error(`the gateway has two ${what} '${v}'`);
    seen.add(v);
  }
}

function validate(p: HaproxyGatewayParams): void {
  if (p.federation.routes.length === 0) throw new Error("the gateway needs at least one federation route");
  if (p.storeApi.routes.length === 0) throw new Error("the gateway needs at least one StoreAPI route");
  for (const b of [...p.federation.binds, ...p.storeApi.binds, p.metricsBind]) check("listen address", b, TOKEN);
  if (p.federation.binds.length === 0 || p.storeApi.binds.length === 0)
    throw new Error("the gateway needs a listen address for federation and for StoreAPI");
  unique("listen addresses", [...p.federation.binds, ...p.storeApi.binds, p.metricsBind]);
  for (const f of [p.federation.certFile, p.federation.backendCaFile, p.federation.backendServerName])
    check("file or name", f, TOKEN);
  for (const r of [...p.federation.routes, ...p.storeApi.routes]) {
    check("route name", r.name, NAME);
    if (r.servers.length === 0) throw new Error(`the gateway's route '${r.name}' has no server`);
    unique(
      `servers in route '${r.name}' named`,
      r.servers.map((s) => s.name),
    );
    for (const s of r.servers) {
      check("server name", s.name, NAME);
      check("server address", s.address, TOKEN);
    }
  }
  for (const r of p.federation.routes) {
    check("federation path", r.path, TOKEN);
    if (!r.path.startsWith("/")) throw new Error(`the gateway's federation path '${r.path}' must start with /`);
  }
  for (const r of p.storeApi.routes) check("StoreAPI server name", r.serverName, TOKEN);
  unique(
    "federation routes",
    p.federation.routes.map((r) => r.name),
  );
  unique(
    "federation paths",
    p.federation.routes.map((r) => r.path),
  );
  unique(
    "StoreAPI routes",
    p.storeApi.routes.map((r) => r.name),
  );
  unique(
    "StoreAPI server names",
    p.storeApi.routes.map((r) => r.serverName.toLowerCase()),
  );
}

const RESOLVERS = "cluster-dns";

/**
 * `/ready` from the backends' health: one rule per backend marks the request when that backend has a usable
 * server, then the answer follows the mark. A `monitor fail if` would need every backend's condition on one
 * line, and HAProxy takes at most 64 words a line: a region at 8 shards of 2 replicas has 33 backends.
 */
function readinessRules(backends: readonly string[]): string[] {
  return [
    ...backends.map(
      (b) => `  http-request set-var(txn.backend_up) bool(true) if { path ${GATEWAY_READY_PATH} } { nbsrv(${b}) gt 0 }`,
    ),
    "  acl some_backend_up var(txn.backend_up) -m found",
    `  http-request return status 503 content-type text/plain string "no backend reachable" if { path ${GATEWAY_READY_PATH} } !some_backend_up`,
    `  http-request return status 200 content-type text/plain string "ready" if { path ${GATEWAY_READY_PATH} }`,
  ];
}

export function haproxyGatewayConfig(p: HaproxyGatewayParams): string {
  validate(p);
  const fed = p.federation;
  // Servers are checked every 2s and skipped while down; a name not yet resolvable leaves the server down.
  const serverOptions = [
    "check",
    "inter",
    "2s",
    "fall",
    "2",
    "rise",
    "1",
    ...(p.runtimeDns ? ["resolvers", RESOLVERS, "init-addr", "last,libc,none"] : []),
  ];
  const tlsToPod = [
    "ssl",
    "verify",
    "required",
    "ca-file",
    fed.backendCaFile,
    "verifyhost",
    fed.backendServerName,
    "sni",
    `str(${fed.backendServerName})`,
  ];
  const server = (s: GatewayServer, extra: readonly string[]) =>
    `  server ${s.name} ${s.address} ${[...extra, ...serverOptions].join(" ")}`;
  const lines: string[] = [
    "global",
    "  log stdout format raw local0 notice",
    // The frontends only speak TLS 1.2 and later; HAProxy's own defaults still allow 1.0.
    "  ssl-default-bind-options ssl-min-ver TLSv1.2",
    "  ssl-default-server-options ssl-min-ver TLSv1.2",
    "  maxconn 4096",
    "",
    "defaults",
    "  log global",
    "  option dontlognull",
    "  timeout connect 5s",
    // Thanos keeps its gRPC connections open and re-dials a closed one; a query has 2m by default.
    "  timeout client 5m",
    "  timeout server 5m",
    "  timeout http-request 10s",
    "",
    ...(p.runtimeDns
      ? [
          `resolvers ${RESOLVERS}`,
          "  parse-resolv-conf",
          "  hold valid 10s",
          "  hold nx 5s",
          "  resolve_retries 3",
          "  timeout resolve 1s",
          "  timeout retry 1s",
          "",
        ]
      : []),
    "frontend monitoring",
    "  mode http",
    `  bind ${p.metricsBind}`,
    `  monitor-uri ${GATEWAY_HEALTH_PATH}`,
    ...readinessRules([
      ...fed.routes.map((r) => `federate-${r.name}`),
      ...p.storeApi.routes.map((r) => `store-api-${r.name}`),
    ]),
    `  http-request use-service prometheus-exporter if { path ${GATEWAY_METRICS_PATH} }`,
    "  http-request deny deny_status 404",
    "",
    "frontend federation",
    "  mode http",
    "  option httplog",
    ...fed.binds.map((b) => `  bind ${b} ssl crt ${fed.certFile} alpn http/1.1`),
    // /federate is a GET; nothing else of Prometheus (its API, its UI) is reachable through the gateway.
    "  http-request deny deny_status 405 unless METH_GET",
    ...fed.routes.map((r) => `  use_backend federate-${r.name} if { path ${r.path} }`),
    "  default_backend refuse-http",
    "",
    "backend refuse-http",
    "  mode http",
    "  http-request deny deny_status 404",
    "",
    ...fed.routes.flatMap((r) => [
      `backend federate-${r.name}`,
      "  mode http",
      "  http-request set-path /federate",
      ...r.servers.map((s) => server(s, tlsToPod)),
      "",
    ]),
    "frontend store-api",
    "  mode tcp",
    "  option tcplog",
    ...p.storeApi.binds.map((b) => `  bind ${b}`),
    // Wait for the TLS ClientHello, then route on its server name; anything else is closed unanswered.
    "  tcp-request inspect-delay 5s",
    "  tcp-request content reject unless { req.ssl_hello_type 1 }",
    ...p.storeApi.routes.map((r) => `  use_backend store-api-${r.name} if { req.ssl_sni -i ${r.serverName} }`),
    "  default_backend refuse-tcp",
    "",
    "backend refuse-tcp",
    "  mode tcp",
    "  tcp-request content reject",
    "",
    ...p.storeApi.routes.flatMap((r) => [
      `backend store-api-${r.name}`,
      "  mode tcp",
      ...r.servers.map((s) => server(s, [])),
      "",
    ]),
  ];
  return lines.join("\n");
}
