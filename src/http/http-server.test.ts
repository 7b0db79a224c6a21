import assert from "node:assert/strict";
import { connect } from "node:net";
import { Writable } from "node:stream";
import { describe, it } from "node:test";
import { pino } from "pino";
import { HttpServer } from "./http-server.ts";

async function listening(server: HttpServer): Promise<string> {
  const [bound] = await server.listen([{ name: "http", address: { host: "127.0.0.1", port: 0 } }]);
  return bound?.address as string;
}

/** Sends raw bytes and resolves with everything the server answers until it closes. */
function rawRequest(address: string, bytes: string): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), address.split(":").at(-1)];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => socket.end(bytes));
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("close", () => resolve(answer)).on("error", reject);
  });
}

/** The status line and the JSON body of a raw HTTP/1.1 answer. */
function parseAnswer(answer: string): { statusLine: string; body: unknown } {
  const [head = "", body = ""] = answer.split("\r\n\r\n");
  return { statusLine: head.split("\r\n")[0] ?? "", body: JSON.parse(body) };
}

describe("HttpServer", () => {
  it("lets an in-flight request finish when it closes, and refuses new connections", async () => {
    const server = new HttpServer(pino({ level: "silent" }));
    let release: () => void = () => {};
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server.app.get("/slow", async () => {
      arrived();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { done: true };
    });
    const url = `http://${await listening(server)}`;

    const inFlight = fetch(`${url}/slow`).then(async (response) => [
      response.status,
      await response.json(),
    ]);
    await requestArrived;
    // close() stops the listeners at once, before its first await.
    const closed = server.close(5_000);
    await assert.rejects(fetch(`${url}/slow`), "no new connections while closing");
    release();
    assert.deepEqual(await inFlight, [200, { done: true }]);
    await closed;
  });

  it("cuts connections that outlast the shutdown timeout", async () => {
    const server = new HttpServer(pino({ level: "silent" }));
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    server.app.get("/hang", () => {
      arrived();
      return new Promise(() => {});
    });
    const address = await listening(server);
    const hanging = fetch(`http://${address}/hang`).catch((error: unknown) => error);
    await requestArrived;
    const started = Date.now();
    await server.close(200);
    assert.ok(Date.now() - started < 3_000);
    assert.ok((await hanging) instanceof Error, "the hanging request is cut");
  });

  it("gives each request a TTS correlation id, logged as correlation_id", async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    });
    const server = new HttpServer(pino({ level: "info" }, destination));
    server.app.get("/id", async (request) => {
      request.log.info("handled");
      return { id: request.id };
    });
    const first = (await server.app.inject({ method: "GET", url: "/id" })).json().id;
    const second = (await server.app.inject({ method: "GET", url: "/id" })).json().id;
    assert.match(first, /^[0-9a-f]{32}$/);
    assert.notEqual(first, second);
    assert.deepEqual(
      lines.filter((line) => line.msg === "handled").map((line) => line.correlation_id),
      [first, second],
    );
    await server.close(0);
  });

  it("answers requests that fail before any route with TTS's routing error body", async () => {
    const server = new HttpServer(pino({ level: "silent" }));
    server.app.get("/things/:id", async () => ({}));
    const url = `http://${await listening(server)}`;
    for (const [path, status, body] of [
      ["/things/%zz", 400, { code: 3, message: "Bad Request", details: [] }],
      [`/things/${"x".repeat(101)}`, 414, { code: 8, message: "URI Too Long", details: [] }],
    ] as const) {
      const response = await fetch(`${url}${path}`);
      assert.equal(response.status, status, path);
      assert.match(response.headers.get("content-type") ?? "", /^application\/json/, path);
      assert.deepEqual(await response.json(), body, path);
    }
    assert.equal((await fetch(`${url}/things/${"x".repeat(100)}`)).status, 200, "at the limit");
    await server.close(0);
  });

  it("answers errors of the HTTP parser with TTS's routing error body and closes", async () => {
    const server = new HttpServer(pino({ level: "silent" }));
    const address = await listening(server);
    const tooLarge = parseAnswer(
      await rawRequest(
        address,
        `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      ),
    );
    assert.equal(tooLarge.statusLine, "HTTP/1.1 431 Request Header Fields Too Large");
    assert.deepEqual(tooLarge.body, {
      code: 8,
      message: "Request Header Fields Too Large",
      details: [],
    });
    const malformed = parseAnswer(await rawRequest(address, "NOT HTTP AT ALL\r\n\r\n"));
    assert.equal(malformed.statusLine, "HTTP/1.1 400 Bad Request");
    assert.deepEqual(malformed.body, { code: 3, message: "Bad Request", details: [] });
    await server.close(0);
  });
});
