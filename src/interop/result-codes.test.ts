import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errDeviceNotFound } from "../join-server/errors.ts";
import {
  errMalformedMessage,
  errNoAction,
  errorOfResult,
  errUnknownReceiver,
  errUnknownSender,
  resultCodes,
  resultOf,
} from "./result-codes.ts";

describe("result codes", () => {
  it("lists every code of Backend Interfaces 1.0 and 1.1", () => {
    const specification = [
      "Success",
      "NoAction",
      "MICFailed",
      "FrameReplayed",
      "JoinReqFailed",
      "NoRoamingAgreement",
      "DevRoamingDisallowed",
      "RoamingActDisallowed",
      "ActivationDisallowed",
      "UnknownDevEUI",
      "UnknownDevAddr",
      "UnknownSender",
      "UnkownReceiver",
      "Deferred",
      "XmitFailed",
      "InvalidFPort",
      "InvalidProtocolVersion",
      "StaleDeviceProfile",
      "MalformedRequest",
      "MalformedMessage",
      "FrameSizeError",
      "Other",
    ];
    for (const code of specification) assert.ok(Object.hasOwn(resultCodes, code), code);
  });

  it("writes each version's code for an error", () => {
    const malformed = errMalformedMessage.create({ description: "DevEUI: required" });
    assert.deepEqual(resultOf(malformed, "1.0"), {
      ResultCode: "MalformedRequest",
      Description: "DevEUI: required",
    });
    assert.equal(resultOf(malformed, "1.1").ResultCode, "MalformedMessage");
    assert.equal(resultOf(errNoAction.create(), "1.1").ResultCode, "NoAction");
    assert.equal(resultOf(errNoAction.create(), "1.0").ResultCode, "Other");
    assert.equal(resultOf(errUnknownReceiver.create(), "1.1").ResultCode, "UnkownReceiver");
    assert.deepEqual(resultOf(errUnknownSender.create(), "1.0"), {
      ResultCode: "UnknownSender",
      Description: "unknown sender",
    });
  });

  it("never leaks errors that are not Backend Interfaces errors", () => {
    const foreign = errDeviceNotFound.create({ join_eui: "00", dev_eui: "00" });
    assert.deepEqual(resultOf(foreign, "1.1"), {
      ResultCode: "Other",
      Description: "internal error",
    });
    assert.deepEqual(resultOf("a string", "1.0"), {
      ResultCode: "Other",
      Description: "internal error",
    });
  });

  it("reads a Result back as its typed error, unknown codes as Other", () => {
    const error = errorOfResult({ ResultCode: "UnknownSender", Description: "who?" });
    assert.ok(errUnknownSender.matches(error));
    assert.equal(error.attributes.description, "who?");
    assert.ok(errUnknownReceiver.matches(errorOfResult({ ResultCode: "UnknownReceiver" })));
    assert.equal(errorOfResult({ ResultCode: "Bogus" }).definition.name, "other");
    assert.equal(errorOfResult({ ResultCode: 42 }).definition.name, "other");
  });
});
