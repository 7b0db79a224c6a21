import assert from "node:assert/strict";
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { describe, it } from "node:test";
import { admittingServer, ConnectionLimiter, type Refusal } from "./connection-limiter.ts";

/** A bound admitting server that keeps what it serves, and the refusals it made. */
async function serve(limiter: ConnectionLimiter) {
  const served: Socket[] = [];
  const refused: Refusal[] = [];
  const server = admittingServer(
    limiter,
    (socket) => served.push(socket),
    (socket, refusal) => {
      refused.push(refusal);
      socket.end("refused");
    },
  );
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };
  const open = async (localAddress: string) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    socket.resume(); // so that a refusal's end is read and the socket closes
    await once(socket, "connect");
    return socket;
  };
  return { server, served, refused, open };
}

describe("ConnectionLimiter", () => {
  it("refuses past the per-address cap and counts each address on its own", async () => {
    const limiter = new ConnectionLimiter({ maxPerAddress: 2, maxTotal: 0 });
    const { server, served, refused, open } = await serve(limiter);
    const clients = [await open("127.0.7.1"), await open("127.0.7.1"), await open("127.0.7.2")];
    const third = await open("127.0.7.1");
    await once(third, "close");
    assert.deepEqual(refused, ["address"]);
    assert.equal(served.length, 3);
    assert.equal(limiter.open, 3);
    // A closed connection frees its place.
    const closing = once(served[0] as Socket, "close");
    (clients[0] as Socket).destroy();
    await closing;
    assert.equal(limiter.open, 2);
    clients.push(await open("127.0.7.1"));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(served.length, 4);
    for (const socket of [...clients, ...served]) socket.destroy();
    server.close();
  });

  it("refuses past the total cap, whatever the address", async () => {
    const reasons: string[] = [];
    const limiter = new ConnectionLimiter({ maxPerAddress: 0, maxTotal: 2 }, (reason, address) =>
      reasons.push(`${reason} ${address}`),
    );
    const { server, served, open } = await serve(limiter);
    const clients = [await open("127.0.8.1"), await open("127.0.8.2")];
    const third = await open("127.0.8.3");
    await once(third, "close");
    assert.deepEqual(reasons, ["total 127.0.8.3"]);
    for (const socket of [...clients, ...served]) socket.destroy();
    server.close();
  });
});
