import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { type DefinedError, errorNamespace } from "../errors/index.ts";
import { ErrorDetailsSchema } from "../gen/ttn/lorawan/v3/error_pb.js";
import { definedErrorFromDetails } from "./error-details.ts";
import { errorFromConnect, errorToConnect, errorToHttp, newCorrelationId } from "./errors.ts";

const errors = errorNamespace("test/api-errors");
const errNoRights = errors.permissionDenied("no_user_rights", "no rights for user `{uid}`");
const errCause = errors.notFound("no_device", "no device {eui}");

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

describe("ErrorDetails across the wire", () => {
  it("puts namespace, name, attributes, correlation id and code into the status details", () => {
    const error = errorToConnect(errNoRights.create({ uid: "bob" }), "c".repeat(32));
    const [details] = error.findDetails(ErrorDetailsSchema);
    assert.ok(details);
    assert.deepEqual(
      {
        namespace: details.namespace,
        name: details.name,
        messageFormat: details.messageFormat,
        attributes: details.attributes,
        correlationId: details.correlationId,
        code: details.code,
      },
      {
        namespace: "test/api-errors",
        name: "no_user_rights",
        messageFormat: "no rights for user `{uid}`",
        attributes: { uid: "bob" },
        correlationId: "c".repeat(32),
        code: 7,
      },
    );
  });

  it("turns the details back into the registered definition, with a defined cause", () => {
    const cause = errCause.create({ eui: new Uint8Array([0x70, 0xb3]) });
    const sent = errorToConnect(errNoRights.create({ uid: "eve", when: new Date(0) }, cause));
    // As a client sees it: only the wire form.
    const wire = new ConnectError(sent.rawMessage, sent.code, undefined, undefined);
    wire.details = sent.details.map((detail) => {
      const outgoing = detail as { desc: typeof ErrorDetailsSchema; value: never };
      return {
        type: outgoing.desc.typeName,
        value: toBinary(ErrorDetailsSchema, create(ErrorDetailsSchema, outgoing.value)),
      };
    });
    const received = errorFromConnect(wire);
    assert.ok(errNoRights.matches(received));
    assert.deepEqual(received.attributes, { uid: "eve", when: "1970-01-01T00:00:00.000Z" });
    assert.ok(errCause.matches(received.cause));
    assert.deepEqual((received.cause as DefinedError).attributes, { eui: "70B3" });
    const answered = errorToHttp(received);
    assert.equal(
      answered.body.details[0]?.correlation_id,
      sent.findDetails(ErrorDetailsSchema)[0]?.correlationId,
      "a peer's error is answered under the correlation id its origin logged",
    );
  });

  it("keeps the code and message of errors without details", () => {
    const received = errorFromConnect(new ConnectError("gone", Code.NotFound));
    assert.equal(received.code, "not_found");
    assert.equal(received.definition.namespace, "api/connect");
    assert.equal(received.message, "gone");
  });

  it("gives unknown definitions an ad-hoc one with the same identity and code", () => {
    const details = create(ErrorDetailsSchema, {
      namespace: "elsewhere/module",
      name: "strange",
      messageFormat: "strange {thing}",
      attributes: { thing: "x" },
      code: 9,
    });
    const received = definedErrorFromDetails(details, "unknown");
    assert.deepEqual(
      [received.definition.namespace, received.definition.name, received.code, received.message],
      ["elsewhere/module", "strange", "failed_precondition", "strange x"],
    );
    assert.equal(definedErrorFromDetails(details, "unknown").definition, received.definition);
  });
});
