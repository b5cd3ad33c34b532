import * as fs from "node:fs";
import * as https from "node:https";
import { exchange } from "../client";

/** Who talks to an API server and how: its URL, the CA that signed its serving certificate, a client certificate. */
export interface KubeCredentials {
  readonly server: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
}

/** An API error with its HTTP status, so a caller can tell "not found" or "already exists" from a failure. */
export class KubeApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The few REST calls the control plane and its tests make, over plain HTTPS with a client certificate: no
 * Kubernetes client library for a handful of JSON requests.
 */
export class KubeApi {
  private readonly agent: https.Agent;

  constructor(readonly credentials: KubeCredentials) {
    this.agent = new https.Agent({
      ca: fs.readFileSync(credentials.caFile),
      cert: fs.readFileSync(credentials.certFile),
      key: fs.readFileSync(credentials.keyFile),
      keepAlive: true,
    });
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>("GET", path);
  }

  create<T>(path: string, body: object): Promise<T> {
    return this.call<T>("POST", path, body);
  }

  /** Replaces an object (or a subresource such as `/status`) with `body`, which carries its resourceVersion. */
  replace<T>(path: string, body: object): Promise<T> {
    return this.call<T>("PUT", path, body);
  }

  /** The body as text (for /readyz and the like, which answer plain text). */
  text(path: string): Promise<string> {
    return this.send("GET", path);
  }

  /** Closes the kept-alive connections, so a stopped API server is not left with idle clients. */
  close(): void {
    this.agent.destroy();
  }

  private async call<T>(method: string, path: string, body?: object): Promise<T> {
    return JSON.parse(await this.send(method, path, body)) as T;
  }

  private async send(method: string, path: string, body?: object): Promise<string> {
    const url = new URL(path, this.credentials.server);
    const headers: Record<string, string> = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const { status, text } = await exchange(
      url,
      { method, headers, agent: this.agent },
      body === undefined ? undefined : JSON.stringify(body),
    );
    if (status >= 200 && status < 300) return text;
    throw new KubeApiError(status, `${method} ${url.pathname}: HTTP ${status}: ${text.slice(0, 500)}`);
  }
}
