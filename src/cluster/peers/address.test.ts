import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatHostPort, parsePeerAddress } from "./address.ts";
import { errInvalidPeerAddress } from "./errors.ts";

describe("peer addresses", () => {
  it("dials host:port and [ipv6]:port directly and looks bare domains up with SRV", () => {
    assert.deepEqual(parsePeerAddress("is.example.com:8884"), {
      kind: "direct",
      host: "is.example.com",
      port: 8884,
    });
    assert.deepEqual(parsePeerAddress(" 10.0.0.7:1884 "), {
      kind: "direct",
      host: "10.0.0.7",
      port: 1884,
    });
    assert.deepEqual(parsePeerAddress("[::1]:1884"), { kind: "direct", host: "::1", port: 1884 });
    assert.deepEqual(parsePeerAddress("example.com"), { kind: "srv", domain: "example.com" });
    assert.deepEqual(parsePeerAddress("example.com."), { kind: "srv", domain: "example.com" });
  });

  it("refuses what is no address", () => {
    for (const bad of [
      "",
      "10.0.0.7",
      "::1",
      "host:0",
      "host:65536",
      "host:port",
      "http://host:1884",
      "[not-ip]:1884",
      "a..b",
      "-bad.example.com",
      "host:1884/path",
    ]) {
      assert.throws(
        () => parsePeerAddress(bad),
        (error: unknown) => errInvalidPeerAddress.matches(error),
        bad,
      );
    }
  });

  it("formats host and port as a connection key", () => {
    assert.equal(formatHostPort("::1", 1884), "[::1]:1884");
    assert.equal(formatHostPort("ns.example.com", 8884), "ns.example.com:8884");
  });
});
