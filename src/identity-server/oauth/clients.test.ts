import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Client } from "../store/index.ts";
import {
  clientMetadata,
  loopbackCallback,
  loopbackRedirectAllowed,
  resolveRedirectUri,
} from "./clients.ts";

const issuer = "https://lora.example.com/oauth";

describe("OAuth client redirect URIs", () => {
  it("resolves The Things Stack's relative CLI redirect URIs and drops other relative ones", () => {
    assert.equal(resolveRedirectUri("local-callback", issuer), loopbackCallback);
    assert.equal(resolveRedirectUri("code", `${issuer}/`), `${issuer}/code`);
    assert.equal(resolveRedirectUri("/console/oauth/callback", issuer), undefined);
    assert.equal(resolveRedirectUri("https://a.example/cb", issuer), "https://a.example/cb");
  });

  it("gives the CLI client both redirect URIs, public and with PKCE's grants", () => {
    const client = {
      clientId: "cli",
      redirectUris: ["local-callback", "code", "local-callback"],
      grants: ["GRANT_AUTHORIZATION_CODE", "GRANT_REFRESH_TOKEN"],
    } as Client;
    const metadata = clientMetadata(client, issuer);
    assert.deepEqual(metadata?.redirect_uris, [loopbackCallback, `${issuer}/code`]);
    assert.equal(metadata?.token_endpoint_auth_method, "none");
    assert.deepEqual(metadata?.grant_types, ["authorization_code", "refresh_token"]);
  });

  it("admits a registered loopback IP redirect on any port, and nothing else (RFC 8252 7.3)", () => {
    const registered = [loopbackCallback, "http://[::1]/cb", "http://127.0.0.1:8080/fixed"];
    const table: [string, boolean][] = [
      ["http://127.0.0.1:53117/oauth/callback", true],
      ["http://127.0.0.1:1/oauth/callback", true],
      ["http://[::1]:4000/cb", true],
      ["http://127.0.0.1/oauth/callback", false], // no port: oidc-provider's exact match decides
      ["http://127.0.0.1:53117/oauth/callback/more", false],
      ["http://127.0.0.1:53117/oauth/callback?x=1", false],
      ["http://127.0.0.1:53117/oauth/callback#f", false],
      ["http://user@127.0.0.1:53117/oauth/callback", false],
      ["https://127.0.0.1:53117/oauth/callback", false],
      ["http://localhost:53117/oauth/callback", false],
      ["http://127.0.0.2:53117/oauth/callback", false],
      ["http://evil.example:53117/oauth/callback", false],
      ["http://127.0.0.1:9090/fixed", false], // registered with a port: that port only
      ["not a url", false],
    ];
    for (const [value, allowed] of table)
      assert.equal(loopbackRedirectAllowed(value, registered), allowed, value);
    assert.equal(loopbackRedirectAllowed("http://127.0.0.1:5/oauth/callback", []), false);
  });
});
