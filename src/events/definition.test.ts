import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { APIKeySchema } from "../gen/ttn/lorawan/v3/rights_pb.js";
import {
  definedEventNames,
  defineEvent,
  eventDataRegistry,
  eventDefinition,
  updatedFieldsData,
} from "./definition.ts";

describe("event definitions", () => {
  it("registers each name once, with its description, visibility and data type", () => {
    const definition = defineEvent("test.definition.update", {
      description: "update a test thing",
      visibility: ["RIGHT_APPLICATION_INFO"],
      dataType: updatedFieldsData,
    });
    assert.equal(eventDefinition("test.definition.update"), definition);
    assert.deepEqual(definition.visibility, ["RIGHT_APPLICATION_INFO"]);
    assert.ok(Object.isFrozen(definition));
    assert.ok(definedEventNames().includes("test.definition.update"));
    assert.throws(
      () => defineEvent("test.definition.update", { description: "again", visibility: [] }),
      /`test.definition.update` is defined twice/,
    );
  });

  it("refuses names that are not The Things Stack's form", () => {
    for (const name of ["", "Test.Upper", "test..double", "test.space here", ".test", "test."])
      assert.throws(() => defineEvent(name, { description: "", visibility: [] }), /not valid/);
    defineEvent("test.definition.api-key.create_one", { description: "", visibility: [] });
  });

  it("gathers every data type in one registry for the JSON writers", () => {
    defineEvent("test.definition.key", {
      description: "",
      visibility: [],
      dataType: APIKeySchema,
    });
    const registry = eventDataRegistry();
    assert.equal(registry.getMessage("ttn.lorawan.v3.APIKey"), APIKeySchema);
    assert.equal(registry.getMessage("google.protobuf.Value"), ValueSchema);
  });
});
