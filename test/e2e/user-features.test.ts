import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { Browser, location, pkce } from "../../src/identity-server/oauth/test-browser.ts";
import {
  type LorastackProcess,
  runLorastack,
  startLorastack,
} from "../harness/lorastack-process.ts";
import { type ReceivedEmail, TestSmtpServer } from "../harness/smtp-server.ts";
import { makeTestCertificate, type TestCertificate } from "../harness/tls-certificate.ts";

// Issue 8, "Every Identity Server route TTS has" — the user routes: temporary passwords and
// login tokens (e-mailed through a real SMTP conversation: STARTTLS, AUTH PLAIN), sessions,
// invitations, e-mail and contact info validation, notifications and bookmarks, through the
// real program.

// biome-ignore lint/suspicious/noExplicitAny: JSON answers; the assertions check their shape
type Json = Record<string, any>;

const password = "Correct-Horse1";
let dataDir: string;
let stack: LorastackProcess;
let smtp: TestSmtpServer;
let certificate: TestCertificate | undefined;
let adminKey = "";
let zoeKey = "";

async function call(method: string, path: string, key?: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${stack.httpUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: (text ? JSON.parse(text) : {}) as Json,
  };
}

async function ok(method: string, path: string, key?: string, body?: unknown): Promise<Json> {
  const result = await call(method, path, key, body);
  assert.equal(result.status, 200, `${method} ${path}: ${JSON.stringify(result.json)}`);
  return result.json;
}

/** The next e-mail to `to` with the subject, waiting for it. */
async function mailTo(to: string, subject: string, from = 0): Promise<ReceivedEmail> {
  for (let index = from; ; index++) {
    const message = await smtp.nextMessage(index);
    if (message.to.includes(to) && message.data.includes(`\r\nSubject: ${subject}\r\n`))
      return message;
  }
}

/** A line `<label>: <value>` of a (quoted-printable, ASCII) e-mail body. */
function field(email: ReceivedEmail, label: string): string {
  const body = email.data.replace(/=\r\n/g, "");
  const match = new RegExp(`^${label}: (\\S+)$`, "m").exec(body);
  assert.ok(match, `no "${label}" in ${body}`);
  return match[1] as string;
}

async function cli(args: string[]): Promise<string> {
  const result = await runLorastack(args, { dataDir });
  assert.equal(result.code, 0, result.stderr);
  return result.stdout.trim().split("\n").at(-1) as string;
}

before(async () => {
  certificate = await makeTestCertificate();
  smtp = await TestSmtpServer.start({
    ...(certificate ? { tls: { certificate: certificate.certificate, key: certificate.key } } : {}),
    mechanisms: ["PLAIN"],
    credentials: { user: "mailer", password: "smtp-secret" },
  });
  dataDir = await mkdtemp(join(tmpdir(), "lorastack-e2e-user-features-"));
  await cli(["is-db", "init"]);
  await cli([
    "is-db",
    "create-admin-user",
    "--id",
    "admin",
    "--email",
    "admin@example.com",
    "--password",
    password,
  ]);
  adminKey = await cli(["is-db", "create-api-key", "--user-id", "admin"]);
  const port = smtp.address.split(":")[1];
  stack = await startLorastack({
    dataDir,
    env: {
      LORASTACK_EMAIL_SMTP_ADDRESS: `localhost:${port}`,
      LORASTACK_EMAIL_SMTP_USERNAME: "mailer",
      LORASTACK_EMAIL_SMTP_PASSWORD: "smtp-secret",
      LORASTACK_EMAIL_SMTP_TLS: certificate ? "starttls" : "none",
      LORASTACK_EMAIL_SMTP_TLS_CA: certificate?.certificateFile ?? "",
      LORASTACK_EMAIL_SENDER_ADDRESS: "noreply@lns.example.com",
      LORASTACK_EMAIL_NETWORK_NAME: "Example LNS",
      LORASTACK_LOGIN_TOKENS_ENABLED: "true",
    },
  });
  await ok("POST", "/api/v3/users", adminKey, {
    user: {
      ids: { user_id: "zoe" },
      primary_email_address: "zoe@example.com",
      password,
      name: "Zoë",
    },
  });
  zoeKey = await cli(["is-db", "create-api-key", "--user-id", "zoe"]);
});

