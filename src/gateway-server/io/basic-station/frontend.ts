/**
 * The LoRa Basics Station LNS frontend: websocket listeners on `basic_station.listen`
 * (1887) and `listen_tls` (8887, with the process's TLS material), answering discovery on
 * `/router-info` and serving station traffic on `/traffic/<id>`.
 */
import type { IncomingMessage } from "node:http";
import type { TlsOptions } from "node:tls";
import type { WebSocket, WebSocketServer } from "ws";
import {
  encodeRouterInfoError,
  encodeRouterInfoResponse,
  parseRouterInfoRequest,
  parseTrafficPath,
  TRAFFIC_PATH_PREFIX,
} from "../../../gateway-protocols/basic-station/index.ts";
import type { Listen } from "../../../listeners/index.ts";
import type { Logger } from "../../../log/logger.ts";
import type { FrequencyPlan } from "../../../lorawan/frequency-plans/index.ts";
import type { GatewayServerSettings } from "../../config.ts";
import type { Connections } from "../../connections/connections.ts";
import type { GatewayRegistry } from "../../connections/gateway-registry.ts";
import { errGatewayEuiNotFound, errGatewayNotFound } from "../../errors.ts";
import type { Frontend } from "../../gateway-server.ts";
import { LogLimiter } from "../../log-limiter.ts";
import type { DropCounter } from "./drops.ts";
import { errInvalidGatewayId } from "./errors.ts";
import { closeReason, type StationEnvironment, StationSession } from "./session.ts";

export interface BasicStationFrontendOptions {
  connections: Connections;
  /** `gs.basic_station.*` with the listen addresses of `basic_station.*`. */
  settings: GatewayServerSettings["basic_station"] & { listen: string; listen_tls: string };
  /**
   * Where discovery and stations with credentials look gateways up first (cached: a flood of
   * unknown EUIs costs a cache hit).
   */
  registry: GatewayRegistry;
  frequencyPlans: { find(id: string): FrequencyPlan | undefined };
  listen: Listen;
  /** TLS material for `listen_tls`; without it only the plain listener opens. */
  tls: TlsOptions | undefined;
  logger: Logger;
  drops: DropCounter;
  /** One log line per gateway and drop reason per this interval. */
  logIntervalMs: number;
  now?: () => number;
  /** The Gateway Server's monotonic clock (µs); default `performance.now()`. */
  monotonicUs?: () => number;
}

/** Station's frames are a few hundred bytes; anything near this is not station's. */
const maxFrameBytes = 64 * 1024;
/** A discovery socket that says nothing is closed after this long. */
const discoveryTimeoutMs = 30_000;
/** `host[:port]` as a Host header may carry it (no path, no user info, no spaces). */
const hostPattern = /^[A-Za-z0-9.\-_:[\]%]{1,255}$/;

function pathOf(request: IncomingMessage): string {
  const url = request.url ?? "/";
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

function remoteAddressOf(request: IncomingMessage): string | undefined {
  const address = request.socket.remoteAddress;
  return address?.startsWith("::ffff:") ? address.slice(7) : address;
}

/** The Basics Station frontend over the Gateway Server's connections. */
export function createBasicStationFrontend(options: BasicStationFrontendOptions): Frontend {
  const { settings, logger, drops } = options;
  const now = options.now ?? Date.now;
  const logLimiter = new LogLimiter(options.logIntervalMs);
  const env: StationEnvironment = {
    connections: options.connections,
    allowUnauthenticated: settings.allow_unauthenticated,
    pingIntervalMs: settings.ws_ping_interval,
    missedPongThreshold: settings.missed_pong_threshold,
    timeSyncIntervalMs: settings.time_sync_interval,
    frequencyPlans: options.frequencyPlans,
    registry: options.registry,
    logger,
    drops,
    logLimiter,
    now,
    monotonicUs: options.monotonicUs ?? (() => performance.now() * 1000),
    scheduleLateMs: settings.schedule_late_time,
  };
  const servers: WebSocketServer[] = [];

  async function discover(ws: WebSocket, request: IncomingMessage, scheme: "ws" | "wss") {
    const timer = setTimeout(() => ws.terminate(), discoveryTimeoutMs);
    timer.unref();
    ws.on("error", () => {});
    ws.on("close", () => clearTimeout(timer));
    ws.once("message", async (data, isBinary) => {
      const answer = (text: string) => {
        if (ws.readyState === ws.OPEN) ws.send(text, () => ws.close(1000));
      };
      const parsed = isBinary ? undefined : parseRouterInfoRequest(String(data));
      if (parsed === undefined || !parsed.ok) {
        drops.inc({ reason: "basic_station_router_info" });
        return answer(encodeRouterInfoError("invalid router-info request: expected a station id"));
      }
      const host = request.headers.host;
      if (host === undefined || !hostPattern.test(host))
        return answer(encodeRouterInfoError("invalid Host header", parsed.eui));
      try {
        await options.registry.byEui(parsed.eui);
      } catch (error) {
        const unknown = errGatewayEuiNotFound.matches(error) || errGatewayNotFound.matches(error);
        const hex = Buffer.from(parsed.eui).toString("hex").toUpperCase();
        if (unknown) {
          drops.inc({ reason: "connect_unknown_gateway" });
          if (logLimiter.allow(`router-info:${hex}`, now()))
            logger.info(
              { gateway_eui: hex, protocol: "semtechws/lbslns" },
              "router-info: unknown gateway (logged once per interval)",
            );
        } else logger.warn({ err: error }, "router-info: gateway lookup failed");
        return answer(
          encodeRouterInfoError(
            unknown ? `gateway with EUI ${hex} is not registered` : "gateway registry unavailable",
            parsed.eui,
          ),
        );
      }
      answer(encodeRouterInfoResponse({ eui: parsed.eui, scheme, host }));
    });
  }

  function traffic(ws: WebSocket, request: IncomingMessage) {
    const path = pathOf(request);
    const eui = parseTrafficPath(path);
    if (eui === undefined || eui.every((byte) => byte === 0)) {
      drops.inc({ reason: "basic_station_traffic_path" });
      ws.on("error", () => {});
      ws.close(1008, closeReason(errInvalidGatewayId.create({ id: path.slice(0, 40) })));
      return;
    }
    const session = new StationSession(ws, eui, env);
    session.start(request.headers.authorization, remoteAddressOf(request)).catch((error) => {
      logger.warn({ err: error }, "station connection failed");
      ws.terminate();
    });
  }

  async function open(name: string, address: string, scheme: "ws" | "wss", tls?: TlsOptions) {
    const server = await options.listen.websocket(name, address, {
      path: (path) => path === "/router-info" || path.startsWith(TRAFFIC_PATH_PREFIX),
      maxPayload: maxFrameBytes,
      ...(tls ? { tls } : {}),
    });
    server.on("connection", (ws: WebSocket, request: IncomingMessage) => {
      if (pathOf(request) === "/router-info") void discover(ws, request, scheme);
      else traffic(ws, request);
    });
    servers.push(server);
  }

  return {
    async start() {
      if (settings.listen !== "") await open("basic_station", settings.listen, "ws");
      if (settings.listen_tls !== "" && options.tls)
        await open("basic_station (tls)", settings.listen_tls, "wss", options.tls);
    },
    async stop() {
      // Traffic sockets are closed by the Gateway Server (its connections' sinks); the
      // listeners close with the component.
    },
  };
}
