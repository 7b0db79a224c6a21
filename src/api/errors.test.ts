import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorNamespace } from "../errors/index.ts";
import { errorToConnect, errorToHttp, newCorrelationId } from "./errors.ts";

const errors = errorNamespace("test/api-errors");
const errNoRights = errors.permissionDenied("no_user_rights", "no rights for user `{uid}`");

describe("errorToHttp", () => {
  it("writes the body The Things Stack writes", () => {
    const { status, body } = errorToHttp(
      errNoRights.create({ uid: "admin" }),
      "7d4a76e4b2074fdfbb6d0fac81d8647c",
    );
    assert.equal(status, 403);
    assert.deepEqual(body, {
      code: 7,
      message: "error:test/api-errors:no_user_rights (no rights for user `admin`)",
      details: [
        {
          "@type": "type.googleapis.com/ttn.lorawan.v3.ErrorDetails",
          namespace: "test/api-errors",
          name: "no_user_rights",
          message_format: "no rights for user `{uid}`",
          attributes: { uid: "admin" },
          correlation_id: "7d4a76e4b2074fdfbb6d0fac81d8647c",
          code: 7,
        },
      ],
    });
  });

  it("hides unexpected errors behind api:internal", () => {
    const { status, body } = errorToHttp(new TypeError("secret detail"));
    assert.equal(status, 500);
    assert.equal(body.code, 13);
    assert.equal(body.message, "error:api:internal (internal error)");
    assert.doesNotMatch(JSON.stringify(body), /secret detail/);
  });

  it("maps oversize and malformed bodies", () => {
    const tooLarge = Object.assign(new Error("Request body is too large"), {
      code: "FST_ERR_CTP_BODY_TOO_LARGE",
      statusCode: 413,
    });
    assert.equal(errorToHttp(tooLarge).status, 413);
    const malformed = Object.assign(new SyntaxError("Unexpected token"), {
      code: "FST_ERR_CTP_INVALID_JSON_BODY",
    });
    const { status, body } = errorToHttp(malformed);
    assert.equal(status, 400);
    assert.equal(body.details[0]?.name, "malformed_body");
  });

  it("keeps the code of Connect errors", () => {
    const { status, body } = errorToHttp(new ConnectError("bad", Code.InvalidArgument));
    assert.equal(status, 400);
    assert.equal(body.code, 3);
  });

  it("makes 32-hex-digit correlation ids", () => {
    assert.match(newCorrelationId(), /^[0-9a-f]{32}$/);
  });
});

describe("errorToConnect", () => {
  it("carries the gRPC code and the namespaced message", () => {
    const error = errorToConnect(errNoRights.create({ uid: "bob" }));
    assert.equal(error.code, Code.PermissionDenied);
    assert.equal(
      error.rawMessage,
      "error:test/api-errors:no_user_rights (no rights for user `bob`)",
    );
  });
});
