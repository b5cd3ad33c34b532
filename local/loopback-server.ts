import * as http from "node:http";
import { LOOPBACK } from "./ports";

/** An HTTP server of the runner's own (webhook receiver, token endpoint), on loopback only. */
export class LoopbackServer {
  private readonly server: http.Server;

  constructor(handler: http.RequestListener) {
    this.server = http.createServer(handler);
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, LOOPBACK, () => resolve());
    });
  }

  /** Closes the server and every connection still open to it. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
