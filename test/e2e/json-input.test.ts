// The REST API reads JSON, routes and pages as The Things Stack does, through the real program:
// request bodies from TTS's documentation (with a `field_mask` their message does not have),
// enums in every spelling TTS accepts, TTS's routing error bodies, and TTS's paging rules.
import assert from "node:assert/strict";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { initialize } from "../harness/identity-admin.ts";
import {
  type LogLine,
  type LorastackProcess,
  startLorastack,
} from "../harness/lorastack-process.ts";

/** JSON answers of the API: their shape is what the assertions check. */
// biome-ignore lint/suspicious/noExplicitAny: the assertions below check the shape
type ApiJson = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-json-"));
  adminKey = await initialize(dataDir);
  stack = await startLorastack({ dataDir, env: { LORASTACK_LOG_LEVEL: "debug" } });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text ? JSON.parse(text) : {}) as ApiJson,
  };
}

/** The first log line that passes `test`, waiting for the child to write it. */
async function logLine(test: (line: LogLine) => boolean): Promise<LogLine> {
  for (;;) {
    const found = stack.logs.find(test);
    if (found) return found;
    // The harness parses each chunk in its own "data" listener, which runs before this one.
    await once(stack.child.stdout as NodeJS.ReadableStream, "data");
  }
}

/** Sends raw bytes to the HTTP port and resolves with the whole answer. */
function rawRequest(bytes: string): Promise<string> {
  const { hostname, port } = new URL(stack.httpUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("close", () => resolve(answer)).on("error", reject);
  });
}

describe("JSON as The Things Stack reads it", () => {
  it("accepts TTS's documented application and device registration bodies", async () => {
    // From TTS's documentation (the HTTP API examples for creating an application and then
    // registering an OTAA device on the Identity Server).
    const application = await api("POST", "/users/admin/applications", {
      application: {
        ids: { application_id: "my-test-app" },
        name: "My Test Application",
        description: "Application for my test devices",
        network_server_address: "thethings.example.com",
        application_server_address: "thethings.example.com",
        join_server_address: "thethings.example.com",
      },
    });
    assert.equal(application.status, 200, JSON.stringify(application.json));

    const device = await api("POST", "/applications/my-test-app/devices", {
      end_device: {
        ids: {
          device_id: "test-device",
          dev_eui: "0000000000000011",
          join_eui: "1111111111111111",
        },
        join_server_address: "thethings.example.com",
        network_server_address: "thethings.example.com",
        application_server_address: "thethings.example.com",
      },
      field_mask: {
        paths: [
          "join_server_address",
          "network_server_address",
          "application_server_address",
          "ids.dev_eui",
          "ids.join_eui",
        ],
      },
    });
    assert.equal(device.status, 200, JSON.stringify(device.json));
    assert.deepEqual(device.json.ids, {
      device_id: "test-device",
      application_ids: { application_id: "my-test-app" },
      dev_eui: "0000000000000011",
      join_eui: "1111111111111111",
    });

    const read = await api(
      "GET",
      "/applications/my-test-app/devices/test-device?field_mask=join_server_address,network_server_address&utm_source=docs",
    );
    assert.equal(read.status, 200, JSON.stringify(read.json));
    assert.equal(read.json.join_server_address, "thethings.example.com");
    assert.equal(read.json.network_server_address, "thethings.example.com");
  });

  it("logs the fields and parameters it skipped at debug level, with the correlation id", async () => {
    const ignored = (method: string) => (line: LogLine) =>
      line.msg === "ignored unknown request fields" && line.method === method;
    const create = await logLine(ignored("/ttn.lorawan.v3.EndDeviceRegistry/Create"));
    assert.equal(create.level, 20);
    assert.deepEqual(create.unknown_fields, ["field_mask"]);
    assert.match(String(create.correlation_id), /^[0-9a-f]{32}$/);
    const get = await logLine(ignored("/ttn.lorawan.v3.EndDeviceRegistry/Get"));
    assert.deepEqual(get.unknown_query_parameters, ["utm_source"]);
  });

  it("accepts enums by name, number, numeric string and TTS alias, and writes names", async () => {
    const created = await api("POST", "/applications/my-test-app/api-keys", {
      name: "every spelling",
      rights: ["APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_READ", 24, "25", "LINK"],
    });
    assert.equal(
      created.status,
      400,
      "LINK is not a right: the prefix-less name is APPLICATION_LINK",
    );
    assert.match(created.json.message, /`rights\[4\]`: unknown value "LINK"/);

    const key = await api("POST", "/applications/my-test-app/api-keys", {
      name: "every spelling",
      rights: ["APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_READ", 24, "25"],
      expires_at: null,
      colour: "red",
    });
    assert.equal(key.status, 200, JSON.stringify(key.json));
    assert.deepEqual([...key.json.rights].sort(), [
      "RIGHT_APPLICATION_DEVICES_READ",
      "RIGHT_APPLICATION_INFO",
      "RIGHT_APPLICATION_TRAFFIC_READ",
      "RIGHT_APPLICATION_TRAFFIC_UP_WRITE",
    ]);
  });

  it("still answers 400 naming the field for malformed values of known fields", async () => {
    const device = await api("POST", "/applications/my-test-app/devices", {
      end_device: { ids: { device_id: "bad-eui", dev_eui: "00000000000000XY" }, nmae: "typo" },
    });
    assert.equal(device.status, 400);
    assert.equal(device.json.details[0].name, "invalid_hex");
    assert.match(device.json.message, /`end_device\.ids\.dev_eui`/);
    const right = await api("POST", "/applications/my-test-app/api-keys", { rights: [9999] });
    assert.equal(right.status, 400);
    assert.match(
      right.json.message,
      /`rights\[0\]`: 9999 is not a value of ttn\.lorawan\.v3\.Right/,
    );
  });
});

