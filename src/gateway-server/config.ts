import { z } from "zod";
import { boolean, type ConfigSection, duration, type SectionValues } from "../config/index.ts";

/**
 * The Semtech UDP packet forwarder frontend's keys (`gs.udp.*`), with The Things Stack's
 * meaning and defaults (its `gs.udp.*`). Declared here so they exist once; the frontend in
 * io/udp reads them. Its listen address is the port table's `udp.listen`.
 */
const udp = z
  .strictObject({
    connection_expires: duration(
      "1m",
      "a gateway that sent nothing (no PULL_DATA keep-alive, no PUSH_DATA) for this long is disconnected",
    ),
    connection_error_expires: duration(
      "5m",
      "a gateway whose connection failed is not looked up again for this long",
    ),
    addr_change_block: duration(
      "1m",
      "the downlink address of a gateway stays the first one seen for this long: a PULL_DATA from another address is ignored (spoofing)",
    ),
    downlink_path_expires: duration(
      "30s",
      "the downlink path (address of the last PULL_DATA) is forgotten after this long without PULL_DATA",
    ),
    schedule_late_time: duration(
      "800ms",
      "with schedule_downlink_late, a downlink is sent this long before its transmission time",
    ),
  })
  .prefault({});

/**
 * The LoRa Basics Station LNS frontend's keys (`gs.basic_station.*`), as The Things Stack's
 * `gs.basic-station.*`; the frontend in io/basic-station reads them. Its listen addresses are
 * the port table's `basic_station.listen` and `basic_station.listen_tls`.
 */
const basicStation = z
  .strictObject({
    allow_unauthenticated: boolean(
      false,
      "accept stations that present no credentials (their gateway must not require an authenticated connection)",
    ),
    ws_ping_interval: duration("30s", "interval of websocket pings to a station"),
    missed_pong_threshold: z
      .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
      .pipe(z.number().int().min(1))
      .default(2)
      .describe("a station that answers this many pings in a row with no pong is disconnected"),
    time_sync_interval: duration(
      "200s",
      "interval of timesync messages (GPS time) to a station; 0 disables",
    ),
    schedule_late_time: duration(
      "800ms",
      "with schedule_downlink_late, a downlink is sent this long before its transmission time",
    ),
  })
  .prefault({});

/**
 * The Gateway Server's configuration keys (`gs.*`): which gateways are served, how long what
 * the Identity Server says about them is kept, connection statistics, and the frontends'
 * listeners (`gs.udp.*`, `gs.basic_station.*`).
 */
export const gatewayServerConfig = {
  shape: {
    gs: z
      .strictObject({
        require_registered_gateways: boolean(
          true,
          "serve only gateways registered in the Identity Server (The Things Stack's gs.require-registered-gateways); false is not supported yet",
        ).refine((value) => value, {
          message: "false is not supported yet: every gateway must be registered",
        }),
        fetch_gateway_interval: duration(
          "10m",
          "a connected gateway's registration (frequency plans, settings) is read again this often; a deleted gateway is disconnected",
        ),
        gateway_cache_ttl: duration(
          "1m",
          "how long a gateway looked up for a new connection is kept (and how long an unknown EUI is remembered as unknown)",
        ),
        unknown_gateway_log_interval: duration(
          "1m",
          "an unknown gateway EUI is logged at most once per this interval",
        ),
        connection_stats_disconnect_ttl: duration(
          "48h",
          "how long the instance a gateway was connected to answers its last stats after it disconnected (gs.connection-stats-disconnect-ttl)",
        ),
        update_gateway_location_debounce_time: duration(
          "1h",
          "at most one location update from status messages per gateway per this interval (gs.update-gateway-location-debounce-time)",
        ),
        claim_ttl: duration(
          "30s",
          "a connection's claim in the cluster lasts this long unless renewed (renewed at a third of it)",
        ),
        udp,
        basic_station: basicStation,
      })
      .prefault({}),
  },
} satisfies ConfigSection;

export type GatewayServerConfig = SectionValues<typeof gatewayServerConfig>;
/** The `gs` section's values. */
export type GatewayServerSettings = GatewayServerConfig["gs"];
