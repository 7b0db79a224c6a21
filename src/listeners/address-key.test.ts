import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { addressKey } from "./address-key.ts";

describe("addressKey", () => {
  it("keeps IPv4 addresses, also IPv4-mapped ones, and groups IPv6 by /64", () => {
    const cases: [string | undefined, string][] = [
      ["192.0.2.1", "192.0.2.1"],
      ["::ffff:192.0.2.1", "192.0.2.1"],
      ["::FFFF:192.0.2.1", "192.0.2.1"],
      ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
      ["2001:0db8:0001:0002::ffff", "2001:db8:1:2::/64"],
      ["2001:db8::1", "2001:db8:0:0::/64"],
      ["2001:db8::", "2001:db8:0:0::/64"],
      ["::1", "0:0:0:0::/64"],
      ["fe80::1%eth0", "fe80:0:0:0::/64"],
      ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
      ["not an address", "unknown"],
      ["", "unknown"],
      [undefined, "unknown"],
    ];
    for (const [address, key] of cases) assert.equal(addressKey(address), key, String(address));
  });
});
