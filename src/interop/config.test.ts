import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadConfig } from "../config/index.ts";
import { programConfig } from "../program/config.ts";

const load = (env: Record<string, string>) =>
  loadConfig(programConfig, { cwd: "/nonexistent", env }).config as unknown as {
    interop: {
      listen: string;
      listen_tls: string;
      sender_client_ca: { directory: string };
      join_servers: { url: string; join_euis: string[]; protocol_version: string }[];
    };
  };

describe("interop configuration", () => {
  it("defaults to the port table and no senders or Join Servers", () => {
    const { interop } = load({});
    assert.equal(interop.listen, ":1886");
    assert.equal(interop.listen_tls, ":8886");
    assert.equal(interop.sender_client_ca.directory, "");
    assert.deepEqual(interop.join_servers, []);
  });

  it("reads the sender CA folder and Join Servers from the environment", () => {
    const { interop } = load({
      LORASTACK_INTEROP_SENDER_CLIENT_CA_DIRECTORY: "/etc/lorastack/senders",
      LORASTACK_INTEROP_JOIN_SERVERS: JSON.stringify([
        { join_euis: ["70B3D57ED0000000/32"], url: "https://js.example", sender_id: "000013" },
      ]),
    });
    assert.equal(interop.sender_client_ca.directory, "/etc/lorastack/senders");
    assert.equal(interop.join_servers[0]?.url, "https://js.example");
    assert.equal(interop.join_servers[0]?.protocol_version, "1.1");
  });

  it("names a bad Join Server entry", () => {
    assert.throws(
      () =>
        load({
          LORASTACK_INTEROP_JOIN_SERVERS: JSON.stringify([
            { join_euis: ["70B3D57ED0000000/65"], url: "https://js.example", sender_id: "000013" },
          ]),
        }),
      /interop\.join_servers/,
    );
    assert.throws(() => load({ LORASTACK_INTEROP_JOIN_SERVERS: "[oops" }), /JSON list/);
  });
});
