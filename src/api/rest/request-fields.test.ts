import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { JsonObject } from "@bufbuild/protobuf";
import { DefinedError } from "../../errors/index.ts";
import { messageFromJson } from "./json.ts";
import { fieldPathName, queryToJson, resolveFieldPath, setJsonAtPath } from "./request-fields.ts";
import {
  GetThingRequestSchema,
  ListThingsRequestSchema,
  UpdateThingRequestSchema,
  WatchRequestSchema,
} from "./testdata/gen/lorastack/test/things_pb.js";

const never = () => false;

describe("request fields from text", () => {
  it("resolves dotted field paths by proto or JSON names", () => {
    const fields = resolveFieldPath(GetThingRequestSchema, "thingIds.shelf_ids.shelfId");
    assert.equal(fields && fieldPathName(fields), "thing_ids.shelf_ids.shelf_id");
    assert.equal(resolveFieldPath(GetThingRequestSchema, "thing_ids.nope"), undefined);
    assert.equal(resolveFieldPath(GetThingRequestSchema, "thing_ids.thing_id.x"), undefined);
  });

  it("sets values into a JSON tree, reusing keys written with JSON names", () => {
    const tree: JsonObject = { thingIds: { shelfIds: { shelfId: "body" } } };
    const fields = resolveFieldPath(GetThingRequestSchema, "thing_ids.shelf_ids.shelf_id") ?? [];
    setJsonAtPath(tree, fields, "path");
    assert.deepEqual(tree, { thingIds: { shelfIds: { shelfId: "path" } } });
  });

  it("parses the query string into typed fields", () => {
    const query = new URLSearchParams(
      "limit=5&page=2&order=name&colors=COLOR_RED&colors=2&tags=x&deleted=false" +
        "&field_mask=name,ids&field_mask.paths=description&shelf_ids.shelf_id=s",
    );
    const json = queryToJson(ListThingsRequestSchema, query, never);
    assert.deepEqual(json, {
      limit: "5",
      page: "2",
      order: "name",
      colors: ["COLOR_RED", 2],
      tags: ["x"],
      deleted: false,
      field_mask: { paths: ["name", "ids", "description"] },
      shelf_ids: { shelf_id: "s" },
    });
    const request = messageFromJson(ListThingsRequestSchema, json);
    assert.equal(request.limit, 5);
    assert.deepEqual(request.colors, [1, 2]);
    assert.deepEqual(request.fieldMask?.paths, ["name", "ids", "description"]);
    assert.equal(request.shelfIds?.shelfId, "s");
  });

  it("skips parameters bound elsewhere, and unknown ones, telling of the unknown ones", () => {
    const skip = (path: string) => path === "thing" || path.startsWith("thing.");
    assert.deepEqual(
      queryToJson(UpdateThingRequestSchema, new URLSearchParams("thing.name=x&field_mask=a"), skip),
      { field_mask: { paths: ["a"] } },
    );
    const unknown: string[] = [];
    const query = new URLSearchParams("nope=1&limit=2&shelf_ids.nope=x&utm_source=mail&nope=3");
    assert.deepEqual(
      queryToJson(ListThingsRequestSchema, query, never, (name) => unknown.push(name)),
      { limit: "2" },
    );
    assert.deepEqual(unknown, ["nope", "shelf_ids.nope", "utm_source"]);
    assert.deepEqual(queryToJson(ListThingsRequestSchema, query, never), { limit: "2" });
  });

  it("makes one element of a repeated message field per value of a field inside it", () => {
    const query = new URLSearchParams(
      "identifiers.thing_id=a&identifiers.thingId=b&identifiers.shelf_ids.shelf_id=s",
    );
    const json = queryToJson(WatchRequestSchema, query, never);
    assert.deepEqual(json, {
      identifiers: [{ thing_id: "a" }, { thing_id: "b" }, { shelf_ids: { shelf_id: "s" } }],
    });
    const request = messageFromJson(WatchRequestSchema, json);
    assert.deepEqual(
      request.identifiers.map((ids) => ids.thingId || ids.shelfIds?.shelfId),
      ["a", "b", "s"],
    );
    const rejects = (text: string) =>
      assert.throws(
        () => queryToJson(WatchRequestSchema, new URLSearchParams(text), never),
        (error: unknown) => error instanceof DefinedError && /goes on past/.test(error.message),
        text,
      );
    rejects("identifiers.shelf_ids=x");
    rejects("identifiers.thing_id.x=1");
  });

  it("reads map entries as name[key]=value", () => {
    const query = new URLSearchParams(
      "thing.attributes[floor]=ground&thing.attributes[room]=2&thing.versions.duty_cycles[a]=DUTY_CYCLE_2" +
        "&thing.versions.duty_cycles[b]=3&nope[x]=1",
    );
    const unknown: string[] = [];
    const json = queryToJson(UpdateThingRequestSchema, query, never, (name) => unknown.push(name));
    assert.deepEqual(json, {
      thing: {
        attributes: { floor: "ground", room: "2" },
        versions: { duty_cycles: { a: "DUTY_CYCLE_2", b: 3 } },
      },
    });
    assert.deepEqual(unknown, ["nope[x]"]);
    const request = messageFromJson(UpdateThingRequestSchema, json);
    assert.deepEqual(request.thing?.attributes, { floor: "ground", room: "2" });
    const rejects = (text: string, pattern: RegExp) =>
      assert.throws(
        () => queryToJson(UpdateThingRequestSchema, new URLSearchParams(text), never),
        (error: unknown) => error instanceof DefinedError && pattern.test(error.message),
        text,
      );
    rejects("thing.name[x]=1", /not a map of scalars or enums/);
    rejects("thing.parts_by_number[1]=x", /not a map of scalars or enums/);
    rejects("thing.attributes[a]=1&thing.attributes[a]=2", /given more than once/);
  });

  it("rejects parameters that cannot be set from the query or go past a scalar", () => {
    const rejects = (text: string, pattern: RegExp) =>
      assert.throws(
        () => queryToJson(ListThingsRequestSchema, new URLSearchParams(text), never),
        (error: unknown) => error instanceof DefinedError && pattern.test(error.message),
        text,
      );
    rejects("shelf_ids=1", /`shelf_ids`: this field cannot be set from the query string/);
    rejects("order=a&order=b", /`order`: the parameter is given more than once/);
    rejects("order.x=1", /`order`: `order\.x` goes on past a field that is not a message/);
    rejects(
      "shelf_ids.shelf_id.x=1",
      /`shelf_ids\.shelf_id`: `shelf_ids\.shelf_id\.x` goes on past a field that is not a message/,
    );
  });
});
