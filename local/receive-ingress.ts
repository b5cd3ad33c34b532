/**
 * The local stand-in of the global tier's Receive ingress: one remote-write endpoint that passes each TCP
 * connection, TLS and all, to a live Receive (round robin, the next one tried when one refuses), as the load
 * balancer in front of the Receive pods does in a cluster. Mutual TLS stays end to end: Receive still reads
 * the tenant from the agent's certificate.
 *
 * It is also where the end-to-end tests cut a region's link: `cut` drops every connection and refuses new
 * ones, as a lost route does to an agent; `restore` opens it again.
 */
import * as net from "node:net";
import { LOOPBACK } from "./ports";

export class ReceiveIngress {
  private server: net.Server | undefined;
  private readonly open = new Set<net.Socket>();
  private next = 0;

  constructor(
    private readonly port: number,
    private readonly backendPorts: readonly number[],
  ) {}

  /** Starts accepting connections (again, after a cut). */
  async restore(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((client) => this.pass(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, LOOPBACK, () => resolve());
    });
    this.server = server;
  }

  /** Refuses new connections and drops the open ones: the agents see their link to Receive gone. */
  async cut(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.open) socket.destroy();
    this.open.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private track(socket: net.Socket): void {
    this.open.add(socket);
    socket.once("close", () => this.open.delete(socket));
  }

  private pass(client: net.Socket): void {
    this.track(client);
    client.pause();
    // Round robin over the connections; one refused moves on to the next backend after the one it tried.
    const first = this.next++;
    const attempt = (tried: number) => {
      if (tried === this.backendPorts.length || client.destroyed) {
        client.destroy();
        return;
      }
      const port = this.backendPorts[(first + tried) % this.backendPorts.length];
      const backend = net.connect(port, LOOPBACK);
      let connected = false;
      backend.on("error", () => {
        // Refused before anything was passed: the next Receive is tried, as a load balancer skips a dead pod.
        if (!connected) attempt(tried + 1);
        else client.destroy();
      });
      backend.once("connect", () => {
        connected = true;
        this.track(backend);
        // Each side's end is passed on by the pipes (what was written first is delivered); a reset is an error,
        // which drops the other side at once.
        client.pipe(backend);
        backend.pipe(client);
        client.once("close", () => backend.destroy());
        client.resume();
      });
    };
    client.on("error", () => client.destroy());
    attempt(0);
  }
}
