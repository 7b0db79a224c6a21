import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { EndDeviceRegistry } from "../../gen/ttn/lorawan/v3/end_device_services_pb.js";
import { buildOpenApiDocument, HEX_PATTERN } from "./openapi.ts";
import { ThingRegistry } from "./testdata/gen/lorastack/test/things_pb.js";

// biome-ignore lint/suspicious/noExplicitAny: the test walks an untyped JSON document
type Json = Record<string, any>;

describe("OpenAPI document", () => {
  const doc = buildOpenApiDocument([ThingRegistry], { prefix: "/api/v3" }) as Json;
  const schemas = doc.components.schemas as Json;

  it("is OpenAPI 3.1 with one path item per template and one operation per binding", () => {
    assert.equal(doc.openapi, "3.1.0");
    assert.deepEqual(Object.keys(doc.paths["/api/v3/shelves/{shelf_ids.shelf_id}/things"]), [
      "post",
      "get",
    ]);
    assert.equal(doc.paths["/api/v3/things"].get.operationId, "ThingRegistry_List2");
    assert.equal(
      doc.paths["/api/v3/shelves/{shelf_ids.shelf_id}/things"].get.operationId,
      "ThingRegistry_List",
    );
    assert.equal(doc.paths["/api/v3/internal"], undefined);
  });

  it("describes path and query parameters with snake_case names", () => {
    const get =
      doc.paths["/api/v3/shelves/{thing_ids.shelf_ids.shelf_id}/things/{thing_ids.thing_id}"].get;
    assert.deepEqual(
      get.parameters.map((p: Json) => `${p.in}:${p.name}`),
      [
        "path:thing_ids.shelf_ids.shelf_id",
        "path:thing_ids.thing_id",
        "query:thing_ids.eui",
        "query:field_mask",
      ],
    );
    const list = doc.paths["/api/v3/things"].get;
    const eui = list.parameters.find((p: Json) => p.name === "eui");
    assert.equal(eui.schema.pattern, HEX_PATTERN);
    const colors = list.parameters.find((p: Json) => p.name === "colors");
    assert.deepEqual(colors.schema, {
      type: "array",
      items: { $ref: "#/components/schemas/lorastack.test.Color" },
    });
  });

  it("describes bodies and responses from the message descriptors", () => {
    const create = doc.paths["/api/v3/shelves/{shelf_ids.shelf_id}/things"].post;
    assert.deepEqual(
      create.parameters.map((p: Json) => p.name),
      ["shelf_ids.shelf_id"],
    );
    assert.deepEqual(create.requestBody.content["application/json"].schema, {
      $ref: "#/components/schemas/lorastack.test.CreateThingRequest",
    });
    assert.deepEqual(create.responses["200"].content["application/json"].schema, {
      $ref: "#/components/schemas/lorastack.test.Thing",
    });
    const setPart =
      doc.paths["/api/v3/shelves/{thing_ids.shelf_ids.shelf_id}/things/{thing_ids.thing_id}/part"]
        .put;
    assert.deepEqual(setPart.requestBody.content["application/json"].schema, {
      $ref: "#/components/schemas/lorastack.test.Part",
    });
    assert.equal(setPart.responses["200"].content["application/json"].schema.type, "array");
    const watch = doc.paths["/api/v3/things/watch"].post;
    assert.ok(watch.responses["200"].content["text/event-stream"].schema.properties.result);
  });

  it("writes TTS JSON types: hex, base64, int64 strings, enums, timestamps, field masks", () => {
    const thing = schemas["lorastack.test.Thing"].properties as Json;
    assert.deepEqual(thing.session_key.pattern, HEX_PATTERN);
    assert.deepEqual(thing.keys.items.pattern, HEX_PATTERN);
    assert.deepEqual(thing.payload, { type: "string", format: "byte" });
    assert.deepEqual(thing.big, { type: "string", format: "int64" });
    assert.deepEqual(thing.created_at, { type: "string", format: "date-time" });
    assert.deepEqual(thing.flag, { type: "boolean" });
    assert.deepEqual(thing.mask.properties.paths.items, { type: "string" });
    assert.deepEqual(thing.attributes, {
      type: "object",
      additionalProperties: { type: "string" },
    });
    assert.deepEqual(schemas["lorastack.test.Color"].enum, [
      "COLOR_UNKNOWN",
      "COLOR_RED",
      "COLOR_GREEN",
    ]);
    assert.deepEqual(
      schemas["lorastack.test.ThingIdentifiers"].properties.eui.pattern,
      HEX_PATTERN,
    );
  });

  it("describes TTS's optional-value wrappers as their bare value, number enums as integers", () => {
    const devices = buildOpenApiDocument([EndDeviceRegistry], { prefix: "/api/v3" }) as Json;
    const all = devices.components.schemas as Json;
    const settings = all["ttn.lorawan.v3.MACSettings"].properties;
    assert.equal(settings.rx1_delay.$ref, "#/components/schemas/ttn.lorawan.v3.RxDelay");
    assert.equal(settings.rx2_frequency.type, "string");
    assert.equal(settings.rx2_frequency.format, "uint64");
    assert.equal(settings.supports_32_bit_f_cnt.type, "boolean");
    assert.equal(all["ttn.lorawan.v3.RxDelayValue"], undefined, "no component for a wrapper");
    assert.equal(all["ttn.lorawan.v3.RxDelay"].type, "integer");
    assert.deepEqual(all["ttn.lorawan.v3.DataRateIndex"].enum.slice(0, 3), [0, 1, 2]);
    assert.equal(all["ttn.lorawan.v3.MACVersion"].type, "string");
  });
});
