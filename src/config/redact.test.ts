import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redactConfig, redactUri } from "./redact.ts";
import { secretKeys } from "./schema.ts";

describe("redactUri", () => {
  const cases: [string, string][] = [
    ["postgres://lora:pa55@db:5432/lorastack", "postgres://lora:***@db:5432/lorastack"],
    ["redis://:r3dis@cache:6379/0", "redis://:***@cache:6379/0"],
    // A password with characters a URI must escape, as operators write them anyway.
    ["postgres://u:pa/ss@db/lorastack", "postgres://u:***@db/lorastack"],
    ["postgres://u:p@ss@db:5432/x", "postgres://u:***@db:5432/x"],
    ["postgres://u:p#ss?w@[::1]:5432/x", "postgres://u:***@[::1]:5432/x"],
    ["postgres://u:pa:ss@db", "postgres://u:***@db"],
    // Secrets in the query.
    [
      "postgres://db/lorastack?user=lora&password=s3cret&sslmode=require",
      "postgres://db/lorastack?user=lora&password=***&sslmode=require",
    ],
    [
      "postgresql://db/x?sslpassword=k3y&application_name=ls",
      "postgresql://db/x?sslpassword=***&application_name=ls",
    ],
    ["rediss://cache:6380?password=r3dis&db=2", "rediss://cache:6380?password=***&db=2"],
    ["redis://u:p@cache?token=t0k", "redis://u:***@cache?token=***"],
    // Nothing secret: unchanged.
    ["postgres://lora@db/lorastack", "postgres://lora@db/lorastack"],
    [
      "postgres://db:5432/lorastack?sslmode=require",
      "postgres://db:5432/lorastack?sslmode=require",
    ],
    ["sqlite:/var/lib/lorastack/lorastack.db", "sqlite:/var/lib/lorastack/lorastack.db"],
  ];
  for (const [uri, expected] of cases) {
    it(`prints ${expected}`, () => {
      assert.equal(redactUri(uri), expected);
    });
  }

  it("never prints a password, whatever the URI looks like", () => {
    const secret = "Zq9";
    const shapes = [
      `postgres://u:${secret}@db`,
      `postgres://u:a/${secret}@db/x`,
      `postgres://u:${secret}@x@db`,
      `postgres://u:${secret}?@db`,
      `postgres://u:${secret}#@db/x?y=z`,
      `postgres://db/x?password=${secret}`,
      `postgres://db/x?a=b&PassWord=${secret}`,
      `postgres://u:${secret}@db/x?email=a@b.example`,
    ];
    for (const uri of shapes) assert.doesNotMatch(redactUri(uri), new RegExp(secret), uri);
  });
});

describe("redactConfig", () => {
  it("redacts the database and Redis URIs with redactUri", () => {
    const config = {
      database: { uri: "postgres://u:pa/ss@db/x?password=pw" },
      redis: { uri: "redis://h:6379?password=rp" },
    };
    const redacted = redactConfig(config, secretKeys) as typeof config;
    assert.equal(redacted.database.uri, "postgres://u:***@db/x?password=***");
    assert.equal(redacted.redis.uri, "redis://h:6379?password=***");
    assert.equal(config.database.uri, "postgres://u:pa/ss@db/x?password=pw", "not changed");
  });
});
