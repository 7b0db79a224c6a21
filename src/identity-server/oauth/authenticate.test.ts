import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { authenticate } from "../../auth/authenticate.ts";
import type { AccessLookup } from "../../auth/caller.ts";
import { errTokenExpired, errUnknownToken } from "../../auth/errors.ts";

// The API's bearer authentication with the optional OAuth access token hook (src/auth).
describe("authenticate with OAuth access tokens", () => {
  const base: AccessLookup = {
    apiKey: async () => undefined,
    user: async () => ({ admin: false }),
    membershipRights: async () => new Set(),
  };
  const now = new Date("2026-06-01T00:00:00Z");
  const lookup: AccessLookup = {
    ...base,
    accessToken: async (token) =>
      token === "good"
        ? {
            userId: "alice",
            rights: ["RIGHT_USER_INFO"],
            expiresAt: new Date("2026-06-01T01:00:00Z"),
          }
        : token === "old"
          ? { userId: "alice", rights: [], expiresAt: new Date("2026-05-01T00:00:00Z") }
          : undefined,
  };

  it("makes a user caller via oauth with the token's rights", async () => {
    const caller = await authenticate("Bearer good", lookup, now);
    assert.deepEqual(caller, {
      kind: "user",
      userId: "alice",
      rights: new Set(["RIGHT_USER_INFO"]),
      via: "oauth",
    });
  });

  it("refuses unknown and expired tokens, and every token without the hook", async () => {
    await assert.rejects(authenticate("Bearer other", lookup, now), (e: unknown) =>
      errUnknownToken.matches(e),
    );
    await assert.rejects(authenticate("Bearer old", lookup, now), (e: unknown) =>
      errTokenExpired.matches(e),
    );
    await assert.rejects(authenticate("Bearer good", base, now), (e: unknown) =>
      errUnknownToken.matches(e),
    );
  });
});
