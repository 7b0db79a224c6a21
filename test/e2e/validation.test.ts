// Issue 9, point 13 (second half): no length or count limits on names, key names, attributes
// (2,000 × 200 characters, empty keys), antennas, frequency plans, latitudes (1e308). Through
// the real program: each out-of-bounds request is 400 `validation` naming the field, with The
// Things Stack's bounds; the same request within bounds passes.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { initialize } from "../harness/identity-admin.ts";
import { type LorastackProcess, startLorastack } from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: the assertions below check the shape
type ApiJson = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
let adminKey: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-validation-"));
  adminKey = await initialize(dataDir);
  stack = await startLorastack({ dataDir });
  for (const [path, body] of [
    ["/users/admin/applications", { application: { ids: { application_id: "app-1" } } }],
    [
      "/users/admin/gateways",
      { gateway: { ids: { gateway_id: "gw-1" }, frequency_plan_ids: ["EU_863_870"] } },
    ],
  ] as const) {
    const created = await api("POST", path, body);
    assert.equal(created.status, 200, JSON.stringify(created.json));
  }
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminKey}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as ApiJson };
}

const repeat = (text: string, times: number) => text.repeat(times);
const attributes = (count: number, value = "v") =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`key-${i}`, value]));
const updateApplication = (application: object, paths: string[]) => [
  "PUT",
  "/applications/app-1",
  { application: { ids: { application_id: "app-1" }, ...application }, field_mask: { paths } },
];
const updateGateway = (gateway: object, paths: string[]) => [
  "PUT",
  "/gateways/gw-1",
  { gateway: { ids: { gateway_id: "gw-1" }, ...gateway }, field_mask: { paths } },
];

/** Requests out of bounds, the field the error names, and the same within bounds. */
const cases: { name: string; bad: unknown[]; field: string; good?: unknown[] }[] = [
  {
    name: "an application name of 51 characters",
    bad: updateApplication({ name: repeat("n", 51) }, ["name"]),
    good: updateApplication({ name: repeat("n", 50) }, ["name"]),
    field: "application.name",
  },
  {
    name: "a description of 2001 characters",
    bad: updateApplication({ description: repeat("d", 2001) }, ["description"]),
    good: updateApplication({ description: repeat("d", 2000) }, ["description"]),
    field: "application.description",
  },
  {
    name: "2,000 attributes of 200 characters",
    bad: updateApplication({ attributes: attributes(2000, repeat("v", 200)) }, ["attributes"]),
    good: updateApplication({ attributes: attributes(10, repeat("v", 200)) }, ["attributes"]),
    field: "application.attributes",
  },
  {
    name: "an empty attribute key",
    bad: updateApplication({ attributes: { "": "x" } }, ["attributes"]),
    field: 'application.attributes key ""',
  },
  {
    name: "an attribute value of 201 characters",
    bad: updateApplication({ attributes: { env: repeat("v", 201) } }, ["attributes"]),
    field: "application.attributes.env",
  },
  {
    name: "nine antennas",
    bad: updateGateway({ antennas: Array.from({ length: 9 }, () => ({ gain: 1 })) }, ["antennas"]),
    good: updateGateway({ antennas: Array.from({ length: 8 }, () => ({ gain: 1 })) }, ["antennas"]),
    field: "gateway.antennas",
  },
  {
    name: "nine frequency plans",
    bad: updateGateway({ frequency_plan_ids: Array.from({ length: 9 }, () => "EU_863_870") }, [
      "frequency_plan_ids",
    ]),
    field: "gateway.frequency_plan_ids",
  },
  {
    name: "a latitude of 1e308",
    bad: updateGateway({ antennas: [{ location: { latitude: 1e308, longitude: 4.9 } }] }, [
      "antennas",
    ]),
    good: updateGateway({ antennas: [{ location: { latitude: 52.4, longitude: 4.9 } }] }, [
      "antennas",
    ]),
    field: "gateway.antennas[0].location.latitude",
  },
  {
    name: "eleven contact infos",
    bad: updateGateway({ contact_info: Array.from({ length: 11 }, () => ({ value: "a@b.c" })) }, [
      "contact_info",
    ]),
    field: "gateway.contact_info",
  },
  {
    name: "an API key name of 51 characters",
    bad: [
      "POST",
      "/applications/app-1/api-keys",
      { name: repeat("k", 51), rights: ["RIGHT_APPLICATION_INFO"] },
    ],
    good: [
      "POST",
      "/applications/app-1/api-keys",
      { name: repeat("k", 50), rights: ["RIGHT_APPLICATION_INFO"] },
    ],
    field: "name",
  },
  {
    name: "an organization name of 51 characters",
    bad: [
      "POST",
      "/users/admin/organizations",
      { organization: { ids: { organization_id: "org-1" }, name: repeat("n", 51) } },
    ],
    field: "organization.name",
  },
  {
    name: "eleven redirect URIs of a client",
    bad: [
      "POST",
      "/users/admin/clients",
      {
        client: {
          ids: { client_id: "client-1" },
          redirect_uris: Array.from({ length: 11 }, (_, i) => `https://x.example.com/${i}`),
        },
      },
    ],
    field: "client.redirect_uris",
  },
  {
    name: "an end device location at latitude 91",
    bad: [
      "POST",
      "/applications/app-1/devices",
      {
        end_device: {
          ids: { device_id: "dev-1", application_ids: { application_id: "app-1" } },
          locations: { user: { latitude: 91, longitude: 0 } },
        },
      },
    ],
    field: "end_device.locations.user.latitude",
  },
  {
    name: "a search query of 51 characters",
    bad: ["GET", `/search/applications?query=${repeat("q", 51)}`],
    field: "query",
  },
];

describe("validation as The Things Stack bounds it", () => {
  for (const { name, bad, field, good } of cases) {
    it(`refuses ${name}`, async () => {
      const [method, path, body] = bad as [string, string, unknown];
      const refused = await api(method, path, body);
      assert.equal(refused.status, 400, JSON.stringify(refused.json));
      assert.equal(refused.json.details[0].name, "validation");
      assert.equal(refused.json.details[0].attributes.field, field);
      if (good) {
        const [goodMethod, goodPath, goodBody] = good as [string, string, unknown];
        const accepted = await api(goodMethod, goodPath, goodBody);
        assert.equal(accepted.status, 200, JSON.stringify(accepted.json));
      }
    });
  }
});
