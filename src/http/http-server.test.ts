import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { pino } from "pino";
import { HttpServer } from "./http-server.ts";

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
    const [bound] = await server.listen([
      { name: "http", address: { host: "127.0.0.1", port: 0 } },
    ]);
    const url = `http://${bound?.address}`;

    const inFlight = fetch(`${url}/slow`).then(async (response) => [
      response.status,
      await response.json(),
    ]);
    await requestArrived;
    const closed = server.close(5_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await assert.rejects(fetch(`${url}/slow`), "no new connections while closing");
    release();
    assert.deepEqual(await inFlight, [200, { done: true }]);
    await closed;
  });

  it("cuts connections that outlast the shutdown timeout", async () => {
    const server = new HttpServer(pino({ level: "silent" }));
    server.app.get("/hang", () => new Promise(() => {}));
    const [bound] = await server.listen([
      { name: "http", address: { host: "127.0.0.1", port: 0 } },
    ]);
    const hanging = fetch(`http://${bound?.address}/hang`).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close(200);
    assert.ok(Date.now() - started < 3_000);
    assert.ok((await hanging) instanceof Error, "the hanging request is cut");
  });
});
