// Issue 8, "the whole gateway": every field of The Things Stack's Gateway is stored, and the
// LoRa Basics Station LNS secret, claim authentication code and CUPS key are encrypted at rest
// by the key vault. Through the real program: the embedded key file, what the database holds,
// who reads the secrets back, a restart, and keys from the configuration.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";

// biome-ignore lint/suspicious/noExplicitAny: the assertions below check the shape
type ApiJson = Record<string, any>;

let dataDir: string;
let stack: LorastackProcess;
let ownerKey: string;
let viewerKey: string;

const base64 = (text: string) => Buffer.from(text).toString("base64");
const configuredKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

async function createKey(userId: string): Promise<string> {
  const key = await runLorastack(["is-db", "create-api-key", "--user-id", userId], { dataDir });
  assert.equal(key.code, 0, key.stderr);
  return key.stdout.trim().split("\n").at(-1) as string;
}

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-gateway-secrets-"));
  const password = ["--password", "Correct-Horse1"];
  for (const args of [
    ["is-db", "init"],
    ["is-db", "create-admin-user", "--id", "owner", "--email", "owner@example.com", ...password],
  ]) {
    const result = await runLorastack(args, { dataDir });
    assert.equal(result.code, 0, result.stderr);
  }
  ownerKey = await createKey("owner");
  stack = await startLorastack({ dataDir });
  // Not an admin: admins hold RIGHT_GATEWAY_READ_SECRETS everywhere, as in The Things Stack.
  const viewer = await api("POST", "/users", {
    user: {
      ids: { user_id: "viewer" },
      primary_email_address: "viewer@example.com",
      password: "Correct-Horse1",
    },
  });
  assert.equal(viewer.status, 200, JSON.stringify(viewer.json));
  viewerKey = await createKey("viewer");
});

