import assert from "node:assert/strict";
import { once } from "node:events";
import { connect as connectTcp } from "node:net";
import { after, before, describe, it } from "node:test";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import {
  makeTestCertificate,
  type TestCertificate,
} from "../../../test/harness/tls-certificate.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { ConnectionLimiter } from "../../listeners/connection-limiter.ts";
import { ListenerRegistry } from "../../listeners/registry.ts";
import { ScopedListeners } from "../../listeners/scoped-listeners.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import { type ApplicationMqttServer, createApplicationMqttServer } from "./server.ts";

const key = "NNSXS.TLSKEYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.SECRET";
const rights: RightsFetcher = {
  authInfo: () => Promise.reject(new Error("not used")),
  rightsOn: async (authorization) =>
    new Set(authorization === `Bearer ${key}` ? ["RIGHT_APPLICATION_TRAFFIC_READ" as const] : []),
};
const queue: ApplicationDownlinkQueue = {
  push: async () => {},
  replace: async () => {},
  list: async () => [],
};

describe("application MQTT server: TLS and connection caps", () => {
  const logger = pino({ level: "silent" });
  let certificate: TestCertificate | undefined;
  let server: ApplicationMqttServer;
  const ports: Record<string, number> = {};

  before(async () => {
    certificate = await makeTestCertificate();
    server = createApplicationMqttServer({
      rights,
      downlinks: queue,
      listen: new ScopedListeners(
        new ListenerRegistry({ logger, closeTimeoutMs: 1000 }),
        "as",
        logger,
      ),
      address: "127.0.0.1:0",
      tlsAddress: "127.0.0.1:0",
      tls: certificate && { cert: certificate.certificate, key: certificate.key },
      logger,
      limiter: new ConnectionLimiter({ maxPerAddress: 2, maxTotal: 0 }),
    });
    for (const bound of await server.start())
      ports[bound.name] = Number(bound.address.split(":").pop());
  });

  after(async () => {
    await server.stop();
    await certificate?.remove();
  });

  it("serves MQTT over TLS on mqtt.listen_tls", { timeout: 10_000 }, async (t) => {
    if (!certificate) return t.skip("openssl is not installed");
    const client = mqtt.connect(`mqtts://127.0.0.1:${ports["mqtt (tls)"]}`, {
      username: "app1",
      password: key,
      ca: certificate.certificate,
      reconnectPeriod: 0,
    });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("error", reject);
    });
    client.end(true);
  });

  it("refuses connections past the cap of one address", { timeout: 10_000 }, async () => {
    const held: MqttClient[] = [];
    for (let i = 0; i < 2; i++) {
      const client = mqtt.connect(`mqtt://127.0.0.1:${ports.mqtt}`, {
        username: "app1",
        password: key,
        reconnectPeriod: 0,
      });
      held.push(client);
      await new Promise<void>((resolve) => client.once("connect", () => resolve()));
    }
    const refused = connectTcp(ports.mqtt ?? 0, "127.0.0.1");
    refused.on("error", () => {});
    await once(refused, "close");
    assert.equal(server.connectedClients, 2);
    for (const client of held) client.end(true);
  });
});