after(async () => {
  await stack?.stop();
  await smtp?.stop();
  await certificate?.remove();
  await rm(dataDir, { recursive: true, force: true });
});

/** The Things Stack's HTTP bindings of these services (its api.md), under /api/v3. */
const ttsRoutes = [
  "POST /users/{user_ids.user_id}/temporary_password",
  "POST /users/{user_ids.user_id}/login-tokens",
  "GET /users/{user_ids.user_id}/sessions",
  "DELETE /users/{user_ids.user_id}/sessions/{session_id}",
  "POST /invitations",
  "GET /invitations",
  "DELETE /invitations",
  "POST /contact_info/validation",
  "PATCH /contact_info/validation",
  "POST /email/validation",
  "PATCH /email/validation",
  "GET /users/{receiver_ids.user_id}/notifications",
  "PATCH /users/{receiver_ids.user_id}/notifications",
  "POST /users/{user_ids.user_id}/bookmarks",
  "GET /users/{user_ids.user_id}/bookmarks",
  "DELETE /users/{user_ids.user_id}/bookmarks/applications/{entity_ids.application_ids.application_id}",
  "DELETE /users/{user_ids.user_id}/bookmarks/clients/{entity_ids.client_ids.client_id}",
  "DELETE /users/{user_ids.user_id}/bookmarks/gateways/{entity_ids.gateway_ids.gateway_id}",
  "DELETE /users/{user_ids.user_id}/bookmarks/organizations/{entity_ids.organization_ids.organization_id}",
  "DELETE /users/{user_ids.user_id}/bookmarks/users/{entity_ids.user_ids.user_id}",
  "DELETE /users/{user_ids.user_id}/bookmarks/applications/{entity_ids.device_ids.application_ids.application_id}/devices/{entity_ids.device_ids.device_id}",
  "DELETE /users/{user_ids.user_id}/bookmarks/batch",
];

