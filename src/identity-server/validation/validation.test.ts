import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { ApplicationSchema } from "../../gen/ttn/lorawan/v3/application_pb.js";
import { ClientSchema } from "../../gen/ttn/lorawan/v3/client_pb.js";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import {
  type GatewayAntennaPlacement,
  GatewaySchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { UserSchema } from "../../gen/ttn/lorawan/v3/user_pb.js";
import { errValidation, validate } from "./index.ts";

const repeat = (text: string, times: number) => text.repeat(times);
const attributes = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`key-${i}`, "v"]));
const antenna = (latitude: number) => ({ location: { latitude, longitude: 5 } });

/** Asserts a validation error naming `field`. */
function refuses(action: () => void, field: string): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(errValidation.matches(error), String(error));
    assert.equal(error.attributes.field, field);
    return true;
  });
}

type GatewayInit = MessageInitShape<typeof GatewaySchema>;
const gateway = (init: GatewayInit) => create(GatewaySchema, init);

describe("validate: gateways", () => {
  const cases: { name: string; init: GatewayInit; field?: string }[] = [
    { name: "a name of 50 characters", init: { name: repeat("n", 50) } },
    { name: "a name of 51 characters", init: { name: repeat("n", 51) }, field: "gateway.name" },
    { name: "50 emoji count as 50", init: { name: repeat("😀", 50) } },
    {
      name: "a description of 2001",
      init: { description: repeat("d", 2001) },
      field: "gateway.description",
    },
    { name: "10 attributes", init: { attributes: attributes(10) } },
    { name: "11 attributes", init: { attributes: attributes(11) }, field: "gateway.attributes" },
    {
      name: "an empty attribute key",
      init: { attributes: { "": "x" } },
      field: 'gateway.attributes key ""',
    },
    {
      name: "an attribute key of 37",
      init: { attributes: { [repeat("k", 37)]: "x" } },
      field: `gateway.attributes key ${JSON.stringify(repeat("k", 37))}`,
    },
    {
      name: "an upper-case attribute key",
      init: { attributes: { Env: "x" } },
      field: 'gateway.attributes key "Env"',
    },
    {
      name: "an attribute value of 201",
      init: { attributes: { env: repeat("v", 201) } },
      field: "gateway.attributes.env",
    },
    { name: "8 antennas", init: { antennas: Array.from({ length: 8 }, () => antenna(1)) } },
    {
      name: "9 antennas",
      init: { antennas: Array.from({ length: 9 }, () => antenna(1)) },
      field: "gateway.antennas",
    },
    {
      name: "latitude 1e308",
      init: { antennas: [antenna(1e308)] },
      field: "gateway.antennas[0].location.latitude",
    },
    {
      name: "latitude NaN",
      init: { antennas: [antenna(Number.NaN)] },
      field: "gateway.antennas[0].location.latitude",
    },
    {
      name: "longitude 181",
      init: { antennas: [{ location: { latitude: 0, longitude: 181 } }] },
      field: "gateway.antennas[0].location.longitude",
    },
    {
      name: "9 frequency plans",
      init: { frequencyPlanIds: Array.from({ length: 9 }, () => "EU_863_870") },
      field: "gateway.frequency_plan_ids",
    },
    {
      name: "a frequency plan ID of 65",
      init: { frequencyPlanIds: [repeat("F", 65)] },
      field: "gateway.frequency_plan_ids[0]",
    },
    {
      name: "11 contact infos",
      init: { contactInfo: Array.from({ length: 11 }, () => ({ value: "a@b.c" })) },
      field: "gateway.contact_info",
    },
    {
      name: "a contact value of 257",
      init: { contactInfo: [{ value: repeat("c", 257) }] },
      field: "gateway.contact_info[0].value",
    },
    {
      name: "a server address with a scheme",
      init: { gatewayServerAddress: "wss://gs.example.com:8887" },
    },
    {
      name: "a bad server address",
      init: { gatewayServerAddress: "gs example com" },
      field: "gateway.gateway_server_address",
    },
    {
      name: "a secret of 2049 bytes",
      init: { lbsLnsSecret: { value: new Uint8Array(2049) } },
      field: "gateway.lbs_lns_secret.value",
    },
    {
      name: "a claim code without secret",
      init: { claimAuthenticationCode: {} },
      field: "gateway.claim_authentication_code",
    },
    {
      name: "a claim code valid backwards",
      init: {
        claimAuthenticationCode: {
          secret: { value: new Uint8Array(4) },
          validFrom: { seconds: 10n },
          validTo: { seconds: 5n },
        },
      },
      field: "gateway.claim_authentication_code",
    },
    {
      name: "a CUPS URI that is not one",
      init: { targetCupsUri: "not a uri" },
      field: "gateway.target_cups_uri",
    },
    { name: "a CUPS URI", init: { targetCupsUri: "https://cups.example.com:443" } },
    {
      name: "a brand ID that is not an ID",
      init: { versionIds: { brandId: "The Brand" } },
      field: "gateway.version_ids.brand_id",
    },
    {
      name: "an update channel of 129",
      init: { updateChannel: repeat("u", 129) },
      field: "gateway.update_channel",
    },
    {
      name: "an unknown placement",
      init: { antennas: [{ placement: 7 as GatewayAntennaPlacement }] },
      field: "gateway.antennas[0].placement",
    },
  ];
  for (const { name, init, field } of cases) {
    it(`${field ? "refuses" : "accepts"} ${name}`, () => {
      if (field) refuses(() => validate("gateway", gateway(init)), field);
      else validate("gateway", gateway(init));
    });
  }

  it("checks only the fields an update's mask names", () => {
    const message = gateway({ name: repeat("n", 51), description: "ok" });
    validate("gateway", message, { paths: ["description"] });
    refuses(() => validate("gateway", message, { paths: ["name"] }), "gateway.name");
  });
});

describe("validate: other entities", () => {
  it("applications: common fields and server addresses", () => {
    refuses(
      () => validate("application", create(ApplicationSchema, { name: repeat("n", 51) })),
      "application.name",
    );
    refuses(
      () =>
        validate("application", create(ApplicationSchema, { networkServerAddress: "http://ns" })),
      "application.network_server_address",
    );
    validate(
      "application",
      create(ApplicationSchema, { networkServerAddress: "ns.example.com:1884" }),
    );
  });

  it("users and clients", () => {
    refuses(
      () => validate("user", create(UserSchema, { stateDescription: repeat("s", 129) })),
      "user.state_description",
    );
    refuses(
      () =>
        validate(
          "client",
          create(ClientSchema, { redirectUris: Array.from({ length: 11 }, () => "https://x") }),
        ),
      "client.redirect_uris",
    );
    refuses(() => validate("client", create(ClientSchema, { grants: [1, 1] })), "client.grants");
  });

  it("end devices: locations and version IDs", () => {
    refuses(
      () =>
        validate(
          "end_device",
          create(EndDeviceSchema, { locations: { user: { latitude: 91, longitude: 0 } } }),
        ),
      "end_device.locations.user.latitude",
    );
    refuses(
      () =>
        validate(
          "end_device",
          create(EndDeviceSchema, { versionIds: { bandId: repeat("b", 33) } }),
        ),
      "end_device.version_ids.band_id",
    );
  });

  it("API key names and search filters", () => {
    refuses(() => validate("api_key", { name: repeat("k", 51) }), "api_key.name");
    refuses(() => validate("search", { nameContains: repeat("q", 51) }), "name_contains");
  });
});
