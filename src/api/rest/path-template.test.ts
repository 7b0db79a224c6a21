import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parsePathTemplate, toFastifyPath, toOpenApiPath } from "./path-template.ts";

describe("path templates", () => {
  it("parses literals, variables with dotted field paths, patterns and verbs", () => {
    const parsed = parsePathTemplate("/applications/{application_ids.application_id}/devices");
    assert.deepEqual(parsed.segments, [
      { kind: "literal", value: "applications" },
      { kind: "wildcard" },
      { kind: "literal", value: "devices" },
    ]);
    assert.deepEqual(parsed.variables, [
      { fieldPath: "application_ids.application_id", start: 1, end: 2 },
    ]);
    assert.equal(parsed.verb, undefined);

    const named = parsePathTemplate("/v1/{name=things/*/parts/*}/state:refresh");
    assert.deepEqual(named.variables, [{ fieldPath: "name", start: 1, end: 5 }]);
    assert.equal(named.verb, "refresh");
    assert.equal(parsePathTemplate("/files/{path=**}").segments.at(-1)?.kind, "rest");
  });

  it("rejects malformed templates with a message naming them", () => {
    for (const bad of [
      "applications",
      "/a/{b",
      "/a/{b}}",
      "/a/{b.}",
      "/a/{b={c}}",
      "/a/**/b",
      "/a/{x}/{x}",
      "/a/{x}:verb",
      "/a b",
    ]) {
      assert.throws(() => parsePathTemplate(bad), /invalid HTTP path template/, bad);
    }
  });

  it("translates to Fastify URLs with positional parameters and reads variables back", () => {
    const path = toFastifyPath(
      parsePathTemplate("/users/{collaborator.user_ids.user_id}/applications"),
      "/api/v3",
    );
    assert.equal(path.url, "/api/v3/users/:p1/applications");
    assert.deepEqual(
      [...path.variables({ p1: "alice" })],
      [["collaborator.user_ids.user_id", "alice"]],
    );

    const named = toFastifyPath(parsePathTemplate("/v1/{name=things/*/parts/*}"));
    assert.equal(named.url, "/v1/things/:p2/parts/:p4");
    assert.deepEqual([...named.variables({ p2: "t", p4: "p" })], [["name", "things/t/parts/p"]]);

    const rest = toFastifyPath(parsePathTemplate("/files/{path=**}"));
    assert.equal(rest.url, "/files/*");
    assert.deepEqual([...rest.variables({ "*": "a/b" })], [["path", "a/b"]]);

    assert.equal(toFastifyPath(parsePathTemplate("/things:batchGet")).url, "/things::batchGet");
  });

  it("writes OpenAPI paths with one parameter per variable", () => {
    assert.equal(
      toOpenApiPath(
        parsePathTemplate("/applications/{application_ids.application_id}/x:do"),
        "/api/v3",
      ),
      "/api/v3/applications/{application_ids.application_id}/x:do",
    );
    assert.equal(toOpenApiPath(parsePathTemplate("/v1/{name=things/*}/*")), "/v1/{name}/*");
  });
});
