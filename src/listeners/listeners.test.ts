import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request as httpsRequest } from "node:https";
import { createServer, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pino } from "pino";
import { WebSocket } from "ws";
import { run } from "../../test/harness/run.ts";
import { errListen, errListenAddress, errListenerNameTaken } from "./errors.ts";
import { ListenerRegistry } from "./registry.ts";
import { ScopedListeners } from "./scoped-listeners.ts";

const silent = pino({ level: "silent" });

function setUp(closeTimeoutMs = 2_000) {
  const registry = new ListenerRegistry({ logger: silent, closeTimeoutMs });
  const listen = new ScopedListeners(registry, "gs", silent);
  return { registry, listen };
}

function port(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

/** Asserts that `promise` rejects with `listeners:listen` naming the listener. */
async function rejectsBusy(promise: Promise<unknown>, listener: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(errListen.matches(error), `expected listeners:listen, got ${error}`);
    assert.match(error.message, new RegExp(`for ${listener.replace(/[()]/g, "\\$&")}: EADDRINUSE`));
    return true;
  });
}

let scratch: string;
let tls: { cert: Buffer; key: Buffer } | undefined;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), "lorastack-listeners-"));
  const cert = join(scratch, "cert.pem");
  const key = join(scratch, "key.pem");
  const made = await run("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-subj", "/CN=localhost", "-days", "1", "-keyout", key, "-out", cert],
  ]).catch(() => undefined);
  if (made?.code === 0) tls = { cert: await readFile(cert), key: await readFile(key) };
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("listen.tcp", () => {
  it("binds a server on port 0, registers it, serves, and closes it with the component", async () => {
    const { registry, listen } = setUp();
    const server = createServer((socket) => socket.end("hello"));
    const bound = await listen.tcp("mqtt", "127.0.0.1:0", server);
    assert.equal(bound.name, "mqtt");
    assert.match(bound.address, /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(registry.bound, [bound]);

    const client = tcpConnect(port(bound.address), "127.0.0.1");
    client.setEncoding("utf8");
    const [greeting] = await once(client, "data");
    assert.equal(greeting, "hello");

    await listen.close();
    assert.equal(server.listening, false);
    assert.deepEqual(registry.bound, []);
  });

  it("is a typed error naming the listener when the port is taken", async () => {
    const { registry, listen } = setUp();
    const first = await listen.tcp("mqtt", "127.0.0.1:0", createServer());
    await rejectsBusy(listen.tcp("mqtt (tls)", first.address, createServer()), "mqtt (tls)");
    assert.deepEqual(
      registry.bound.map((listener) => listener.name),
      ["mqtt"],
      "the failed listener is not registered",
    );
    await listen.close();
  });

  it("cuts connections still open after the close timeout", async () => {
    const { listen } = setUp(100);
    const server = createServer(() => {}); // never ends its connections
    const bound = await listen.tcp("interop", "127.0.0.1:0", server);
    const client = tcpConnect(port(bound.address), "127.0.0.1");
    await once(server, "connection");
    const closed = once(client, "close");
    await listen.close();
    await closed;
  });
});

describe("listen.udp", () => {
  it("binds port 0, receives a datagram, and closes with the component", async () => {
    const { registry, listen } = setUp();
    const socket = await listen.udp("udp", "127.0.0.1:0");
    const [bound] = registry.bound;
    assert.equal(bound?.name, "udp");
    const received = once(socket, "message");
    const sender = createSocket("udp4");
    sender.send(Buffer.from([2, 0x12, 0x34, 0]), port(bound?.address ?? ""), "127.0.0.1");
    const [message] = (await received) as [Buffer];
    assert.deepEqual([...message], [2, 0x12, 0x34, 0]);
    sender.close();
    await listen.close();
    assert.throws(() => socket.address(), "the socket is closed");
    assert.deepEqual(registry.bound, []);
  });

  it("binds every interface on :port and receives IPv4 there (dual stack or IPv4 only)", async () => {
    const { listen, registry } = setUp();
    const socket = await listen.udp("udp", ":0");
    const address = registry.bound[0]?.address ?? "";
    assert.match(address, /^(\[::\]|0\.0\.0\.0):\d+$/);
    const received = once(socket, "message");
    const sender = createSocket("udp4");
    sender.send(Buffer.from("ping"), port(address), "127.0.0.1");
    assert.equal(String(((await received) as [Buffer])[0]), "ping");
    sender.close();
    await listen.close();
  });

  it("sets the receive buffer size (the kernel may round it up)", async () => {
    const { listen } = setUp();
    const socket = await listen.udp("udp", "127.0.0.1:0", { receiveBufferSize: 100_000 });
    assert.ok(socket.getRecvBufferSize() >= 100_000, `got ${socket.getRecvBufferSize()}`);
    await listen.close();
  });

  it("refuses a taken port unless both sockets ask to share it", async () => {
    const { listen } = setUp();
    const first = await listen.udp("udp", "127.0.0.1:0");
    const taken = `127.0.0.1:${first.address().port}`;
    await rejectsBusy(listen.udp("udp (second)", taken), "udp (second)");

    const shared = await listen.udp("udp (shared 1)", "127.0.0.1:0", { reuseAddress: true });
    const again = await listen.udp("udp (shared 2)", `127.0.0.1:${shared.address().port}`, {
      reuseAddress: true,
    });
    assert.equal(again.address().port, shared.address().port);
    await listen.close();
  });

  it("lets the component close its socket first; the name is free again", async () => {
    const { listen, registry } = setUp();
    const socket = await listen.udp("udp", "127.0.0.1:0");
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    assert.deepEqual(registry.bound, []);
    const again = await listen.udp("udp", "127.0.0.1:0");
    await listen.close();
    assert.throws(() => again.address());
  });
});

describe("listen.websocket", () => {
  it("accepts upgrades on its path only, answers plain HTTP with 426, and closes sockets with 1001", async () => {
    const { listen, registry } = setUp();
    const server = await listen.websocket("basic_station", "127.0.0.1:0", {
      path: (path) => path === "/router-info" || path.startsWith("/traffic/"),
    });
    server.on("connection", (socket, request) => {
      socket.on("message", (data) => socket.send(`${request.url} ${String(data)}`));
    });
    const address = registry.bound[0]?.address;

    const client = new WebSocket(`ws://${address}/traffic/0102030405060708?x=1`);
    await once(client, "open");
    client.send("hello");
    const [reply] = await once(client, "message");
    assert.equal(String(reply), "/traffic/0102030405060708?x=1 hello");

    const wrong = new WebSocket(`ws://${address}/elsewhere`);
    const [, response] = (await once(wrong, "unexpected-response")) as [
      unknown,
      { statusCode: number },
    ];
    assert.equal(response.statusCode, 404);

    const plain = await fetch(`http://${address}/router-info`);
    assert.equal(plain.status, 426);

    const closing = once(client, "close");
    await listen.close();
    const [code] = await closing;
    assert.equal(code, 1001);
  });

  it("serves wss:// with TLS material", async (t) => {
    if (!tls) return t.skip("openssl is not available to make a test certificate");
    const { listen, registry } = setUp();
    const server = await listen.websocket("basic_station (tls)", "127.0.0.1:0", {
      path: "/router-info",
      tls,
    });
    server.on("connection", (socket) => socket.send("secure"));
    const client = new WebSocket(`wss://${registry.bound[0]?.address}/router-info`, {
      rejectUnauthorized: false,
    });
    const [message] = await once(client, "message");
    assert.equal(String(message), "secure");
    client.close();
    await listen.close();
  });

  it("is a typed error naming the listener when the port is taken", async () => {
    const { listen, registry } = setUp();
    await listen.websocket("basic_station", "127.0.0.1:0", { path: "/" });
    const taken = registry.bound[0]?.address ?? "";
    await rejectsBusy(listen.websocket("tabs_hubs", taken, { path: "/" }), "tabs_hubs");
    await listen.close();
  });
});

describe("listen.http", () => {
  it("serves a handler on port 0 and closes with the component", async () => {
    const { listen, registry } = setUp();
    await listen.http("cups", "127.0.0.1:0", (request, response) => {
      response.end(`you asked for ${request.url}`);
    });
    const address = registry.bound[0]?.address;
    const response = await fetch(`http://${address}/update-info`);
    assert.equal(await response.text(), "you asked for /update-info");
    await listen.close();
    await assert.rejects(fetch(`http://${address}/`), "no longer accepts connections");
  });

  it("serves HTTPS with TLS material", async (t) => {
    if (!tls) return t.skip("openssl is not available to make a test certificate");
    const { listen, registry } = setUp();
    await listen.http("cups (tls)", "127.0.0.1:0", (_request, response) => response.end("ok"), tls);
    const body = await new Promise<string>((resolve, reject) => {
      httpsRequest(
        `https://${registry.bound[0]?.address}/`,
        { rejectUnauthorized: false },
        (res) => {
          res.setEncoding("utf8");
          let text = "";
          res.on("data", (chunk: string) => {
            text += chunk;
          });
          res.on("end", () => resolve(text));
        },
      )
        .on("error", reject)
        .end();
    });
    assert.equal(body, "ok");
    await listen.close();
  });

  it("is a typed error naming the listener when the port is taken", async () => {
    const { listen, registry } = setUp();
    await listen.http("cups", "127.0.0.1:0", (_request, response) => response.end());
    const taken = registry.bound[0]?.address ?? "";
    await rejectsBusy(
      listen.http("gcs", taken, (_request, response) => response.end()),
      "gcs",
    );
    await listen.close();
  });
});

describe("ListenerRegistry", () => {
  it("refuses a second listener with a taken name before binding it", async () => {
    const { listen, registry } = setUp();
    await listen.udp("udp", "127.0.0.1:0");
    const server = createServer();
    await assert.rejects(
      listen.tcp("udp", "127.0.0.1:0", server),
      (error: unknown) => errListenerNameTaken.matches(error) && /udp/.test(error.message),
    );
    assert.equal(server.listening, false);
    assert.throws(
      () => registry.register({ name: "udp", address: "127.0.0.1:1" }),
      (error: unknown) => errListenerNameTaken.matches(error),
    );
    await listen.close();
  });

  it("names the listener when its address is not one", async () => {
    const { listen } = setUp();
    for (const address of ["", "nonsense", "host:99999"]) {
      await assert.rejects(
        listen.udp("udp", address),
        (error: unknown) =>
          errListenAddress.matches(error) && error.message.startsWith("listener udp:"),
      );
    }
  });

  it("logs every registered listener as listening, with its name and address", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino(
      { level: "info" },
      { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
    );
    const registry = new ListenerRegistry({ logger, closeTimeoutMs: 1_000 });
    registry.register({ name: "http", address: "127.0.0.1:1885" });
    const listen = new ScopedListeners(registry, "gs", logger);
    const socket = await listen.udp("udp", "127.0.0.1:0");
    const listening = lines.filter((line) => line.msg === "listening");
    assert.deepEqual(
      listening.map((line) => [line.listener, line.address, line.owner]),
      [
        ["http", "127.0.0.1:1885", "runtime"],
        ["udp", `127.0.0.1:${socket.address().port}`, "gs"],
      ],
    );
    await listen.close();
  });
});
