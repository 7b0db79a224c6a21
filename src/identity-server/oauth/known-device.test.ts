import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type KnownDeviceOptions, knownDevice, knownDeviceCookie } from "./known-device.ts";

describe("known-device cookie", () => {
  let now = new Date("2026-06-01T00:00:00Z");
  const options: KnownDeviceOptions = {
    keys: ["the-first-cookie-key", "an-older-cookie-key"],
    path: "/oauth/login",
    secure: true,
    now: () => now,
  };
  const header = (setCookie: string) => setCookie.split(";")[0] ?? "";

  it("is signed for one account and read back with its device id", () => {
    const setCookie = knownDeviceCookie(options, "alice", "device-1");
    assert.match(
      setCookie,
      /^lorastack_known_device=[^;]+; Path=\/oauth\/login; Max-Age=\d+; HttpOnly; SameSite=Strict; Secure$/,
    );
    const cookie = `other=1; ${header(setCookie)}`;
    assert.equal(knownDevice(options, cookie, "alice"), "device-1");
    assert.equal(knownDevice(options, cookie, "bob"), undefined, "another account");
    assert.equal(knownDevice(options, undefined, "alice"), undefined);
    assert.ok(!knownDeviceCookie({ ...options, secure: false }, "alice").includes("Secure"));
    assert.notEqual(
      knownDevice(options, header(knownDeviceCookie(options, "alice")), "alice"),
      knownDevice(options, header(knownDeviceCookie(options, "alice")), "alice"),
      "new devices get new ids",
    );
  });

  it("refuses forged, tampered and expired cookies, and verifies with any key", () => {
    const cookie = header(knownDeviceCookie(options, "alice", "device-1"));
    const [name, value = ""] = cookie.split("=");
    const [body = "", signature = ""] = value.split(".");
    const forgedBody = Buffer.from(
      JSON.stringify({ a: "alice", d: "mine", e: 9_999_999_999 }),
    ).toString("base64url");
    for (const bad of [
      `${name}=${forgedBody}.${signature}`,
      `${name}=${body}.${signature.slice(1)}`,
      `${name}=${body}`,
      `${name}=.`,
      `${name}=${"x".repeat(2000)}`,
      header(knownDeviceCookie({ ...options, keys: ["someone-elses-key"] }, "alice")),
    ])
      assert.equal(knownDevice(options, bad, "alice"), undefined, bad);
    const rotated = { ...options, keys: ["a-new-cookie-key", "the-first-cookie-key"] };
    assert.equal(knownDevice(rotated, cookie, "alice"), "device-1");
    now = new Date(now.getTime() + 91 * 24 * 60 * 60 * 1000);
    assert.equal(knownDevice(options, cookie, "alice"), undefined, "expired");
  });
});
