import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DefinedError, errorNamespace, formatMessage } from "./index.ts";

describe("errors", () => {
  const errors = errorNamespace("test/errors");
  const fCntTooLow = errors.invalidArgument(
    "f_cnt_too_low",
    "FCnt {f_cnt} is lower than minimum {min_f_cnt}",
  );

  it("fills the message from attributes and carries code and statuses", () => {
    const err = fCntTooLow.create({ f_cnt: 3, min_f_cnt: 7 });
    assert.ok(err instanceof DefinedError);
    assert.ok(err instanceof Error);
    assert.equal(err.message, "FCnt 3 is lower than minimum 7");
    assert.equal(err.code, "invalid_argument");
    assert.equal(err.grpcStatus, 3);
    assert.equal(err.httpStatus, 400);
    assert.equal(err.name, "test/errors:f_cnt_too_low");
    assert.ok(fCntTooLow.matches(err));
    assert.ok(!fCntTooLow.matches(new Error("other")));
  });

  it("refuses to define the same error twice", () => {
    assert.throws(() => errors.notFound("f_cnt_too_low", "again"), /defined twice/);
  });

  it("formats bytes as upper-case hex and leaves unknown placeholders", () => {
    assert.equal(
      formatMessage("{eui} {missing}", { eui: new Uint8Array([0x70, 0xb3]) }),
      "70B3 {missing}",
    );
  });
});
