import type { Band } from "../../lorawan/band/types.ts";
import type { FrequencyPlan } from "../../lorawan/frequency-plans/index.ts";
import type { GatewayServerAddress } from "../server-address.ts";
import { type Sx1301Conf, sx1301Conf } from "./sx1301-conf.ts";

/** The server part of `gateway_conf`; inside `servers` it also says `serv_enabled`. */
export interface ServerConf {
  gateway_ID?: string;
  server_address: string;
  serv_port_up: number;
  serv_port_down: number;
  serv_enabled?: boolean;
}

/** `gateway_conf`: the forwarder's server, and the same as the one entry of `servers`. */
export interface GatewayConf extends ServerConf {
  servers: ServerConf[];
}

/** A Semtech UDP packet forwarder's `global_conf.json`, in The Things Stack's form. */
export interface GlobalConf {
  SX1301_conf: Sx1301Conf;
  gateway_conf: GatewayConf;
}

/** What a `global_conf.json` is made of. */
export interface GlobalConfInput {
  /** The gateway's EUI as 16 upper-case hex digits; absent when the gateway has none. */
  eui?: string;
  /** Where the forwarder sends PUSH_DATA and PULL_DATA (both ports the same). */
  server: GatewayServerAddress;
  plan: FrequencyPlan;
  /** The plan's band, newest regional parameters version. */
  band: Band;
}

/**
 * The `global_conf.json` of a gateway, as The Things Stack's Gateway Configuration Server
 * writes it: `SX1301_conf` from the frequency plan and `gateway_conf` with the gateway's EUI
 * as `gateway_ID` and the Gateway Server's address for both ports, repeated as the one
 * enabled entry of `servers` (read by forwarders that support several servers).
 */
export function globalConf(input: GlobalConfInput): GlobalConf {
  const server: ServerConf = {
    ...(input.eui ? { gateway_ID: input.eui } : {}),
    server_address: input.server.host,
    serv_port_up: input.server.port,
    serv_port_down: input.server.port,
  };
  return {
    SX1301_conf: sx1301Conf(input.plan, input.band),
    gateway_conf: { ...server, servers: [{ ...server, serv_enabled: true }] },
  };
}

/** The file's text: tab-indented JSON and a final newline, as The Things Stack sends it. */
export function formatGlobalConf(conf: GlobalConf): string {
  return `${JSON.stringify(conf, null, "\t")}\n`;
}
