import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { DefinedError } from "../errors/index.ts";
import {
  GetApplicationRequestSchema,
  ListApplicationsRequestSchema,
} from "../gen/ttn/lorawan/v3/application_pb.js";
import { ApplicationRegistry } from "../gen/ttn/lorawan/v3/application_services_pb.js";
import { EndDeviceSchema } from "../gen/ttn/lorawan/v3/end_device_pb.js";
import { Gs } from "../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import { checkFieldMasks, isFieldPath, maskTarget } from "./field-paths.ts";

describe("field paths", () => {
  it("accepts the paths of a message, nested through singular messages and oneofs", () => {
    for (const path of [
      "name",
      "ids",
      "ids.dev_eui",
      "ids.application_ids.application_id",
      "mac_settings.rx1_delay",
      "mac_settings.rx1_delay.value",
      "mac_settings.adr.mode",
      "mac_settings.adr.mode.dynamic.margin",
      "session.keys.app_s_key.key",
      "attributes",
      "locations",
      "mac_state.recent_uplinks",
    ])
      assert.equal(isFieldPath(EndDeviceSchema, path), true, path);
  });

  it("refuses names the message does not have, inherited properties included", () => {
    for (const path of [
      "__proto__",
      "constructor",
      "toString",
      "hasOwnProperty",
      "ids.__proto__",
      "ids.constructor.name",
      "nmae",
      "",
      "ids.",
      "name.length",
      "attributes.key",
      "mac_state.recent_uplinks.f_cnt",
      "mac_settings.adr.mode.nothing",
      "idsX",
    ])
      assert.equal(isFieldPath(EndDeviceSchema, path), false, path);
  });

  it("checks masks against the method's output, or the element of a list's answer", () => {
    const { get, list } = ApplicationRegistry.method;
    assert.equal(maskTarget(get).typeName, "ttn.lorawan.v3.Application");
    assert.equal(maskTarget(list).typeName, "ttn.lorawan.v3.Application");
    assert.equal(
      maskTarget(Gs.method.batchGetGatewayConnectionStats).typeName,
      "ttn.lorawan.v3.GatewayConnectionStats",
    );
    checkFieldMasks(
      get,
      create(GetApplicationRequestSchema, { fieldMask: { paths: ["name", "ids.application_id"] } }),
    );
    for (const bad of ["__proto__", "toString", "constructor"]) {
      assert.throws(
        () =>
          checkFieldMasks(
            list,
            create(ListApplicationsRequestSchema, { fieldMask: { paths: ["name", bad] } }),
          ),
        (error: unknown) =>
          error instanceof DefinedError &&
          error.definition.name === "invalid_field_path" &&
          error.httpStatus === 400 &&
          error.message.includes("field_mask.paths[1]") &&
          error.message.includes(`\`${bad}\``),
      );
    }
  });
});
