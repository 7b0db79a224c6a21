import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateDeviceError,
  createDevice,
  type DeviceApi,
  deleteDevice,
  getDevice,
  mergeDevices,
  updateDevice,
} from "./device-calls.ts";

interface Call {
  method: string;
  path: string;
  body?: unknown;
  query?: unknown;
}

/** An API that records calls and answers from `answer` (which may throw). */
function fakeApi(answer: (call: Call) => unknown = () => ({})): DeviceApi & { calls: Call[] } {
  const calls: Call[] = [];
  const run = async <T>(call: Call) => {
    calls.push(call);
    return answer(call) as T;
  };
  return {
    calls,
    get: (path, query) => run({ method: "GET", path, query }),
    post: (path, body) => run({ method: "POST", path, body }),
    put: (path, body) => run({ method: "PUT", path, body }),
    del: (path) => run({ method: "DELETE", path }),
  };
}

const ids = {
  application_ids: { application_id: "app1" },
  device_id: "dev1",
  dev_eui: "70B3D57ED0000001",
  join_eui: "0000000000000000",
};

const key = { applicationId: "app1", deviceId: "dev1" };

class NotFound extends Error {
  status = 404;
}

describe("end devices across the registries", () => {
  it("creates an OTAA device in IS, JS, NS and AS, each with its own field mask", async () => {
    const api = fakeApi((call) => ({ ids, from: call.path }));
    await createDevice(
      api,
      {
        ids,
        name: "Sensor",
        supports_join: true,
        frequency_plan_id: "EU_863_870_TTN",
        root_keys: { app_key: { key: "00".repeat(16) } },
      },
      [
        "name",
        "ids.dev_eui",
        "ids.join_eui",
        "supports_join",
        "frequency_plan_id",
        "root_keys.app_key.key",
      ],
    );
    assert.deepEqual(
      api.calls.map((call) => `${call.method} ${call.path}`),
      [
        "POST /applications/app1/devices",
        "PUT /js/applications/app1/devices/dev1",
        "PUT /ns/applications/app1/devices/dev1",
        "PUT /as/applications/app1/devices/dev1",
      ],
    );
    const masks = api.calls.map(
      (call) => (call.body as { field_mask: { paths: string[] } }).field_mask.paths,
    );
    assert.deepEqual(masks[0], ["name", "ids.dev_eui", "ids.join_eui"]);
    assert.deepEqual(masks[1], ["ids.dev_eui", "ids.join_eui", "root_keys.app_key.key"]);
    assert.deepEqual(masks[2], [
      "ids.dev_eui",
      "ids.join_eui",
      "supports_join",
      "frequency_plan_id",
    ]);
    assert.deepEqual(masks[3], ["ids.dev_eui", "ids.join_eui"]);
    const js = ((api.calls[1] as Call).body as { end_device: Record<string, unknown> }).end_device;
    assert.deepEqual(js.root_keys, { app_key: { key: "00".repeat(16) } });
    assert.equal(js.name, undefined, "the Join Server gets only its own fields");
  });

  it("skips the Join Server for ABP", async () => {
    const api = fakeApi();
    await createDevice(api, { ids, supports_join: false }, ["supports_join", "session.dev_addr"]);
    assert.ok(!api.calls.some((call) => call.path.startsWith("/js/")));
    assert.equal(api.calls.length, 4 - 1);
  });

  it("rolls back the registries that took the device when one refuses, newest first", async () => {
    const api = fakeApi((call) => {
      if (call.method === "PUT" && call.path.startsWith("/ns/")) throw new Error("bad plan");
      return {};
    });
    await assert.rejects(
      createDevice(api, { ids, supports_join: true }, ["supports_join"]),
      (error: unknown) => {
        assert.ok(error instanceof CreateDeviceError);
        assert.equal(error.registry, "ns");
        assert.match(error.message, /Network Server: bad plan/);
        assert.deepEqual(error.rollBack, [
          "deleted from the Join Server",
          "deleted from the Identity Server",
        ]);
        return true;
      },
    );
    assert.deepEqual(
      api.calls.filter((call) => call.method === "DELETE").map((call) => call.path),
      ["/js/applications/app1/devices/dev1", "/applications/app1/devices/dev1"],
    );
  });

  it("reads from the registries that keep the fields and merges them; a missing one is left out", async () => {
    const api = fakeApi((call) => {
      if (call.path.startsWith("/ns/")) return { ids, frequency_plan_id: "EU_863_870_TTN" };
      if (call.path.startsWith("/as/")) throw new NotFound("not in the AS");
      return { ids, name: "Sensor", join_server_address: "" };
    });
    const device = await getDevice(api, key, [
      "name",
      "frequency_plan_id",
      "formatters",
      "root_keys",
    ]);
    assert.equal(device.name, "Sensor");
    assert.equal(device.frequency_plan_id, "EU_863_870_TTN");
    assert.ok(
      !api.calls.some((call) => call.path.startsWith("/js/")),
      "no Join Server without its address",
    );
    assert.deepEqual(((api.calls[0] as Call).query as { field_mask: string[] }).field_mask, [
      "name",
      "join_server_address",
    ]);
  });

  it("names each registry without the device, asking the API's own isNotFound", async () => {
    const gone = new Error("gone");
    const api = {
      ...fakeApi((call) => {
        if (call.path.startsWith("/as/")) throw gone;
        return { ids };
      }),
      isNotFound: (error: unknown) => error === gone,
    };
    const absent: string[] = [];
    await getDevice(api, key, ["frequency_plan_id", "formatters"], (registry) =>
      absent.push(registry),
    );
    assert.deepEqual(absent, ["as"]);
    assert.equal(
      ((api.calls[0] as Call).query as { field_mask?: unknown }).field_mask,
      undefined,
      "no Join Server field asked: the IS's default fields",
    );
  });

  it("notes a roll-back step that fails with its error", async () => {
    const api = fakeApi((call) => {
      if (call.method === "PUT" && call.path.startsWith("/as/")) throw new Error("no link");
      if (call.method === "DELETE" && call.path.startsWith("/ns/")) throw new Error("timeout");
      return {};
    });
    await assert.rejects(createDevice(api, { ids, supports_join: false }, ["name"]), (error) => {
      assert.ok(error instanceof CreateDeviceError);
      assert.deepEqual(error.rollBack, [
        "could not delete from the Network Server: timeout",
        "deleted from the Identity Server",
      ]);
      return true;
    });
  });

  it("merges answers keeping the earliest creation and the latest update", () => {
    const merged = mergeDevices(
      { created_at: "2026-01-02T00:00:00Z", updated_at: "2026-01-02T00:00:00Z", a: { b: 1 } },
      { created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", a: { c: 2 } },
    );
    assert.deepEqual(merged, {
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-02T00:00:00Z",
      a: { b: 1, c: 2 },
    });
  });

  it("a read error other than 404 is the caller's", async () => {
    const api = fakeApi((call) => {
      if (call.path.startsWith("/ns/")) throw new Error("down");
      return { ids };
    });
    await assert.rejects(getDevice(api, key, ["frequency_plan_id"]), /down/);
  });

  it("updates each registry with its own paths, with the Identity Server's IDs", async () => {
    const api = fakeApi((call) => (call.method === "GET" ? { ids } : {}));
    const typed = { application_ids: { application_id: "app1" }, device_id: "dev1" };
    await updateDevice(api, { ids: typed, name: "New", frequency_plan_id: "US_902_928_FSB_2" }, [
      "name",
      "frequency_plan_id",
    ]);
    assert.deepEqual(
      api.calls.map((call) => `${call.method} ${call.path}`),
      [
        "GET /applications/app1/devices/dev1",
        "PUT /applications/app1/devices/dev1",
        "PUT /ns/applications/app1/devices/dev1",
      ],
    );
    const ns = (api.calls[2] as Call).body as { end_device: { ids: unknown } };
    assert.deepEqual(ns.end_device.ids, ids, "the EUIs go with the change");
  });

  it("deletes AS, NS, JS then IS, tolerating registries without the device", async () => {
    const api = fakeApi((call) => {
      if (call.path.startsWith("/js/")) throw new NotFound("no");
      return {};
    });
    await deleteDevice(api, key);
    assert.deepEqual(
      api.calls.map((call) => call.path.split("/")[1]),
      ["as", "ns", "js", "applications"],
    );
    const missing = fakeApi(() => {
      throw new NotFound("no");
    });
    await assert.rejects(deleteDevice(missing, key), NotFound);
  });
});