after(async () => {
  await stack?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(method: string, path: string, body?: unknown, key = ownerKey) {
  const response = await fetch(`${stack.httpUrl}/api/v3${path}`, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: (text ? JSON.parse(text) : {}) as ApiJson };
}

/** The stored JSON of a gateway, read from the database file as an attacker with it would. */
function storedGateway(id: string): { data: string; description: string | null } {
  const db = new Database(join(dataDir, "lorastack.db"), { readonly: true });
  try {
    return db.prepare("select data, description from gateways where gateway_id = ?").get(id) as {
      data: string;
      description: string | null;
    };
  } finally {
    db.close();
  }
}

const gateway = {
  ids: { gateway_id: "gw-station", eui: "00800000A0001234" },
  name: "Station",
  description: "On the roof",
  frequency_plan_ids: ["EU_863_870"],
  contact_info: [
    {
      contact_type: "CONTACT_TYPE_TECHNICAL",
      contact_method: "CONTACT_METHOD_EMAIL",
      value: "noc@example.com",
      public: true,
    },
  ],
  enforce_duty_cycle: true,
  schedule_downlink_late: true,
  schedule_anytime_delay: "0.530s",
  downlink_path_constraint: "DOWNLINK_PATH_CONSTRAINT_PREFER_OTHER",
  require_authenticated_connection: true,
  update_location_from_status: true,
  status_public: true,
  location_public: false,
  auto_update: true,
  update_channel: "stable",
  target_cups_uri: "https://cups.example.com:443",
  disable_packet_broker_forwarding: true,
  lrfhss: { supported: true },
  antennas: [
    { gain: 3, location: { latitude: 52.37, longitude: 4.89, altitude: 12 }, placement: "OUTDOOR" },
  ],
  lbs_lns_secret: { value: base64("NNSXS.LNS-TOKEN") },
  claim_authentication_code: {
    secret: { value: base64("CLAIM1234") },
    valid_from: "2027-01-01T00:00:00Z",
    valid_to: "2028-01-01T00:00:00Z",
  },
  target_cups_key: { value: base64("cups-key") },
};

describe("the whole gateway with secrets at rest", () => {
  it("creates the embedded key vault file (0600) on first start and says so", async () => {
    const file = join(dataDir, "key-vault.json");
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const { default_label: label } = JSON.parse(await readFile(file, "utf8"));
    const line = stack.logs.find((entry) =>
      String(entry.msg).startsWith("created a key encryption key"),
    );
    assert.ok(line, "the log says a key was made");
    assert.equal(line.label, label);
  });

  it("stores every field; secrets come back only when named, to those who may read them", async () => {
    const created = await api("POST", "/users/owner/gateways", { gateway });
    assert.equal(created.status, 200, JSON.stringify(created.json));
    assert.equal(created.json.lbs_lns_secret.value, base64("NNSXS.LNS-TOKEN"));

    const read = await api("GET", "/gateways/gw-station");
    assert.equal(read.status, 200);
    for (const field of [
      "enforce_duty_cycle",
      "schedule_downlink_late",
      "require_authenticated_connection",
      "update_location_from_status",
      "status_public",
      "auto_update",
      "disable_packet_broker_forwarding",
    ])
      assert.equal(read.json[field], true, field);
    assert.equal(read.json.schedule_anytime_delay, "0.530s");
    assert.equal(read.json.downlink_path_constraint, "DOWNLINK_PATH_CONSTRAINT_PREFER_OTHER");
    assert.equal(read.json.update_channel, "stable");
    assert.equal(read.json.target_cups_uri, "https://cups.example.com:443");
    assert.deepEqual(read.json.lrfhss, { supported: true });
    assert.equal(read.json.contact_info[0].value, "noc@example.com");
    assert.equal(read.json.antennas[0].placement, "OUTDOOR");
    assert.equal(read.json.lbs_lns_secret, undefined, "not without a field mask naming it");
    assert.deepEqual(read.json.administrative_contact, { user_ids: { user_id: "owner" } });
    assert.deepEqual(read.json.technical_contact, { user_ids: { user_id: "owner" } });

    const secrets = await api(
      "GET",
      "/gateways/gw-station?field_mask=lbs_lns_secret,claim_authentication_code,target_cups_key",
    );
    assert.equal(secrets.status, 200, JSON.stringify(secrets.json));
    assert.equal(secrets.json.lbs_lns_secret.value, base64("NNSXS.LNS-TOKEN"));
    assert.equal(secrets.json.claim_authentication_code.secret.value, base64("CLAIM1234"));
    assert.equal(secrets.json.claim_authentication_code.valid_to, "2028-01-01T00:00:00Z");
    assert.equal(secrets.json.target_cups_key.value, base64("cups-key"));

    // A collaborator with the info right but not RIGHT_GATEWAY_READ_SECRETS.
    const member = await api("PUT", "/gateways/gw-station/collaborators", {
      collaborator: {
        ids: { user_ids: { user_id: "viewer" } },
        rights: ["RIGHT_GATEWAY_INFO", "RIGHT_GATEWAY_SETTINGS_BASIC"],
      },
    });
    assert.equal(member.status, 200, JSON.stringify(member.json));
    const denied = await api(
      "GET",
      "/gateways/gw-station?field_mask=lbs_lns_secret",
      undefined,
      viewerKey,
    );
    assert.equal(denied.status, 403, JSON.stringify(denied.json));
    const write = await api(
      "PUT",
      "/gateways/gw-station",
      {
        gateway: { lbs_lns_secret: { value: base64("mine") } },
        field_mask: { paths: ["lbs_lns_secret"] },
      },
      viewerKey,
    );
    assert.equal(write.status, 403, JSON.stringify(write.json));
  });

  it("keeps only ciphertext in the database", () => {
    const row = storedGateway("gw-station");
    assert.equal(row.description, "On the roof");
    for (const plain of ["NNSXS.LNS-TOKEN", "CLAIM1234", "cups-key"]) {
      assert.ok(!row.data.includes(plain), `${plain} in plain`);
      assert.ok(!row.data.includes(base64(plain)), `${plain} in base64`);
    }
    const data = JSON.parse(row.data);
    assert.match(data.lbsLnsSecret.keyId, /^embedded-/);
  });

  it("reads the secrets after a restart, with configured keys added, and rotates them", async () => {
    await stack.stop();
    stack = await startLorastack({
      dataDir,
      env: { LORASTACK_KEY_VAULT_KEYS: `configured-2027:${configuredKey}` },
    });
    const old = await api("GET", "/gateways/gw-station?field_mask=lbs_lns_secret");
    assert.equal(
      old.json.lbs_lns_secret?.value,
      base64("NNSXS.LNS-TOKEN"),
      JSON.stringify(old.json),
    );
    const rotated = await api("PUT", "/gateways/gw-station", {
      gateway: { target_cups_key: { value: base64("new-cups-key") } },
      field_mask: { paths: ["target_cups_key"] },
    });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.json));
    const data = JSON.parse(storedGateway("gw-station").data);
    assert.equal(data.targetCupsKey.keyId, "configured-2027", "new secrets use the configured key");
    assert.match(data.lbsLnsSecret.keyId, /^embedded-/);

    // Rotation: everything moves to the configured key; the embedded one is then unused.
    const rotate = await runLorastack(["is-db", "rotate-secrets"], {
      dataDir,
      env: { LORASTACK_KEY_VAULT_KEYS: `configured-2027:${configuredKey}` },
    });
    assert.equal(rotate.code, 0, rotate.stderr);
    assert.match(rotate.stdout, /re-encrypted the secrets of 1 gateways under configured-2027/);
    const after = JSON.parse(storedGateway("gw-station").data);
    assert.deepEqual(
      [
        after.lbsLnsSecret.keyId,
        after.claimAuthenticationCode.secret.keyId,
        after.targetCupsKey.keyId,
      ],
      ["configured-2027", "configured-2027", "configured-2027"],
    );
    const again = await api(
      "GET",
      "/gateways/gw-station?field_mask=lbs_lns_secret,claim_authentication_code",
    );
    assert.equal(again.json.lbs_lns_secret?.value, base64("NNSXS.LNS-TOKEN"));
    assert.equal(again.json.claim_authentication_code?.secret?.value, base64("CLAIM1234"));

    const printed = await runLorastack(["config"], {
      dataDir,
      env: { LORASTACK_KEY_VAULT_KEYS: `configured-2027:${configuredKey}` },
    });
    assert.equal(printed.code, 0, printed.stderr);
    assert.ok(!printed.stdout.includes(configuredKey), "the key is redacted");
    assert.match(printed.stdout, /configured-2027: "\*\*\*"/);
  });

  it("refuses out-of-bounds gateways as The Things Stack does", async () => {
    const tooMany = await api("PUT", "/gateways/gw-station", {
      gateway: { antennas: Array.from({ length: 9 }, () => ({ gain: 1 })) },
      field_mask: { paths: ["antennas"] },
    });
    assert.equal(tooMany.status, 400);
    assert.equal(tooMany.json.details[0].attributes.field, "gateway.antennas");
    const latitude = await api("PUT", "/gateways/gw-station", {
      gateway: { antennas: [{ location: { latitude: 1e308, longitude: 0 } }] },
      field_mask: { paths: ["antennas"] },
    });
    assert.equal(latitude.status, 400);
    assert.equal(
      latitude.json.details[0].attributes.field,
      "gateway.antennas[0].location.latitude",
    );
  });
});