describe("routing and paging as in The Things Stack", () => {
  it("answers unknown API paths with TTS's 404 body", async () => {
    for (const path of ["/nope", "/applications/my-test-app/nope", ""]) {
      const response = await api("GET", path);
      assert.equal(response.status, 404, path);
      assert.deepEqual(response.json, { code: 5, message: "Not Found", details: [] }, path);
    }
  });

  it("answers a bad URL, a URI too long and headers too large in TTS's error shape", async () => {
    const badUrl = await api("GET", "/applications/%zz");
    assert.equal(badUrl.status, 400);
    assert.deepEqual(badUrl.json, { code: 3, message: "Bad Request", details: [] });
    const tooLong = await api("GET", `/applications/${"a".repeat(200)}`);
    assert.equal(tooLong.status, 414);
    assert.deepEqual(tooLong.json, { code: 8, message: "URI Too Long", details: [] });
    const answer = await rawRequest(
      `GET /api/v3/applications HTTP/1.1\r\nHost: x\r\nX-Filler: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    const [head = "", body = ""] = answer.split("\r\n\r\n");
    assert.match(head, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    assert.match(head, /\r\ncontent-type: application\/json\r\n/i);
    assert.deepEqual(JSON.parse(body), {
      code: 8,
      message: "Request Header Fields Too Large",
      details: [],
    });
    assert.equal((await api("GET", "/applications/my-test-app")).status, 200, "still serving");
  });

  it("gives a page of 100 without a limit and refuses a limit above 1000", async () => {
    const existing = await api("GET", "/applications/my-test-app/api-keys?limit=1");
    const total = 101;
    for (let index = Number(existing.headers.get("x-total-count")); index < total; index += 1) {
      const key = await api("POST", "/applications/my-test-app/api-keys", {
        name: `key-${index}`,
        rights: ["RIGHT_APPLICATION_INFO"],
      });
      assert.equal(key.status, 200, JSON.stringify(key.json));
    }
    const firstPage = await api("GET", "/applications/my-test-app/api-keys");
    assert.equal(firstPage.status, 200, JSON.stringify(firstPage.json));
    assert.equal(firstPage.json.api_keys.length, 100);
    assert.equal(firstPage.headers.get("x-total-count"), String(total));
    const secondPage = await api("GET", "/applications/my-test-app/api-keys?page=2");
    assert.equal(secondPage.json.api_keys.length, total - 100);
    const all = await api("GET", "/applications/my-test-app/api-keys?limit=1000");
    assert.equal(all.json.api_keys.length, total);

    const tooMany = await api("GET", "/applications/my-test-app/api-keys?limit=1001");
    assert.equal(tooMany.status, 400, JSON.stringify(tooMany.json));
    assert.equal(tooMany.json.code, 3);
    assert.equal(tooMany.json.details[0].name, "limit_too_large");
    const applications = await api("GET", "/users/admin/applications?limit=5000");
    assert.equal(applications.status, 400);
    const listed = await api("GET", "/users/admin/applications");
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.json.applications.map((app: ApiJson) => app.ids.application_id),
      ["my-test-app"],
    );
  });
});
