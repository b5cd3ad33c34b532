/**
 * The local Receive ingress: each connection passed to a live backend (a refusing one skipped, as a load
 * balancer skips a dead pod), and the link cut and restored as the remote-write tests need.
 */
import * as assert from "node:assert";
import * as net from "node:net";
import { LOOPBACK, PortAllocator } from "../../local/ports";
import { ReceiveIngress } from "../../local/receive-ingress";
import { e2eBasePort } from "../support/ports";

/** A backend that answers every connection with its name, then closes it. */
function namedServer(name: string, port: number): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end(name));
  return new Promise((resolve) => server.listen(port, LOOPBACK, () => resolve(server)));
}

/** What a client reads through `port` before the connection closes, or the error that refused it. */
function readThrough(port: number): Promise<string> {
  return new Promise((resolve) => {
    let answer = "";
    const socket = net.connect(port, LOOPBACK);
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString()));
    socket.once("close", () => resolve(answer));
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(`error ${err.code}`));
  });
}

describe("the local Receive ingress", () => {
  const servers: net.Server[] = [];
  let ingress: ReceiveIngress;
  let ingressPort: number;

  before(async () => {
    const ports = new PortAllocator(e2eBasePort(19090) + 1900);
    const [live, dead] = [await ports.take(), await ports.take()];
    ingressPort = await ports.take();
    servers.push(await namedServer("receive-0", live));
    // `dead` has no listener: every connection to it is refused.
    ingress = new ReceiveIngress(ingressPort, [dead, live]);
    await ingress.restore();
  });

  after(async () => {
    await ingress.cut();
    for (const server of servers) await new Promise((resolve) => server.close(resolve));
  });

  it("passes every connection to a live backend, skipping one that refuses", async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => readThrough(ingressPort)));
    assert.deepStrictEqual(answers, ["receive-0", "receive-0", "receive-0", "receive-0"]);
  });

  it("refuses connections while cut, and passes them again once restored", async () => {
    await ingress.cut();
    assert.strictEqual(await readThrough(ingressPort), "error ECONNREFUSED");
    await ingress.restore();
    assert.strictEqual(await readThrough(ingressPort), "receive-0");
  });
});
