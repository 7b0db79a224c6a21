import assert from "node:assert/strict";
import { createServer } from "node:net";
import { describe, it } from "node:test";
import { createApiClient } from "./api-client.ts";
import { errApi, errUnexpectedAnswer, errUnreachable } from "./errors.ts";

/** A fetch that answers `status` with `body` and records the request. */
function answering(status: number, body: string, headers: Record<string, string> = {}) {
  const seen: { url: string; init: RequestInit }[] = [];
  const fake = (async (url: string, init: RequestInit) => {
    seen.push({ url, init });
    return new Response(body, { status, headers });
  }) as unknown as typeof fetch;
  return { fake, seen };
}

describe("API client", () => {
  it("sends the bearer token, the query and JSON body; reads JSON and x-total-count", async () => {
    const { fake, seen } = answering(200, '{"applications":[]}', { "x-total-count": "7" });
    const client = createApiClient({ server: "http://s:1885", token: "K", fetch: fake });
    const answer = await client.call("GET", "/applications", {
      query: { field_mask: ["name", "description"], limit: 2, deleted: undefined },
    });
    assert.deepEqual(answer, { json: { applications: [] }, totalCount: 7 });
    assert.equal(
      seen[0]?.url,
      "http://s:1885/api/v3/applications?field_mask=name%2Cdescription&limit=2",
    );
    const headers = seen[0]?.init.headers as Record<string, string> | undefined;
    assert.equal(headers?.authorization, "Bearer K");
  });

  it("turns TTS error JSON into the API's message, name and correlation id", async () => {
    const body = {
      code: 5,
      message: "error:identity-server:application_not_found (application `x` not found)",
      details: [
        { namespace: "identity-server", name: "application_not_found", correlation_id: "abc123" },
      ],
    };
    const { fake } = answering(404, JSON.stringify(body));
    const client = createApiClient({ server: "http://s", fetch: fake });
    await assert.rejects(client.call("GET", "/applications/x"), (error: Error) => {
      assert.ok(errApi.matches(error));
      assert.equal(
        error.message,
        `${body.message}\n  error: identity-server:application_not_found\n  correlation id: abc123`,
      );
      return true;
    });
  });

  it("names answers that are not TTS's JSON, and servers that do not answer", async () => {
    const { fake } = answering(502, "<html>bad gateway</html>");
    await assert.rejects(
      createApiClient({ server: "http://s", fetch: fake }).call("GET", "/x"),
      (e) => errUnexpectedAnswer.matches(e),
    );
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as { port: number };
    await new Promise((done) => server.close(done));
    const client = createApiClient({ server: `http://127.0.0.1:${port}` });
    await assert.rejects(client.call("GET", "/auth_info"), (e: Error) => {
      assert.ok(errUnreachable.matches(e));
      assert.match(e.message, /ECONNREFUSED/);
      return true;
    });
  });
});
