import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkReadPaths as asCheckReadPaths } from "../../application-server/services/field-masks.ts";
import { EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { readMask } from "../../identity-server/services/end-devices.ts";
import { isJoinServerPath, joinServerFields } from "../../join-server/registry/fields.ts";
import { isNetworkServerPath, networkServerFields } from "../../network-server/registry/fields.ts";
import { deviceFields, type Registry, registriesOf, splitPaths } from "./registries.ts";

/** Whether each server itself takes a path: its own field list or path check. */
const servers: Record<Registry, (path: string) => boolean> = {
  is: (path) => (readMask({ paths: [path] } as never)?.length ?? 0) > 2,
  ns: isNetworkServerPath,
  js: isJoinServerPath,
  as: (path) => {
    try {
      asCheckReadPaths([path]);
      return true;
    } catch {
      return false;
    }
  },
};

/** Fields a server keeps that the CLI reads from another (the IS lists the addresses). */
const readElsewhere = new Set(["network_server_address", "application_server_address"]);
const always = new Set(["ids", "created_at", "updated_at"]);

const sessionPaths = [
  "session",
  "session.keys",
  "session.dev_addr",
  "session.keys.app_s_key.key",
  "session.keys.f_nwk_s_int_key.key",
  "session.keys.s_nwk_s_int_key.key",
  "session.keys.nwk_s_enc_key.key",
  "session.keys.session_key_id",
  "session.last_f_cnt_up",
  "session.last_a_f_cnt_down",
];

describe("end device registries", () => {
  const topLevel = EndDeviceSchema.fields
    .map((field) => field.name)
    .filter((name) => !always.has(name));

  it("routes each path only to servers that take it", () => {
    for (const path of [...deviceFields, ...sessionPaths, "root_keys.app_key.key"]) {
      for (const registry of registriesOf(path))
        assert.ok(servers[registry](path), `${path} routed to ${registry}, which refuses it`);
    }
  });

  it("routes every field a server keeps to it, but the addresses the IS lists", () => {
    const lists: [Registry, readonly string[]][] = [
      ["ns", networkServerFields],
      ["js", joinServerFields],
    ];
    for (const [registry, fields] of lists) {
      for (const field of fields) {
        if (always.has(field) || readElsewhere.has(field)) continue;
        assert.ok(registriesOf(field).includes(registry), `${field} is the ${registry}'s`);
      }
    }
    for (const field of topLevel) {
      for (const registry of ["is", "as"] as const) {
        if (servers[registry](field) && !(registry === "is" && field === "ids"))
          assert.ok(registriesOf(field).includes(registry), `${field} is the ${registry}'s`);
      }
    }
  });

  it("knows every top-level field of EndDevice the servers keep", () => {
    for (const field of topLevel) {
      const keptBy = (Object.keys(servers) as Registry[]).filter((registry) =>
        servers[registry](field),
      );
      if (keptBy.length > 0) assert.doesNotThrow(() => registriesOf(field), field);
    }
  });

  it("splits a session between the NS and the AS, and keeps the pending session off the AS on writes", () => {
    const split = splitPaths(
      [
        "session.dev_addr",
        "session.keys.app_s_key.key",
        "session.keys.f_nwk_s_int_key.key",
        "pending_session",
      ],
      "write",
    );
    assert.deepEqual(split.as, ["session.dev_addr", "session.keys.app_s_key.key"]);
    assert.deepEqual(split.ns, [
      "session.dev_addr",
      "session.keys.f_nwk_s_int_key.key",
      "pending_session",
    ]);
    assert.throws(() => registriesOf("no_such_field"), /no end device field/);
  });
});
