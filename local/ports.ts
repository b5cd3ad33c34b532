import * as net from "node:net";

export const LOOPBACK = "127.0.0.1";

export const address = (port: number) => `${LOOPBACK}:${port}`;

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: LOOPBACK, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Hands out loopback ports from a range, skipping any already taken, so the same run on the same machine
 * usually gets the same ports (stable endpoints for bookmarks) and two runs never collide.
 */
export class PortAllocator {
  private next: number;

  constructor(
    readonly first: number,
    readonly last: number = first + 2000,
  ) {
    this.next = first;
  }

  async take(): Promise<number> {
    while (this.next <= this.last) {
      const port = this.next++;
      if (await isFree(port)) return port;
    }
    throw new Error(
      `no free port left on ${LOOPBACK} between ${this.first} and ${this.last}; pass --base-port to use another range`,
    );
  }
}
