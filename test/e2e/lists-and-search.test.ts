// Issue 8, bugs: `?deleted=true&limit=5` paged over live and deleted rows and filtered
// afterwards (12 applications, 3 deleted: `[]` and x-total-count 0), and search loaded whole
// tables. Through the real program: lists of deleted entities and searches are paged and
// counted in SQL, for every kind of entity.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { initialize } from "../harness/identity-admin.ts";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: the assertions below check the shape
type ApiJson = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-lists-"));
  adminKey = await initialize(dataDir);
  stack = await startLorastack({ dataDir });
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, key = adminKey) {
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    total: response.headers.get("x-total-count"),
    json: (text ? JSON.parse(text) : {}) as ApiJson,
  };
}

async function ok(method: string, path: string, body?: unknown, key = adminKey) {
  const answer = await api(method, path, body, key);
  assert.equal(answer.status, 200, `${method} ${path}: ${JSON.stringify(answer.json)}`);
  return answer;
}

/** Each kind: how to create one (as the admin), where it is listed, and the list's field. */
const kinds = [
  {
    kind: "applications",
    create: (id: string) =>
      ok("POST", "/users/admin/applications", { application: { ids: { application_id: id } } }),
  },
  {
    kind: "gateways",
    create: (id: string) =>
      ok("POST", "/users/admin/gateways", {
        gateway: { ids: { gateway_id: id }, frequency_plan_ids: ["EU_863_870"] },
      }),
  },
  {
    kind: "organizations",
    create: (id: string) =>
      ok("POST", "/users/admin/organizations", { organization: { ids: { organization_id: id } } }),
  },
  {
    kind: "clients",
    create: (id: string) =>
      ok("POST", "/users/admin/clients", {
        client: { ids: { client_id: id }, redirect_uris: ["https://app.example.com/cb"] },
      }),
  },
  {
    kind: "users",
    create: (id: string) =>
      ok("POST", "/users", {
        user: {
          ids: { user_id: id },
          primary_email_address: `${id}@example.com`,
          password: "Correct-Horse1",
        },
      }),
  },
];

describe("lists of deleted entities", () => {
  for (const { kind, create } of kinds) {
    it(`${kind}: ?deleted=true&limit=5 pages over the deleted ones only`, async () => {
      const prefix = `del-${kind.slice(0, 3)}`;
      const ids = Array.from({ length: 12 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
      for (const id of ids) await create(id);
      const deleted = [ids[2], ids[6], ids[10]] as string[];
      for (const id of deleted) await ok("DELETE", `/${kind}/${id}`);

      const first = await ok("GET", `/${kind}?deleted=true&limit=5`);
      const field = kind;
      const listed = (answer: ApiJson) =>
        (answer[field] ?? []).map(
          (item: ApiJson) => Object.values(item.ids as Record<string, string>)[0],
        );
      assert.deepEqual(listed(first.json), deleted);
      assert.equal(first.total, "3");
      assert.ok(first.json[field].every((item: ApiJson) => item.deleted_at));

      const paged = await ok("GET", `/${kind}?deleted=true&limit=2&page=2`);
      assert.deepEqual(listed(paged.json), [deleted[2]]);
      assert.equal(paged.total, "3");

      const live = await ok("GET", `/${kind}?limit=5`);
      assert.ok(!listed(live.json).some((id: string) => deleted.includes(id)));
    });
  }
});

describe("search", () => {
  let aliceKey = "";

  before(async () => {
    await ok("POST", "/users", {
      user: {
        ids: { user_id: "alice" },
        primary_email_address: "alice@example.com",
        password: "Correct-Horse1",
      },
    });
    for (let i = 0; i < 30; i++) {
      const id = `search-app-${String(i).padStart(2, "0")}`;
      await ok("POST", "/users/admin/applications", {
        application: {
          ids: { application_id: id },
          name: i % 3 === 0 ? `Weather ${i}` : `Parking ${i}`,
          description: i === 7 ? "Rain gauges on the roof" : "",
          attributes: { env: i % 2 ? "production" : "staging" },
        },
      });
      // Alice collaborates on every fifth application.
      if (i % 5 === 0)
        await ok("PUT", `/applications/${id}/collaborators`, {
          collaborator: {
            ids: { user_ids: { user_id: "alice" } },
            rights: ["RIGHT_APPLICATION_INFO"],
          },
        });
    }
    const key = await runLorastack(["is-db", "create-api-key", "--user-id", "alice"], { dataDir });
    assert.equal(key.code, 0, key.stderr);
    aliceKey = key.stdout.trim().split("\n").at(-1) as string;
  });

  const ids = (answer: ApiJson) =>
    (answer.applications ?? []).map((app: ApiJson) => app.ids.application_id);

  it("finds by query, name, description and attributes, paged with the total", async () => {
    const weather = await ok("GET", "/search/applications?query=WEATHER&limit=3&page=2");
    assert.deepEqual(ids(weather.json), ["search-app-09", "search-app-12", "search-app-15"]);
    assert.equal(weather.total, "10");
    const rain = await ok("GET", "/search/applications?description_contains=gauges");
    assert.deepEqual(ids(rain.json), ["search-app-07"]);
    // Attributes come in the body of the gRPC and Connect calls; over REST, in JSON.
    const masked = await ok("GET", "/search/applications?name_contains=weather&field_mask=name");
    assert.equal(masked.total, "10");
    assert.equal(masked.json.applications[0].name, "Weather 0");
    assert.equal(masked.json.applications[0].attributes, undefined);
  });

  it("a collaborator finds only what it holds the info right on", async () => {
    const found = await ok(
      "GET",
      "/search/applications?query=search-app&order=-application_id",
      undefined,
      aliceKey,
    );
    assert.deepEqual(ids(found.json), [
      "search-app-25",
      "search-app-20",
      "search-app-15",
      "search-app-10",
      "search-app-05",
      "search-app-00",
    ]);
    assert.equal(found.total, "6");
  });

  it("finds accounts by ID or name", async () => {
    const accounts = await ok("GET", "/search/accounts?query=alic");
    assert.deepEqual(accounts.json.account_ids, [{ user_ids: { user_id: "alice" } }]);
  });
});
