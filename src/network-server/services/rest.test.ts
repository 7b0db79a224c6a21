/**
 * The Ns service and the registry's bindings over REST (the project's transcoder): The Things
 * Stack's paths and JSON (hex NetID and DevAddr, prefixes as text, enums in the path by name).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { errorToHttp } from "../../api/errors.ts";
import { listRestRoutes, registerRestRoutes, restService } from "../../api/rest/transcoder.ts";
import { FrequencyPlans } from "../../frequency-plans/index.ts";
import {
  Ns,
  NsEndDeviceBatchRegistry,
  NsEndDeviceRegistry,
} from "../../gen/ttn/lorawan/v3/networkserver_pb.js";
import { devAddrPrefixesOf, parseNetId } from "../dev-addr/index.ts";
import { nsService } from "./ns.ts";

const defaults = {
  adr_margin: 15,
  desired_rx1_delay: 5,
  class_b_timeout: 600_000,
  class_c_timeout: 300_000,
  status_time_periodicity: 86_400_000,
  status_count_periodicity: 200,
};

describe("Network Server REST bindings", () => {
  let app: FastifyInstance;
  const netId = parseNetId("000013");
  const services = [
    restService(
      Ns,
      nsService({
        netId,
        devAddrPrefixes: devAddrPrefixesOf(netId, ["260B0000/16"]),
        frequencyPlans: FrequencyPlans.builtIn(),
        defaultMacSettings: defaults,
        random: (max) => max - 1,
      }),
    ),
    restService(NsEndDeviceRegistry, {}),
    restService(NsEndDeviceBatchRegistry, {}),
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

  it("has The Things Stack's paths", () => {
    const routes = listRestRoutes(services, "/api/v3").map(
      (route) => `${route.httpMethod} ${route.path} ${route.method}`,
    );
    assert.deepEqual(routes.sort(), [
      "DELETE /api/v3/ns/applications/{application_ids.application_id}/devices/batch Delete",
      "DELETE /api/v3/ns/applications/{application_ids.application_id}/devices/{device_id} Delete",
      "GET /api/v3/ns/applications/{end_device_ids.application_ids.application_id}/devices/{end_device_ids.device_id} Get",
      "GET /api/v3/ns/default_mac_settings/{frequency_plan_id}/{lorawan_phy_version} GetDefaultMACSettings",
      "GET /api/v3/ns/dev_addr GenerateDevAddr",
      "GET /api/v3/ns/dev_addr_prefixes GetDeviceAddressPrefixes",
      "GET /api/v3/ns/net_id GetNetID",
      "PATCH /api/v3/ns/applications/{end_device_ids.application_ids.application_id}/devices/{end_device_ids.device_id} ResetFactoryDefaults",
      "POST /api/v3/ns/applications/{end_device.ids.application_ids.application_id}/devices Set",
      "PUT /api/v3/ns/applications/{end_device.ids.application_ids.application_id}/devices/{end_device.ids.device_id} Set",
    ]);
  });

  it("answers the Ns service in The Things Stack's JSON", async () => {
    const get = async (url: string) => {
      const response = await app.inject({ method: "GET", url });
      return { status: response.statusCode, body: response.json() };
    };
    assert.deepEqual(await get("/api/v3/ns/net_id"), { status: 200, body: { net_id: "000013" } });
    assert.deepEqual(await get("/api/v3/ns/dev_addr"), {
      status: 200,
      body: { dev_addr: "260BFFFF" },
    });
    assert.deepEqual(await get("/api/v3/ns/dev_addr_prefixes"), {
      status: 200,
      body: { dev_addr_prefixes: ["260B0000/16"] },
    });
    const settings = await get("/api/v3/ns/default_mac_settings/EU_863_870/RP002_V1_0_3");
    assert.equal(settings.status, 200);
    assert.equal(settings.body.rx2_frequency, "869525000");
    assert.equal(settings.body.rx1_delay, 1, "RxDelay is written as its number, as TTS does");
    assert.equal(settings.body.class_c_timeout, "300s");
    const unknown = await get("/api/v3/ns/default_mac_settings/NOPE/RP002_V1_0_3");
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message, /NOPE/);
  });
});
