/**
 * `AppAs` over REST (the project's transcoder): The Things Stack's paths, JSON and rights, on
 * the real downlink queue and uplink handler with in-memory neighbours.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import Fastify, { type FastifyInstance } from "fastify";
import { errorToHttp } from "../../api/errors.ts";
import { listRestRoutes, registerRestRoutes, restService } from "../../api/rest/transcoder.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { ApplicationLinkSchema } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { AppAs } from "../../gen/ttn/lorawan/v3/applicationserver_traffic_pb.js";
import { PayloadFormatter } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { ephemeralKeyVault } from "../../key-vault/static-key-vault.ts";
import { decryptFrmPayload } from "../../lorawan/crypto/index.ts";
import {
  FakeDevices,
  FakeLinks,
  FakeNetworkServer,
  fakeFormatters,
  newDevice,
  RecordingSink,
} from "../downlinks/fakes.ts";
import { createDownlinkQueue } from "../downlinks/queue.ts";
import { createAppSKeyResolver } from "../uplinks/app-s-key.ts";
import { createUplinkHandler } from "../uplinks/handler.ts";
import { appAsService } from "./app-as.ts";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const appSKey = hex("000102030405060708090A0B0C0D0E0F");
const devAddr = hex("26011234");

const keyRights: Record<string, RightName[]> = {
  "Bearer traffic": [
    "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
    "RIGHT_APPLICATION_TRAFFIC_READ",
    "RIGHT_APPLICATION_TRAFFIC_UP_WRITE",
  ],
  "Bearer read": ["RIGHT_APPLICATION_TRAFFIC_READ"],
  "Bearer info": ["RIGHT_APPLICATION_INFO", "RIGHT_APPLICATION_DEVICES_READ"],
};
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization, entity) =>
    new Set(entity.kind === "application" && entity.id === "app1" ? keyRights[authorization] : []),
};

describe("AppAs over REST", () => {
  let app: FastifyInstance;
  const devices = new FakeDevices();
  const links = new FakeLinks();
  const ns = new FakeNetworkServer();
  const sink = new RecordingSink("recorder");
  devices.put(
    newDevice({
      ids: { applicationIds: { applicationId: "app1" }, deviceId: "dev1", devAddr },
      session: { devAddr, keys: { sessionKeyId: hex("01"), appSKey: { key: appSKey } } },
    }),
  );
  links.stored.set(
    "app1",
    create(ApplicationLinkSchema, {
      defaultFormatters: {
        upFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
        upFormatterParameter: "bytes",
        downFormatter: PayloadFormatter.FORMATTER_JAVASCRIPT,
        downFormatterParameter: "bytes",
      },
    }),
  );
  const queue = createDownlinkQueue({
    devices,
    links,
    formatters: fakeFormatters,
    networkServer: () => ns,
    sinks: [sink],
  });
  const uplinks = createUplinkHandler({
    devices,
    links,
    formatters: fakeFormatters,
    keys: createAppSKeyResolver({ keyVault: ephemeralKeyVault() }),
    queue,
    sinks: [sink],
  });
  const services = [
    restService(
      AppAs,
      appAsService({
        queue,
        uplinks,
        formatters: fakeFormatters,
        rights,
        mqttPublicAddress: "lorastack.example:1883",
        mqttPublicTlsAddress: "lorastack.example:8883",
      }),
    ),
  ];

  before(async () => {
    app = Fastify();
    registerRestRoutes(app, {
      prefix: "/api/v3",
      onError: (error) => errorToHttp(error),
      services,
    });
    await app.ready();
  });
  after(() => app.close());

  const call = async (
    method: "GET" | "POST",
    url: string,
    authorization: string,
    body?: unknown,
  ) => {
    const response = await app.inject({
      method,
      url: `/api/v3/as/applications/app1${url}`,
      headers: { authorization },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, body: response.json() };
  };

  it("has The Things Stack's paths", () => {
    const routes = listRestRoutes(services, "/api/v3").map(
      (route) => `${route.httpMethod} ${route.path}`,
    );
    const device =
      "/api/v3/as/applications/{end_device_ids.application_ids.application_id}/devices/{end_device_ids.device_id}";
    assert.deepEqual(routes.sort(), [
      "GET /api/v3/as/applications/{application_ids.application_id}/devices/{device_id}/down",
      "GET /api/v3/as/applications/{application_id}/mqtt-connection-info",
      `POST ${device}/down/decode`,
      `POST ${device}/down/encode`,
      `POST ${device}/down/push`,
      `POST ${device}/down/replace`,
      `POST ${device}/up/decode`,
      `POST ${device}/up/simulate`,
    ]);
  });

  it("pushes TTS's JSON, encrypted for the device, and lists it back in plain text", async () => {
    const pushed = await call("POST", "/devices/dev1/down/push", "Bearer traffic", {
      downlinks: [{ f_port: 15, frm_payload: "AQI=", priority: "NORMAL", confirmed: true }],
    });
    assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
    const sent = ns.queue[0];
    assert.ok(sent);
    const plain = decryptFrmPayload(appSKey, "downlink", devAddr, sent.fCnt, sent.frmPayload);
    assert.deepEqual([...plain], [1, 2]);
    assert.equal(sent.confirmed, true);
    const listed = await call("GET", "/devices/dev1/down", "Bearer read");
    assert.equal(listed.status, 200);
    assert.equal(listed.body.downlinks[0].frm_payload, "AQI=");
    assert.deepEqual(listed.body.downlinks[0].decoded_payload, { bytes: [1, 2] });
    assert.equal(listed.body.downlinks[0].f_port, 15);
  });

  it("replaces with decoded_payload encoded by the formatter", async () => {
    const replaced = await call("POST", "/devices/dev1/down/replace", "Bearer traffic", {
      downlinks: [{ f_port: 2, decoded_payload: { bytes: [7] } }],
    });
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.equal(ns.queue.length, 1);
    const sent = ns.queue[0];
    assert.ok(sent);
    assert.deepEqual(
      [...decryptFrmPayload(appSKey, "downlink", devAddr, sent.fCnt, sent.frmPayload)],
      [7],
    );
  });

  it("checks rights: push needs TRAFFIC_DOWN_WRITE, another application is out of reach", async () => {
    const denied = await call("POST", "/devices/dev1/down/push", "Bearer read", {
      downlinks: [{ f_port: 1, frm_payload: "AQ==" }],
    });
    assert.equal(denied.status, 403);
    const other = await app.inject({
      method: "GET",
      url: "/api/v3/as/applications/app2/devices/dev1/down",
      headers: { authorization: "Bearer traffic" },
    });
    assert.equal(other.statusCode, 403);
    const anonymous = await app.inject({
      method: "GET",
      url: "/api/v3/as/applications/app1/devices/dev1/down",
    });
    assert.equal(anonymous.statusCode, 401);
  });

  it("tells the MQTT connection info with the tenant in the user name", async () => {
    const info = await call("GET", "/mqtt-connection-info", "Bearer info");
    assert.deepEqual(info, {
      status: 200,
      body: {
        public_address: "lorastack.example:1883",
        public_tls_address: "lorastack.example:8883",
        username: "app1@ttn",
      },
    });
  });

  it("simulates an uplink: decoded and marked simulated for the integrations", async () => {
    const before = sink.received.length;
    const simulated = await call("POST", "/devices/dev1/up/simulate", "Bearer traffic", {
      end_device_ids: { device_id: "dev1", application_ids: { application_id: "app1" } },
      uplink_message: { f_port: 3, frm_payload: "BQY=" },
    });
    assert.equal(simulated.status, 200, JSON.stringify(simulated.body));
    const up = sink.received[before];
    assert.equal(up?.simulated, true);
    assert.equal(up.up.case, "uplinkMessage");
    assert.deepEqual(up.up.value.decodedPayload, { bytes: [5, 6], port: 3 });
  });

  it("tries formatters: up/decode, down/encode, down/decode", async () => {
    const ids = { device_id: "dev1", application_ids: { application_id: "app1" } };
    const decoded = await call("POST", "/devices/dev1/up/decode", "Bearer info", {
      end_device_ids: ids,
      uplink: { f_port: 1, frm_payload: "Cg==" },
      formatter: "FORMATTER_JAVASCRIPT",
      parameter: "normalize",
    });
    assert.equal(decoded.status, 200, JSON.stringify(decoded.body));
    assert.deepEqual(decoded.body.uplink.decoded_payload, { bytes: [10], port: 1 });
    assert.deepEqual(decoded.body.uplink.normalized_payload, [{ air: { temperature: 10 } }]);
    const encoded = await call("POST", "/devices/dev1/down/encode", "Bearer info", {
      end_device_ids: ids,
      downlink: { decoded_payload: { bytes: [1, 2, 3] } },
      formatter: "FORMATTER_JAVASCRIPT",
      parameter: "bytes",
    });
    assert.equal(encoded.status, 200, JSON.stringify(encoded.body));
    assert.equal(encoded.body.downlink.frm_payload, "AQID");
    assert.equal(encoded.body.downlink.f_port, 7);
    const failed = await call("POST", "/devices/dev1/down/decode", "Bearer info", {
      end_device_ids: ids,
      downlink: { f_port: 1, frm_payload: "AQ==" },
      formatter: "FORMATTER_JAVASCRIPT",
      parameter: "fail",
    });
    assert.equal(failed.status, 400);
    assert.match(failed.body.message, /cannot decode/);
  });
});
