import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import {
  CreateGatewayRequestSchema,
  GetGatewayRequestSchema,
  ListGatewaysRequestSchema,
  UpdateGatewayRequestSchema,
} from "../../gen/ttn/lorawan/v3/gateway_pb.js";
import { GatewayRegistry } from "../../gen/ttn/lorawan/v3/gateway_services_pb.js";
import { gatewayRegistry } from "./gateways.ts";
import {
  asService,
  openServiceFixture,
  rejectsWith,
  type ServiceFixture,
  type UnaryService,
} from "./test-fixtures.ts";

const bytes = (text: string) => new Uint8Array(Buffer.from(text, "utf8"));
const text = (value: Uint8Array | undefined) => Buffer.from(value ?? []).toString("utf8");
const secretPaths = ["lbs_lns_secret", "claim_authentication_code", "target_cups_key"];

describe("the whole gateway: every field of The Things Stack, secrets encrypted at rest", () => {
  let fx: ServiceFixture;
  let registry: UnaryService<typeof GatewayRegistry>;
  let ownerKey: string;
  let infoKey: string;
  let basicKey: string;
  let linkKey: string;

  const get = (id: string, key: string, paths?: string[]) =>
    registry.get(
      create(GetGatewayRequestSchema, {
        gatewayIds: { gatewayId: id },
        ...(paths ? { fieldMask: { paths } } : {}),
      }),
      fx.handler(key),
    );
  const update = (key: string, gateway: object, paths: string[]) =>
    registry.update(
      create(UpdateGatewayRequestSchema, {
        gateway: { ids: { gatewayId: "gw-secret" }, ...gateway },
        fieldMask: { paths },
      }),
      fx.handler(key),
    );

  before(async () => {
    fx = await openServiceFixture();
    registry = asService(GatewayRegistry, gatewayRegistry(fx.services));
    await fx.user("owner");
    await fx.user("info");
    await fx.user("basic");
    await fx.user("link");
    ownerKey = await fx.key({ kind: "user", id: "owner" }, ["RIGHT_ALL"]);
    infoKey = await fx.key({ kind: "user", id: "info" }, ["RIGHT_ALL"]);
    basicKey = await fx.key({ kind: "user", id: "basic" }, ["RIGHT_ALL"]);
    linkKey = await fx.key({ kind: "user", id: "link" }, ["RIGHT_ALL"]);
    const created = await registry.create(
      create(CreateGatewayRequestSchema, {
        collaborator: { ids: { case: "userIds", value: { userId: "owner" } } },
        gateway: {
          ids: { gatewayId: "gw-secret" },
          frequencyPlanIds: ["EU_863_870"],
          contactInfo: [
            { contactType: 3, contactMethod: 1, value: "noc@example.com", public: true },
            { contactType: 2, contactMethod: 2, value: "+31 20 000 0000" },
          ],
          lbsLnsSecret: { value: bytes("lns-token") },
          claimAuthenticationCode: {
            secret: { value: bytes("CLAIM1234") },
            validFrom: { seconds: 1_800_000_000n },
            validTo: { seconds: 1_900_000_000n },
          },
          targetCupsUri: "https://cups.example.com:443",
          targetCupsKey: { value: bytes("cups-key") },
          lrfhss: { supported: true },
          disablePacketBrokerForwarding: true,
          updateLocationFromStatus: true,
        },
      }),
      fx.handler(ownerKey),
    );
    // The creator gets its secrets back once, in plain.
    assert.equal(text(created.lbsLnsSecret?.value), "lns-token");
    const gateway = { kind: "gateway" as const, id: "gw-secret" };
    await fx.member({ kind: "user", id: "info" }, gateway, ["RIGHT_GATEWAY_INFO"]);
    await fx.member({ kind: "user", id: "basic" }, gateway, [
      "RIGHT_GATEWAY_INFO",
      "RIGHT_GATEWAY_SETTINGS_BASIC",
    ]);
    await fx.member({ kind: "user", id: "link" }, gateway, ["RIGHT_GATEWAY_LINK"]);
  });
  after(() => fx.close());

  it("stores every field and returns the ones a mask names", async () => {
    const read = await get("gw-secret", ownerKey);
    assert.equal(read.targetCupsUri, "https://cups.example.com:443");
    assert.equal(read.lrfhss?.supported, true);
    assert.equal(read.disablePacketBrokerForwarding, true);
    assert.equal(read.updateLocationFromStatus, true);
    assert.deepEqual(
      read.contactInfo.map((info) => [
        info.contactType,
        info.contactMethod,
        info.value,
        info.public,
      ]),
      [
        [3, 1, "noc@example.com", true],
        [2, 2, "+31 20 000 0000", false],
      ],
    );
    const masked = await get("gw-secret", ownerKey, ["target_cups_uri"]);
    assert.equal(masked.targetCupsUri, "https://cups.example.com:443");
    assert.equal(masked.lrfhss, undefined);
  });

  it("makes the creating collaborator the contacts, as The Things Stack does", async () => {
    const read = await get("gw-secret", ownerKey, ["administrative_contact", "technical_contact"]);
    for (const contact of [read.administrativeContact, read.technicalContact]) {
      assert.equal(contact?.ids.case, "userIds");
      assert.equal(contact?.ids.value.userId, "owner");
    }
    await rejectsWith(
      registry.create(
        create(CreateGatewayRequestSchema, {
          collaborator: { ids: { case: "userIds", value: { userId: "owner" } } },
          gateway: {
            ids: { gatewayId: "gw-contact" },
            administrativeContact: { ids: { case: "userIds", value: { userId: "info" } } },
          },
        }),
        fx.handler(ownerKey),
      ),
      "invalid_argument",
      "contact_no_collaborator",
    );
  });

  it("never returns secrets without a mask naming them", async () => {
    const read = await get("gw-secret", ownerKey);
    assert.equal(read.lbsLnsSecret, undefined);
    assert.equal(read.claimAuthenticationCode, undefined);
    assert.equal(read.targetCupsKey, undefined);
  });

  it("decrypts the secrets a mask names for a caller with RIGHT_GATEWAY_READ_SECRETS", async () => {
    const read = await get("gw-secret", ownerKey, secretPaths);
    assert.equal(text(read.lbsLnsSecret?.value), "lns-token");
    assert.equal(read.lbsLnsSecret?.keyId, "ephemeral");
    assert.equal(text(read.claimAuthenticationCode?.secret?.value), "CLAIM1234");
    assert.equal(read.claimAuthenticationCode?.validTo?.seconds, 1_900_000_000n);
    assert.equal(text(read.targetCupsKey?.value), "cups-key");
    await rejectsWith(get("gw-secret", infoKey, ["lbs_lns_secret"]), "permission_denied");
    await rejectsWith(get("gw-secret", basicKey, ["target_cups_key"]), "permission_denied");
    assert.equal((await get("gw-secret", infoKey, ["name"])).lbsLnsSecret, undefined);
  });

  it("keeps only ciphertext in the database, under the vault's key label", async () => {
    const row = await fx.stores.gateways.get("gw-secret");
    const raw = JSON.stringify(row);
    for (const plain of ["lns-token", "CLAIM1234", "cups-key"]) {
      assert.ok(!raw.includes(plain), `${plain} is not stored in plain`);
      assert.ok(!raw.includes(Buffer.from(plain).toString("base64")), `${plain} not as base64`);
    }
    assert.equal(row.lbsLnsSecret?.keyId, "ephemeral");
    assert.equal(row.claimAuthenticationCode?.secret.keyId, "ephemeral");
  });

  it("lists secrets only of the gateways whose secrets the caller may read", async () => {
    const list = (key: string) =>
      registry.list(
        create(ListGatewaysRequestSchema, { fieldMask: { paths: ["lbs_lns_secret"] } }),
        fx.handler(key),
      );
    const owner = await list(ownerKey);
    assert.equal(text(owner.gateways[0]?.lbsLnsSecret?.value), "lns-token");
    const info = await list(infoKey);
    assert.equal(info.gateways.length, 1);
    assert.equal(info.gateways[0]?.lbsLnsSecret, undefined);
  });

  it("needs RIGHT_GATEWAY_WRITE_SECRETS to change a secret, and re-encrypts it", async () => {
    await rejectsWith(
      update(basicKey, { lbsLnsSecret: { value: bytes("new") } }, ["lbs_lns_secret"]),
      "permission_denied",
    );
    const updated = await update(ownerKey, { lbsLnsSecret: { value: bytes("new-token") } }, [
      "lbs_lns_secret",
    ]);
    assert.equal(text(updated.lbsLnsSecret?.value), "new-token");
    assert.equal(updated.targetCupsKey, undefined, "only the secrets just written come back");
    const read = await get("gw-secret", ownerKey, ["lbs_lns_secret"]);
    assert.equal(text(read.lbsLnsSecret?.value), "new-token");
    // A secret left out of the request but named in the mask is cleared.
    await update(ownerKey, {}, ["target_cups_key"]);
    assert.equal((await get("gw-secret", ownerKey, ["target_cups_key"])).targetCupsKey, undefined);
  });

  it("updates the claim authentication code only as a whole", async () => {
    await rejectsWith(
      update(ownerKey, { claimAuthenticationCode: { secret: { value: bytes("X") } } }, [
        "claim_authentication_code.secret",
      ]),
      "invalid_argument",
      "claim_authentication_code_whole",
    );
    await rejectsWith(
      update(ownerKey, { claimAuthenticationCode: {} }, ["claim_authentication_code"]),
      "invalid_argument",
      "validation",
    );
  });

  it("lets RIGHT_GATEWAY_LINK change antennas and attributes, nothing else", async () => {
    const antennas = [{ location: { latitude: 52.1, longitude: 5.1, altitude: 3 } }];
    const updated = await update(linkKey, { antennas }, ["antennas"]);
    assert.equal(updated.antennas[0]?.location?.latitude, 52.1);
    await rejectsWith(update(linkKey, { name: "x" }, ["name"]), "permission_denied");
    await rejectsWith(update(infoKey, { antennas }, ["antennas"]), "permission_denied");
  });

  it("refuses out-of-bounds fields as The Things Stack does", async () => {
    await rejectsWith(
      update(ownerKey, { antennas: [{ location: { latitude: 1e308, longitude: 0 } }] }, [
        "antennas",
      ]),
      "invalid_argument",
      "validation",
    );
    await rejectsWith(
      update(ownerKey, { lbsLnsSecret: { value: new Uint8Array(2049) } }, ["lbs_lns_secret"]),
      "invalid_argument",
      "validation",
    );
  });
});