describe("routes", () => {
  it("serves The Things Stack's user routes", async () => {
    const document = (await (await fetch(`${stack.httpUrl}/api/v3/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const served = new Set(
      Object.entries(document.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map(
          (method) => `${method.toUpperCase()} ${path.replace(/^\/api\/v3/, "")}`,
        ),
      ),
    );
    assert.deepEqual(
      ttsRoutes.filter((route) => !served.has(route)),
      [],
    );
  });
});

describe("temporary passwords", () => {
  it("e-mails one to the user, without credentials, and it sets a new password once", async () => {
    const mark = smtp.received.length;
    assert.deepEqual(await ok("POST", "/api/v3/users/zoe/temporary_password"), {});
    const email = await mailTo("zoe@example.com", "Your temporary password", mark);
    assert.equal(email.secure, certificate !== undefined, "over STARTTLS");
    assert.equal(email.user, "mailer", "after AUTH");
    assert.equal(email.from, "noreply@lns.example.com");
    assert.match(email.data, /\r\nSubject: Your temporary password\r\n/);
    const temporary = field(email, "Temporary password");

    const again = await call("POST", "/api/v3/users/zoe/temporary_password");
    assert.equal(again.status, 400);
    assert.match(again.json.message, /previous temporary password still valid/);
    assert.equal((await call("POST", "/api/v3/users/nobody/temporary_password")).status, 404);

    const wrong = await call("PUT", "/api/v3/users/zoe/password", undefined, {
      old: "not-it",
      new: "Brand-New-Horse9",
    });
    assert.equal(wrong.status, 401);
    const mailsBefore = smtp.received.length;
    await ok("PUT", "/api/v3/users/zoe/password", undefined, {
      old: temporary,
      new: "Brand-New-Horse9",
    });
    const changed = await mailTo("zoe@example.com", "Your password was changed", mailsBefore);
    assert.match(changed.data, /Subject: Your password was changed/);
    const reuse = await call("PUT", "/api/v3/users/zoe/password", undefined, {
      old: temporary,
      new: "Other-New-Horse9",
    });
    assert.equal(reuse.status, 401, "a temporary password works once");
    // The real password is never checked for anonymous callers.
    const anonymous = await call("PUT", "/api/v3/users/zoe/password", undefined, {
      old: "Brand-New-Horse9",
      new: "Other-New-Horse9",
    });
    assert.equal(anonymous.status, 401);
    await ok("PUT", "/api/v3/users/zoe/password", zoeKey, {
      old: "Brand-New-Horse9",
      new: password,
    });
  });
});

/** The Console's redirect URI, as `is-db init` registered it. */
async function consoleRedirect(): Promise<string> {
  const client = await ok("GET", "/api/v3/clients/console?field_mask=redirect_uris", adminKey);
  return client.redirect_uris[0] as string;
}

/** Signs in through the Console's client with the form fields; the browser holds the session. */
async function signIn(form: Record<string, string>): Promise<{ browser: Browser; status: number }> {
  const redirectUri = await consoleRedirect();
  const browser = new Browser(stack.httpUrl);
  const { challenge } = pkce();
  const query = new URLSearchParams({
    client_id: "console",
    response_type: "code",
    redirect_uri: redirectUri,
    scope: "openid",
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  let next = location(await browser.request(`/oauth/authorize?${query}`));
  for (let hops = 0; hops < 6 && !next.startsWith(redirectUri); hops++) {
    const response = next.startsWith("/oauth/login/")
      ? await browser.request(next, { form })
      : await browser.request(next);
    if (response.status !== 302 && response.status !== 303)
      return { browser, status: response.status };
    next = location(response);
  }
  assert.ok(new URL(next).searchParams.get("code"), `signed in: ${next}`);
  return { browser, status: 200 };
}

describe("login tokens", () => {
  it("e-mails a one-time token to anyone's request, which signs the user in once", async () => {
    const mark = smtp.received.length;
    assert.deepEqual(await ok("POST", "/api/v3/users/zoe/login-tokens"), {}, "no token answered");
    const token = field(await mailTo("zoe@example.com", "Your login token", mark), "Login token");

    const login = await call("GET", "/oauth/.well-known/openid-configuration");
    assert.equal(login.status, 200);
    const { status } = await signIn({ login_token: token });
    assert.equal(status, 200);
    const reused = await signIn({ login_token: token });
    assert.equal(reused.status, 401, "a login token works once");
  });

  it("answers the token to an admin (for a user who is not one), who may skip the e-mail", async () => {
    const mark = smtp.received.length;
    const created = await ok("POST", "/api/v3/users/zoe/login-tokens", adminKey, {
      skip_email: true,
    });
    assert.match(created.token, /^[A-Za-z0-9_-]{43}$/);
    const forAdmin = await ok("POST", "/api/v3/users/admin/login-tokens", adminKey, {
      skip_email: true,
    });
    assert.equal(forAdmin.token ?? "", "", "never an admin's token");
    await ok("GET", "/api/v3/auth_info", adminKey);
    assert.equal(
      smtp.received.slice(mark).filter((email) => email.to.includes("zoe@example.com")).length,
      0,
      "skipped",
    );
    const { status } = await signIn({ login_token: created.token });
    assert.equal(status, 200);
  });

  it("keeps at most five active tokens per user", async () => {
    assert.equal((await call("POST", "/api/v3/users/nobody-here/login-tokens")).status, 404);
    await ok("POST", "/api/v3/users", adminKey, {
      user: { ids: { user_id: "tokens" }, primary_email_address: "tokens@example.com", password },
    });
    const statuses: number[] = [];
    for (let index = 0; index < 6; index++)
      statuses.push((await call("POST", "/api/v3/users/tokens/login-tokens")).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.equal(statuses[5], 409);
  });
});

describe("user sessions", () => {
  it("lists the user's sign-in sessions and ends one, which signs that browser out", async () => {
    const { browser } = await signIn({ username: "zoe", password });
    const listed = await call("GET", "/api/v3/users/zoe/sessions?order=-created_at", zoeKey);
    assert.equal(listed.status, 200, JSON.stringify(listed.json));
    assert.ok(listed.json.sessions.length >= 1);
    assert.equal(listed.headers.get("x-total-count"), String(listed.json.sessions.length));
    const [session] = listed.json.sessions;
    assert.equal(session.user_ids.user_id, "zoe");
    assert.match(session.session_id, /^[A-Za-z0-9_-]+$/);
    assert.ok(session.created_at && session.expires_at);
    assert.equal(session.session_secret, undefined);
    const cookie = browser.jar.get("_session")?.value ?? "";
    assert.ok(cookie.length > 0);
    assert.ok(!JSON.stringify(listed.json).includes(cookie), "never the cookie's ID");

    assert.equal((await call("GET", "/api/v3/users/zoe/sessions", adminKey)).status, 403);
    for (const item of listed.json.sessions)
      await ok("DELETE", `/api/v3/users/zoe/sessions/${item.session_id}`, zoeKey);
    assert.equal((await ok("GET", "/api/v3/users/zoe/sessions", zoeKey)).sessions, undefined);
    assert.equal((await call("DELETE", "/api/v3/users/zoe/sessions/unknown", zoeKey)).status, 404);

    // The browser's session is gone: authorizing asks it to sign in again.
    const redirectUri = await consoleRedirect();
    const query = new URLSearchParams({
      client_id: "console",
      response_type: "code",
      redirect_uri: redirectUri,
      scope: "openid",
      code_challenge: pkce().challenge,
      code_challenge_method: "S256",
    });
    const next = location(await browser.request(`/oauth/authorize?${query}`));
    assert.match(next, /^\/oauth\/login\//);
  });
});

describe("invitations", () => {
  it("lets an admin invite an address, whose token registers one user", async () => {
    const mark = smtp.received.length;
    const sent = await ok("POST", "/api/v3/invitations", adminKey, {
      email: "New.User@example.com",
    });
    assert.equal(sent.email, "new.user@example.com");
    assert.match(sent.token, /^[A-Za-z0-9_-]{43}$/);
    const email = await mailTo("new.user@example.com", "You are invited to join Example LNS", mark);
    assert.equal(field(email, "Invitation token"), sent.token);

    const listed = await ok("GET", "/api/v3/invitations", adminKey);
    assert.equal(listed.invitations.length, 1);
    assert.equal(listed.invitations[0].token, undefined, "lists never show tokens");
    assert.equal(
      (await call("POST", "/api/v3/invitations", zoeKey, { email: "x@example.com" })).status,
      403,
    );
    assert.equal((await call("GET", "/api/v3/invitations", zoeKey)).status, 403);

    const register = (id: string, token: string) =>
      call("POST", "/api/v3/users", undefined, {
        user: {
          ids: { user_id: id },
          primary_email_address: "new.user@example.com",
          password,
          admin: true,
        },
        invitation_token: token,
      });
    assert.equal((await register("newbie", "not-a-token")).status, 404);
    const created = await register("newbie", sent.token);
    assert.equal(created.status, 200, JSON.stringify(created.json));
    const newbie = await ok(
      "GET",
      "/api/v3/users/newbie?field_mask=admin,state,primary_email_address_validated_at",
      adminKey,
    );
    assert.equal(newbie.admin ?? false, false, "a registering user cannot make itself admin");
    assert.equal(newbie.state, "STATE_APPROVED");
    assert.ok(newbie.primary_email_address_validated_at, "the invitation reached the address");
    assert.equal((await register("newbie-2", sent.token)).status, 400, "one user per invitation");
    const accepted = await ok("GET", "/api/v3/invitations", adminKey);
    assert.equal(accepted.invitations[0].accepted_by.user_id, "newbie");
    assert.equal(
      (await call("POST", "/api/v3/users", undefined, { user: { ids: { user_id: "x1" } } })).status,
      401,
    );

    await ok("DELETE", "/api/v3/invitations?email=new.user@example.com", adminKey);
    assert.equal(
      (await call("DELETE", "/api/v3/invitations?email=new.user@example.com", adminKey)).status,
      404,
    );
  });
});

describe("e-mail and contact info validation", () => {
  it("validates a user's primary address with the token of the e-mail, once", async () => {
    await ok("PUT", "/api/v3/users/zoe", zoeKey, {
      user: { primary_email_address: "zoe@new.example.com" },
      field_mask: { paths: ["primary_email_address"] },
    });
    const mark = smtp.received.length;
    const requested = await ok("POST", "/api/v3/email/validation", zoeKey, { user_id: "zoe" });
    assert.equal(requested.address, "zoe@new.example.com");
    assert.equal(requested.token, undefined, "the token only goes by e-mail");
    const email = await mailTo("zoe@new.example.com", "Please confirm your e-mail address", mark);
    const id = field(email, "Reference");
    const token = field(email, "Confirmation token");
    assert.equal(id, requested.id);

    const again = await call("POST", "/api/v3/email/validation", zoeKey, { user_id: "zoe" });
    assert.equal(again.status, 403, "once per retry interval");
    assert.equal(
      (await call("POST", "/api/v3/email/validation", adminKey, { user_id: "zoe" })).status,
      403,
    );
    assert.equal(
      (await call("PATCH", "/api/v3/email/validation", undefined, { id, token: "wrong" })).status,
      404,
    );
    await ok("PATCH", "/api/v3/email/validation", undefined, { id, token });
    const zoe = await ok(
      "GET",
      "/api/v3/users/zoe?field_mask=primary_email_address_validated_at",
      zoeKey,
    );
    assert.ok(zoe.primary_email_address_validated_at);
    assert.equal(
      (await call("PATCH", "/api/v3/email/validation", undefined, { id, token })).status,
      400,
    );
  });

  it("sends a validation to an application's contacts that are not validated", async () => {
    await ok("POST", "/api/v3/users/zoe/applications", zoeKey, {
      application: { ids: { application_id: "zoe-app" } },
    });
    await ok("PUT", "/api/v3/applications/zoe-app", zoeKey, {
      application: {
        administrative_contact: { user_ids: { user_id: "zoe" } },
        technical_contact: { user_ids: { user_id: "zoe" } },
      },
      field_mask: { paths: ["administrative_contact", "technical_contact"] },
    });
    await ok("PUT", "/api/v3/users/zoe", zoeKey, {
      user: { primary_email_address: "zoe@third.example.com" },
      field_mask: { paths: ["primary_email_address"] },
    });
    const mark = smtp.received.length;
    const requested = await ok("POST", "/api/v3/contact_info/validation", zoeKey, {
      application_ids: { application_id: "zoe-app" },
    });
    assert.deepEqual(
      requested.contact_info.map((info: Json) => [info.contact_method, info.value]),
      [
        ["CONTACT_METHOD_EMAIL", "zoe@third.example.com"],
        ["CONTACT_METHOD_EMAIL", "zoe@third.example.com"],
      ],
      "administrative and technical contact",
    );
    const email = await mailTo("zoe@third.example.com", "Please confirm your e-mail address", mark);
    const again = await call("POST", "/api/v3/contact_info/validation", zoeKey, {
      application_ids: { application_id: "zoe-app" },
    });
    assert.equal(again.status, 409);
    await ok("PATCH", "/api/v3/contact_info/validation", undefined, {
      id: field(email, "Reference"),
      token: field(email, "Confirmation token"),
    });
    const none = await call("POST", "/api/v3/contact_info/validation", zoeKey, {
      application_ids: { application_id: "zoe-app" },
    });
    assert.equal(none.status, 400);
    assert.match(none.json.message, /no validation needed/);
    assert.equal(
      (
        await call("POST", "/api/v3/contact_info/validation", zoeKey, {
          gateway_ids: { gateway_id: "nope-gw" },
        })
      ).status,
      403,
    );
  });
});

describe("notifications", () => {
  it("tells the administrative contact of an application about a new API key, and keeps its status", async () => {
    const key = await ok("POST", "/api/v3/applications/zoe-app/api-keys", zoeKey, {
      name: "for notifications",
      rights: ["RIGHT_APPLICATION_INFO"],
    });
    let listed: Json = {};
    // Notifications are made in the background, right after the change: wait for it.
    for (let attempt = 0; attempt < 100; attempt++) {
      listed = await ok("GET", "/api/v3/users/zoe/notifications", zoeKey);
      if (listed.notifications?.length) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const notification = listed.notifications?.find(
      (item: Json) => item.notification_type === "api_key_created",
    );
    assert.ok(notification, JSON.stringify(listed));
    assert.equal(notification.entity_ids.application_ids.application_id, "zoe-app");
    assert.equal(notification.data["@type"], "type.googleapis.com/ttn.lorawan.v3.APIKey");
    assert.equal(notification.data.id, key.id);
    assert.equal(notification.data.key, undefined, "never the secret");
    assert.deepEqual(notification.receivers, ["NOTIFICATION_RECEIVER_ADMINISTRATIVE_CONTACT"]);
    assert.equal(notification.status ?? "NOTIFICATION_STATUS_UNSEEN", "NOTIFICATION_STATUS_UNSEEN");
    assert.match(notification.id, /^[0-9a-f-]{36}$/);

    assert.equal(
      (await call("GET", "/api/v3/users/zoe/notifications", adminKey)).status,
      200,
      "admins read",
    );
    await ok("PATCH", "/api/v3/users/zoe/notifications", zoeKey, {
      ids: [notification.id],
      status: "NOTIFICATION_STATUS_SEEN",
    });
    const seen = await ok(
      "GET",
      "/api/v3/users/zoe/notifications?status=NOTIFICATION_STATUS_SEEN",
      zoeKey,
    );
    assert.deepEqual(
      seen.notifications.map((item: Json) => item.id),
      [notification.id],
    );
    assert.ok(seen.notifications[0].status_updated_at);
    const unseen = await call(
      "GET",
      "/api/v3/users/zoe/notifications?status=NOTIFICATION_STATUS_UNSEEN",
      zoeKey,
    );
    assert.equal(unseen.headers.get("x-total-count"), "0");
    const bad = await call("PATCH", "/api/v3/users/zoe/notifications", zoeKey, {
      ids: ["short"],
      status: "SEEN",
    });
    assert.equal(bad.status, 400);
  });
});

describe("bookmarks", () => {
  it("bookmarks entities that exist, lists them by kind, and deletes them", async () => {
    const created = await ok("POST", "/api/v3/users/zoe/bookmarks", zoeKey, {
      entity_ids: { application_ids: { application_id: "zoe-app" } },
    });
    assert.equal(created.user_ids.user_id, "zoe");
    assert.ok(created.created_at);
    await ok("POST", "/api/v3/users/zoe/bookmarks", zoeKey, {
      entity_ids: { user_ids: { user_id: "admin" } },
    });
    const duplicate = await call("POST", "/api/v3/users/zoe/bookmarks", zoeKey, {
      entity_ids: { application_ids: { application_id: "zoe-app" } },
    });
    assert.equal(duplicate.status, 409);
    const missing = await call("POST", "/api/v3/users/zoe/bookmarks", zoeKey, {
      entity_ids: { gateway_ids: { gateway_id: "no-such-gw" } },
    });
    assert.equal(missing.status, 404);
    const strangerKey = await cli(["is-db", "create-api-key", "--user-id", "tokens"]);
    const stranger = await call("POST", "/api/v3/users/zoe/bookmarks", strangerKey, {
      entity_ids: { user_ids: { user_id: "zoe" } },
    });
    assert.equal(stranger.status, 403);

    const all = await call("GET", "/api/v3/users/zoe/bookmarks", zoeKey);
    assert.equal(all.headers.get("x-total-count"), "2");
    const users = await ok("GET", "/api/v3/users/zoe/bookmarks?entity_types=user", zoeKey);
    assert.deepEqual(
      users.bookmarks.map((item: Json) => item.entity_ids.user_ids.user_id),
      ["admin"],
    );

    await ok("DELETE", "/api/v3/users/zoe/bookmarks/applications/zoe-app", zoeKey);
    assert.equal(
      (await call("DELETE", "/api/v3/users/zoe/bookmarks/applications/zoe-app", zoeKey)).status,
      404,
    );
    // BatchDelete takes its entities in the body over Connect (TTS's REST route has no body).
    const response = await fetch(
      `${stack.httpUrl}/ttn.lorawan.v3.UserBookmarkRegistry/BatchDelete`,
      {
        method: "POST",
        headers: { authorization: `Bearer ${zoeKey}`, "content-type": "application/json" },
        body: JSON.stringify({
          userIds: { userId: "zoe" },
          entityIds: [
            { userIds: { userId: "admin" } },
            { gatewayIds: { gatewayId: "not-bookmarked" } },
          ],
        }),
      },
    );
    assert.equal(response.status, 200, await response.text());
    assert.equal((await ok("GET", "/api/v3/users/zoe/bookmarks", zoeKey)).bookmarks, undefined);
  });
});

describe("without an SMTP server", () => {
  it("writes each e-mail to the log at info level, and the secret in no other line", async () => {
    const folder = await mkdtemp(join(tmpdir(), "lorastack-e2e-user-features-log-"));
    const run = (args: string[]) => runLorastack(args, { dataDir: folder });
    assert.equal(
      (
        await run([
          "is-db",
          "create-admin-user",
          "--id",
          "admin",
          "--email",
          "admin@example.com",
          "--password",
          password,
        ])
      ).code,
      0,
    );
    const logged = await startLorastack({
      dataDir: folder,
      env: { LORASTACK_LOGIN_TOKENS_ENABLED: "true" },
    });
    try {
      const response = await fetch(`${logged.httpUrl}/api/v3/users/admin/temporary_password`, {
        method: "POST",
      });
      assert.equal(response.status, 200, await response.text());
      let line: Json | undefined;
      for (let attempt = 0; attempt < 100 && !line; attempt++) {
        line = logged.logs.find(
          (entry) => (entry as Json).email?.template === "temporary_password",
        );
        if (!line) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(line, "an e-mail line in the log");
      assert.equal(line.level, 30, "info");
      assert.match(line.msg, /no SMTP server configured/);
      assert.equal(line.email.to, "admin@example.com");
      const secret = /Temporary password: (\S+)/.exec(line.email.text)?.[1] ?? "";
      assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
      const others = logged.logs.filter(
        (entry) => entry !== line && JSON.stringify(entry).includes(secret),
      );
      assert.deepEqual(others, []);
      // The password it gives works, once.
      const changed = await fetch(`${logged.httpUrl}/api/v3/users/admin/password`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ old: secret, new: "Brand-New-Horse9" }),
      });
      assert.equal(changed.status, 200, await changed.text());
    } finally {
      await logged.stop();
      await rm(folder, { recursive: true, force: true });
    }
  });
});
