import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { connect, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import Fastify from "fastify";
import { lingerOnRefusedBodies } from "./refused-bodies.ts";

const lingerMs = 300;
const app = Fastify({ bodyLimit: 1024 });
lingerOnRefusedBodies(app, lingerMs);
app.post("/echo", async (request) => ({ body: request.body }));
app.get("/ok", async () => ({ ok: true }));
let port = 0;

before(async () => {
  await app.listen({ host: "127.0.0.1", port: 0 });
  port = (app.server.address() as AddressInfo).port;
});
after(() => app.close());

/** A raw connection that collects what the server answers and tells when it closes. */
function open(): { socket: Socket; received: () => string; closed: Promise<number> } {
  const socket = connect(port, "127.0.0.1");
  let answer = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    answer += chunk;
  });
  socket.on("error", () => {});
  const closed = new Promise<number>((resolve) => socket.on("close", () => resolve(Date.now())));
  return { socket, received: () => answer, closed };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Writes `bytes` in chunks, as a client uploading a body does; rejects if the server cut it. */
async function send(socket: Socket, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; offset += 64 * 1024) {
    const chunk = bytes.subarray(offset, offset + 64 * 1024);
    await new Promise<void>((resolve, reject) =>
      socket.write(chunk, (error) => (error ? reject(error) : resolve())),
    );
  }
}

const head = (headers: string) =>
  `POST /echo HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${headers}\r\n`;

describe("a body refused before it is read", () => {
  it("is answered 413 while the client still sends it, read to its end, and the connection kept", async () => {
    const { socket, received, closed } = open();
    const body = Buffer.alloc(4 * 1024 * 1024, 0x20);
    socket.write(head(`content-length: ${body.length}\r\n`));
    await until(() => received().includes("\r\n\r\n"), "the answer");
    assert.match(received(), /^HTTP\/1\.1 413 /);
    assert.doesNotMatch(received(), /connection: close/i);
    await send(socket, body);
    socket.write("GET /ok HTTP/1.1\r\nhost: x\r\n\r\n");
    await until(() => received().includes('{"ok":true}'), "the next answer on the same connection");
    socket.end();
    await closed;
  });

  it("is read to its end when it is chunked and passes the limit as it arrives", async () => {
    const { socket, received, closed } = open();
    socket.write(head("transfer-encoding: chunked\r\n"));
    const chunk = `${(8 * 1024).toString(16)}\r\n${" ".repeat(8 * 1024)}\r\n`;
    socket.write(chunk);
    await until(() => received().includes("\r\n\r\n"), "the answer");
    assert.match(received(), /^HTTP\/1\.1 413 /);
    await send(socket, Buffer.from(chunk.repeat(64)));
    socket.write("0\r\n\r\nGET /ok HTTP/1.1\r\nhost: x\r\n\r\n");
    await until(() => received().includes('{"ok":true}'), "the next answer on the same connection");
    socket.end();
    await closed;
  });

  it("has its connection cut when the client stops sending it", async () => {
    const { socket, received, closed } = open();
    socket.write(head("content-length: 1000000\r\n"));
    socket.write("x".repeat(100));
    await until(() => received().includes("\r\n\r\n"), "the answer");
    const answered = Date.now();
    assert.match(received(), /^HTTP\/1\.1 413 /);
    const cutAfter = (await closed) - answered;
    assert.ok(cutAfter >= lingerMs - 50, `cut after ${cutAfter} ms, before lingering`);
    assert.ok(cutAfter < lingerMs + 2_000, `cut after ${cutAfter} ms`);
  });
});
