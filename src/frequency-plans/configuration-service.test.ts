import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { errorToHttp } from "../api/errors.ts";
import { ApiRegistry } from "../api/registry.ts";
import { registerRestRoutes, restService } from "../api/rest/transcoder.ts";
import { Configuration } from "../gen/ttn/lorawan/v3/configuration_services_pb.js";
import { bandIds } from "../lorawan/band/index.ts";
import { configurationService, registerConfigurationService } from "./configuration-service.ts";
import { FrequencyPlans } from "./frequency-plans.ts";

interface PlanJson {
  id: string;
  base_id?: string;
  name: string;
  base_frequency: number;
  band_id: string;
}

describe("Configuration service over REST", () => {
  let app: FastifyInstance;
  const plans = FrequencyPlans.builtIn();

  before(async () => {
    app = Fastify();
    registerRestRoutes(app, {
      prefix: "/api/v3",
      onError: (error) => errorToHttp(error),
      services: [restService(Configuration, configurationService(plans))],
    });
    await app.ready();
  });
  after(() => app.close());

  async function get(url: string) {
    const response = await app.inject({ method: "GET", url });
    return { status: response.statusCode, json: response.json() };
  }

  it("lists every plan with its id, name, band and base frequency, without credentials", async () => {
    const { status, json } = await get("/api/v3/configuration/frequency-plans");
    assert.equal(status, 200);
    const listed = json.frequency_plans as PlanJson[];
    assert.equal(listed.length, plans.list().length);
    const eu = listed.find((plan) => plan.id === "EU_863_870_TTN");
    assert.deepEqual(eu && { ...eu, name: typeof eu.name }, {
      id: "EU_863_870_TTN",
      base_id: "EU_863_870",
      name: "string",
      base_frequency: 868,
      band_id: "EU_863_870",
    });
    const base = listed.find((plan) => plan.id === "EU_863_870");
    assert.equal(base?.base_id, undefined, "a plan that extends none has no base_id");
  });

  it("filters by band and by base frequency, both at once", async () => {
    const byBand = (await get("/api/v3/configuration/frequency-plans?band_id=US_902_928")).json
      .frequency_plans as PlanJson[];
    assert.ok(byBand.length > 0);
    assert.ok(byBand.every((plan) => plan.band_id === "US_902_928"));
    const byFrequency = (await get("/api/v3/configuration/frequency-plans?base_frequency=433")).json
      .frequency_plans as PlanJson[];
    assert.ok(byFrequency.length > 0);
    assert.ok(byFrequency.every((plan) => plan.base_frequency === 433));
    const none = await get(
      "/api/v3/configuration/frequency-plans?band_id=US_902_928&base_frequency=868",
    );
    assert.deepEqual(none.json, {}, "an empty list is an empty message");
  });

  it("lists only gateway plans with gateways_only", async () => {
    const all = plans.list();
    const expected = all.filter((plan) => plan.forGateways).map((plan) => plan.id);
    const { json } = await get("/api/v3/configuration/frequency-plans?gateways_only=true");
    assert.deepEqual(
      (json.frequency_plans as PlanJson[]).map((plan) => plan.id),
      expected,
    );
  });

  it("answers a malformed filter with 400 naming it", async () => {
    const { status, json } = await get("/api/v3/configuration/frequency-plans?base_frequency=abc");
    assert.equal(status, 400);
    assert.match(JSON.stringify(json), /base_frequency/);
  });

  it("lists the regional parameters versions of every band, by name", async () => {
    const { status, json } = await get("/api/v3/configuration/phy-versions");
    assert.equal(status, 200);
    const info = json.version_info as { band_id: string; phy_versions: string[] }[];
    assert.deepEqual(
      info.map((entry) => entry.band_id),
      [...bandIds],
    );
    const eu = info.find((entry) => entry.band_id === "EU_863_870");
    assert.ok(eu?.phy_versions.includes("PHY_V1_0_2_REV_B"));
    assert.ok(eu?.phy_versions.includes("RP002_V1_0_3"));
  });

  it("lists one band's versions, and 404 for a band it does not know", async () => {
    const { json } = await get("/api/v3/configuration/phy-versions?band_id=AS_923");
    const info = json.version_info as { band_id: string; phy_versions: string[] }[];
    assert.equal(info.length, 1);
    assert.equal(info[0]?.band_id, "AS_923");
    assert.ok((info[0]?.phy_versions.length ?? 0) > 0);
    const unknown = await get("/api/v3/configuration/phy-versions?band_id=MOON_1");
    assert.equal(unknown.status, 404);
    assert.match(unknown.json.message, /band `MOON_1` not found/);
  });
});

describe("registerConfigurationService", () => {
  it("registers the service once however often it is asked", () => {
    const api = new ApiRegistry();
    registerConfigurationService(api, FrequencyPlans.builtIn());
    registerConfigurationService(api, FrequencyPlans.builtIn());
    assert.equal(
      api.services().filter((entry) => entry.service.typeName === Configuration.typeName).length,
      1,
    );
    assert.equal(api.isInternal(Configuration.typeName), false);
  });
});
