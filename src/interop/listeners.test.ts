import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TlsOptions } from "node:tls";
import { pino } from "pino";
import { Registry } from "prom-client";
import {
  type InteropCertificates,
  makeInteropCertificates,
} from "../../test/harness/interop-certificates.ts";
import type { ComponentContext } from "../components/component.ts";
import { loadConfig } from "../config/index.ts";
import { programConfig } from "../program/config.ts";
import { createInteropEndpoint } from "./listeners.ts";

let certificates: InteropCertificates | undefined;

before(async () => {
  certificates = await makeInteropCertificates();
  await certificates?.sender("000013");
});
after(() => certificates?.remove());

/** A component context with only what the endpoint uses; `opened` records the listeners. */
function context(env: Record<string, string>, tls: boolean) {
  const opened: { name: string; address: string; tls?: TlsOptions }[] = [];
  const { config } = loadConfig(programConfig, { cwd: "/nonexistent", env });
  const partial = {
    config,
    logger: pino({ level: "silent" }),
    metrics: new Registry(),
    tls: tls ? { cert: "certificate", key: "key" } : undefined,
    listen: {
      async http(name: string, address: string, _handler: unknown, options?: TlsOptions) {
        opened.push({ name, address, ...(options ? { tls: options } : {}) });
      },
    },
  };
  return { context: partial as unknown as ComponentContext, opened };
}

describe("createInteropEndpoint", () => {
  it("opens the plain and the TLS listener, asking for client certificates of the senders' CAs", async (t) => {
    if (!certificates) return t.skip("openssl is not available");
    const { context: ctx, opened } = context(
      {
        LORASTACK_INTEROP_LISTEN: "127.0.0.1:0",
        LORASTACK_INTEROP_LISTEN_TLS: "127.0.0.1:0",
        LORASTACK_INTEROP_SENDER_CLIENT_CA_DIRECTORY: certificates.caDirectory,
      },
      true,
    );
    await createInteropEndpoint(ctx).open();
    assert.deepEqual(
      opened.map((entry) => entry.name),
      ["interop", "interop (tls)"],
    );
    const tls = opened[1]?.tls;
    assert.equal(tls?.requestCert, true);
    assert.equal(tls?.rejectUnauthorized, false);
    assert.equal(tls?.cert, "certificate");
    assert.equal((tls?.ca as string[] | undefined)?.length, 1);
  });

  it("opens no TLS listener without the process's certificate", async () => {
    const { context: ctx, opened } = context({ LORASTACK_INTEROP_LISTEN: "127.0.0.1:0" }, false);
    await createInteropEndpoint(ctx).open();
    assert.deepEqual(
      opened.map((entry) => entry.name),
      ["interop"],
    );
  });

  it("fails at start on a sender CA folder it cannot read", () => {
    const { context: ctx } = context(
      { LORASTACK_INTEROP_SENDER_CLIENT_CA_DIRECTORY: "/nonexistent/senders" },
      false,
    );
    assert.throws(
      () => createInteropEndpoint(ctx),
      /sender client CAs in `\/nonexistent\/senders`/,
    );
  });
});
