/**
 * `lorastack start is gs` with a test-only frontend, for the Gateway Server's end-to-end tests
 * before the real frontends exist: the real runtime and components, and on the HTTP port
 * `POST /test/gs/connect` (`{eui}`: a gateway connects as a UDP forwarder would),
 * `POST /test/gs/uplink` (`{gateway_id, raw_payload, timestamp}`: an uplink, base64 payload)
 * and `GET /test/gs/downlinks?gateway_id=` (the downlinks the frontend was handed). Only for
 * tests. Run as `node test/e2e/gateway-server-process.ts`; stops on SIGINT/SIGTERM.
 */
import { create } from "@bufbuild/protobuf";
import { messageToJson } from "../../src/api/rest/json.ts";
import { defineComponent } from "../../src/components/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { gatewayServerConfig } from "../../src/gateway-server/config.ts";
import type { Connection } from "../../src/gateway-server/connections/connection.ts";
import {
  createGatewayServer,
  type FrontendFactory,
} from "../../src/gateway-server/gateway-server.ts";
import {
  type DownlinkMessage,
  DownlinkMessageSchema,
  UplinkMessageSchema,
} from "../../src/gen/ttn/lorawan/v3/messages_pb.js";
import { createLogger } from "../../src/log/logger.ts";
import { componentCatalog } from "../../src/program/catalog.ts";
import { programConfig } from "../../src/program/config.ts";
import { startRuntime } from "../../src/runtime/runtime.ts";

const fakeFrontend: FrontendFactory = ({ connections, context }) => {
  const connected = new Map<string, Connection>();
  const downlinks = new Map<string, DownlinkMessage[]>();
  context.http.post("/test/gs/connect", async (request, reply) => {
    const { eui } = request.body as { eui: string };
    const sent: DownlinkMessage[] = [];
    const result = await connections.connect(
      { eui: Uint8Array.from(Buffer.from(eui, "hex")) },
      {
        protocol: "udp",
        remoteAddress: "127.0.0.1",
        authenticated: false,
        sink: { send: async (downlink) => void sent.push(downlink), close: () => {} },
      },
    );
    if (!result.ok) {
      reply.code(result.error.httpStatus);
      return { reason: result.reason, name: result.error.definition.name };
    }
    connected.set(result.connection.gatewayId, result.connection);
    downlinks.set(result.connection.gatewayId, sent);
    return { gateway_id: result.connection.gatewayId };
  });
  context.http.post("/test/gs/uplink", async (request, reply) => {
    const body = request.body as { gateway_id: string; raw_payload: string; timestamp: number };
    const connection = connected.get(body.gateway_id);
    if (!connection) return reply.code(404).send({});
    const handled = await connection.handleUplink(
      create(UplinkMessageSchema, {
        rawPayload: Buffer.from(body.raw_payload, "base64"),
        settings: {
          frequency: 868_100_000n,
          dataRate: {
            modulation: { case: "lora", value: { bandwidth: 125_000, spreadingFactor: 7 } },
          },
        },
        rxMetadata: [{ timestamp: body.timestamp, rssi: -42, channelRssi: -42, snr: 9 }],
      }),
      { clock: { timestamp: body.timestamp } },
    );
    return { handled };
  });
  context.http.get("/test/gs/downlinks", async (request) => {
    const { gateway_id } = request.query as { gateway_id: string };
    return {
      downlinks: (downlinks.get(gateway_id) ?? []).map((downlink) =>
        messageToJson(DownlinkMessageSchema, downlink),
      ),
    };
  });
  return { start: async () => {}, stop: async () => {} };
};

const identityServer = componentCatalog.find((definition) => definition.name === "is");
if (!identityServer) throw new Error("no Identity Server in the catalog");
const gatewayServer = defineComponent({
  name: "gs",
  title: "Gateway Server (with a test frontend)",
  aliases: [],
  config: gatewayServerConfig,
  create: (context) => createGatewayServer(context, [fakeFrontend]),
});

const { config } = loadConfig(programConfig, { env: process.env });
const logger = createLogger(config.log);
const runtime = await startRuntime({ config, logger, components: [identityServer, gatewayServer] });
const stop = () => {
  runtime.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
