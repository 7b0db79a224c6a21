import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { errInvalidId } from "../identity-server/ids/index.ts";
import {
  accountOf,
  entityId,
  paging,
  parseAttributes,
  parseEui,
  parseTimestamp,
  selectedFields,
  settersOf,
} from "./arguments.ts";
import { resolveServer } from "./client/session.ts";
import { entityKinds } from "./entities.ts";
import { errConflictingId, errMissingId, errOwner, errServer } from "./errors.ts";

const kind = (name: string) => {
  const found = entityKinds.find((entry) => entry.kind === name);
  assert.ok(found);
  return found;
};

describe("arguments of entity commands", () => {
  it("takes the ID from the argument or its flag, checked by TTS's rules", () => {
    const gateway = kind("gateway");
    assert.equal(entityId(gateway, "gw-1", {}), "gw-1");
    assert.equal(entityId(gateway, undefined, { gatewayId: "gw-1" }), "gw-1");
    assert.throws(
      () => entityId(gateway, undefined, {}),
      (e) => errMissingId.matches(e),
    );
    assert.throws(
      () => entityId(gateway, "gw-1", { gatewayId: "gw-2" }),
      (e) => errConflictingId.matches(e),
    );
    for (const bad of ["GW", "ab", "a--b", "-ab", `${"a".repeat(37)}`])
      assert.throws(
        () => entityId(gateway, bad, {}),
        (e) => errInvalidId.matches(e),
        bad,
      );
  });

  it("needs exactly one owner when required", () => {
    const owners = kind("application").owners;
    assert.deepEqual(accountOf(owners, { organizationId: "org-1" }, true), {
      kind: "organization",
      id: "org-1",
    });
    assert.equal(accountOf(owners, {}, false), undefined);
    assert.throws(
      () => accountOf(owners, {}, true),
      (e) => errOwner.matches(e),
    );
    assert.throws(
      () => accountOf(owners, { userId: "usr", organizationId: "org" }, false),
      (e) => errOwner.matches(e),
    );
  });

  it("builds field masks as ttn-lw-cli: --all without secrets, --<field> one by one", () => {
    const gateway = kind("gateway");
    assert.deepEqual(selectedFields(gateway, {}), []);
    assert.deepEqual(selectedFields(gateway, { name: true, frequencyPlanIds: true }), [
      "name",
      "frequency_plan_ids",
    ]);
    const all = selectedFields(gateway, { all: true, lbsLnsSecret: true });
    assert.ok(all.includes("enforce_duty_cycle"));
    assert.equal(all.filter((field) => field === "lbs_lns_secret").length, 1);
    assert.ok(!selectedFields(gateway, { all: true }).includes("lbs_lns_secret"));
  });

  it("turns setter flags into the entity and its field mask paths", () => {
    const { entity, paths } = settersOf(
      kind("gateway"),
      {
        name: "G",
        frequencyPlanId: ["EU_863_870"],
        gatewayEui: "00:80:00:00:a0:00:09:ef",
        enforceDutyCycle: false,
        attributes: ["a=b=c"],
      },
      "update",
    );
    assert.deepEqual(entity, {
      name: "G",
      attributes: { a: "b=c" },
      ids: { eui: "00800000A00009EF" },
      frequency_plan_ids: ["EU_863_870"],
      enforce_duty_cycle: false,
    });
    assert.deepEqual(paths, [
      "name",
      "attributes",
      "ids.eui",
      "frequency_plan_ids",
      "enforce_duty_cycle",
    ]);
    assert.deepEqual(settersOf(kind("user"), { password: "x" }, "update").paths, []);
    assert.deepEqual(settersOf(kind("user"), { password: "x" }, "create").paths, ["password"]);
  });

  it("refuses bad attributes, EUIs, times, numbers and servers", () => {
    assert.throws(() => parseAttributes(["novalue"]));
    assert.throws(() => parseAttributes(["=x"]));
    assert.deepEqual(parseAttributes(["__proto__=x"]), { ["__proto__"]: "x" });
    assert.throws(() => parseEui("gateway-eui", "0080"));
    assert.equal(parseTimestamp("expires-at", "2030-01-01T00:00:00Z"), "2030-01-01T00:00:00.000Z");
    assert.throws(() => parseTimestamp("expires-at", "tomorrow"));
    assert.deepEqual(paging({ limit: "10", page: "2" }), { limit: 10, page: 2 });
    assert.throws(() => paging({ limit: "-1" }));
    assert.equal(resolveServer({}, {}), "http://localhost:1885");
    assert.equal(
      resolveServer({}, { LORASTACK_SERVER: "https://x.example/" }),
      "https://x.example",
    );
    assert.equal(
      resolveServer({ server: "http://a:1/" }, { LORASTACK_SERVER: "http://b" }),
      "http://a:1",
    );
    assert.throws(
      () => resolveServer({ server: "ftp://x" }, {}),
      (e) => errServer.matches(e),
    );
  });
});
