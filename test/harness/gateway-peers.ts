/**
 * The real gateway programs for tests: Semtech's `lora_pkt_fwd` 4.0.1 and LoRa Basics
 * Station 2.0.6, built from source by ../shared/peers/build.sh and run without radio hardware
 * by the drivers in ../shared/peers/lib (imported from there, never copied). Each start returns
 * a handle to play the gateway's radio: inject an uplink, await the next transmission, stop.
 *
 *     const skip = await gatewayPeersSkipReason();           // builds once; a reason to skip
 *     const gateway = await startPacketForwarder({ server: { port } });
 *     await gateway.uplink({ freq: 868.1, datr: "SF7BW125", hex: "40..." });
 *     const tx = await gateway.nextTransmission();
 *     await gateway.stop();
 */
import { chmod, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sharedSkipReason, skipOutsideCi } from "./ci.ts";
import {
  type DriverEventLog,
  type FakeHalRx,
  type FakeHalTx,
  loadPeerDriver,
  type PktFwd,
  type PktFwdRadio,
  type PktFwdUplink,
  type Station,
  type StationTx,
  type StationUplink,
} from "./peer-drivers.ts";

export type { FakeHalRx, FakeHalTx, PktFwdUplink, StationTx, StationUplink };

/** The two programs: `pktfwd` (`lora_pkt_fwd`) and `station` (Basics Station). */
export type GatewayPeer = "pktfwd" | "station";

const builds = new Map<string, Promise<string | undefined>>();

/**
 * Builds the peers (both by default) once per test process with ../shared/peers/build.sh (a
 * no-op when built; concurrent builds take turns on its lock). `undefined` when they are
 * ready; the build script's reason when its build tools are missing (exit 3) or ../shared is
 * absent, which throws in CI (`skipOutsideCi`), where .ci/run installs the tools. Any other
 * build failure throws with the build's output.
 */
export function gatewayPeersSkipReason(
  peers: readonly GatewayPeer[] = ["pktfwd", "station"],
): Promise<string | undefined> {
  const key = [...peers].sort().join(",");
  let build = builds.get(key);
  if (!build) {
    build = (async () => {
      const missing = sharedSkipReason("peers/build.sh");
      if (missing) return missing;
      const { buildPeers } = await loadPeerDriver("common.mjs");
      const result = buildPeers({ peers: [...peers] });
      return result.ok ? undefined : skipOutsideCi(result.skip);
    })();
    builds.set(key, build);
  }
  return build;
}

/** A transmission cursor over a radio's event log: each call returns the next one, in order. */
function transmissions<E, T extends E>(
  events: DriverEventLog<E>,
  isTransmission: (event: E) => event is T,
) {
  let cursor = 0;
  return async (options: NextTransmissionOptions<T> = {}): Promise<T> => {
    const match = options.match ?? (() => true);
    const event = (await events.wait(
      (e) => isTransmission(e) && match(e),
      options.timeoutMs ?? 6000,
      cursor,
      "transmission",
    )) as T;
    cursor = events.items.indexOf(event) + 1;
    return event;
  };
}

export interface NextTransmissionOptions<T> {
  /** How long to wait (default 6 s) before rejecting. */
  timeoutMs?: number;
  /** Only a transmission this accepts (earlier ones that do not match are passed over). */
  match?: (transmission: T) => boolean;
}

/** Where a packet forwarder sends its datagrams (both ports on `host`, 127.0.0.1 by default). */
export interface UdpServerAddress {
  host?: string;
  port: number;
  /** `serv_port_down`; default `port`. */
  portDown?: number;
}

export interface PacketForwarderOptions {
  /** The Gateway Server; ignored with `globalConf`, which names it. */
  server?: UdpServerAddress;
  /**
   * A whole `global_conf.json` (text or object), written as the forwarder's `global_conf.json`
   * just before it starts, as it is: its `gateway_conf` says where the forwarder sends.
   */
  globalConf?: string | Record<string, unknown>;
  /** `gateway_ID` (16 hex digits); default AA555A0000000101, or the one in `globalConf`. */
  eui?: string;
  keepaliveSeconds?: number;
  statIntervalSeconds?: number;
  /** Concentrator counter at start (u32), e.g. `2 ** 32 - 3_500_000` to cross the wrap soon. */
  counterStart?: number;
  /** Copy the program's output to stderr. */
  echo?: boolean;
}

/** A running `lora_pkt_fwd` on the fake SX1301 HAL. */
export interface PacketForwarder {
  /** `gateway_ID`: 16 upper-case hex digits. */
  readonly eui: string;
  readonly workDir: string;
  readonly logPath: string;
  /** The driver's radio, for what the handle does not cover (`events`, `time()`). */
  readonly radio: PktFwdRadio;
  /** Injects an uplink; rejects when no enabled IF chain hears its frequency and data rate. */
  uplink(uplink: PktFwdUplink): Promise<FakeHalRx>;
  /** The next emission after the last one returned (`tx` events: when the TX started). */
  nextTransmission(options?: NextTransmissionOptions<FakeHalTx>): Promise<FakeHalTx>;
  /** The concentrator counter now (u32 µs, the clock of `tmst`). */
  time(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `lora_pkt_fwd` pointed at `options.server`, or with `options.globalConf` as its
 * `global_conf.json`; resolves once its radio is up. Build first ({@link gatewayPeersSkipReason}).
 */
export async function startPacketForwarder(
  options: PacketForwarderOptions,
): Promise<PacketForwarder> {
  const [{ startPktFwd }, { BIN }] = await Promise.all([
    loadPeerDriver("pktfwd.mjs"),
    loadPeerDriver("common.mjs"),
  ]);
  const workDir = await mkdtemp(join(tmpdir(), "lorastack-pktfwd-"));
  let bin: string | undefined;
  let eui = options.eui;
  let server = options.server;
  if (options.globalConf !== undefined) {
    const text =
      typeof options.globalConf === "string"
        ? options.globalConf
        : JSON.stringify(options.globalConf, null, "\t");
    const gatewayConf = (JSON.parse(text) as { gateway_conf?: Record<string, unknown> })
      .gateway_conf;
    eui ??= typeof gatewayConf?.gateway_ID === "string" ? gatewayConf.gateway_ID : undefined;
    server = { port: Number(gatewayConf?.serv_port_up) || 1700 };
    // The driver writes its own global_conf.json; this wrapper puts ours in its place just
    // before the program starts (exec keeps the process id the driver stops).
    await writeFile(join(workDir, "lorastack-global_conf.json"), text);
    bin = join(workDir, "lora_pkt_fwd.sh");
    await writeFile(
      bin,
      `#!/bin/sh\ncp lorastack-global_conf.json global_conf.json && exec ${JSON.stringify(BIN.pktfwd)}\n`,
    );
    await chmod(bin, 0o755);
  }
  if (!server) throw new Error("startPacketForwarder needs server or globalConf");
  const started: PktFwd = await startPktFwd({
    serverHost: server.host ?? "127.0.0.1",
    serverPort: server.port,
    ...(server.portDown !== undefined ? { serverPortDown: server.portDown } : {}),
    ...(eui !== undefined ? { gatewayEui: eui } : {}),
    ...(options.keepaliveSeconds !== undefined ? { keepaliveS: options.keepaliveSeconds } : {}),
    ...(options.statIntervalSeconds !== undefined
      ? { statIntervalS: options.statIntervalSeconds }
      : {}),
    ...(options.counterStart !== undefined ? { cntStart: options.counterStart } : {}),
    ...(bin !== undefined ? { bin } : {}),
    workDir,
    echo: options.echo ?? false,
  });
  const { radio } = started;
  return {
    eui: started.gatewayEui,
    workDir,
    logPath: started.logPath,
    radio,
    uplink: (uplink) => radio.uplink(uplink),
    nextTransmission: transmissions(
      radio.events,
      (event): event is FakeHalTx => event.event === "tx",
    ),
    time: () => radio.time(),
    stop: () => started.stop(),
  };
}

export interface BasicsStationOptions {
  /** The LNS: `ws://host:port` (station asks `<tcUri>/router-info`). */
  tcUri: string;
  /** `routerid`; default 00-16-C0-01-FF-FE-00-01. */
  eui?: string;
  /** `log_level`; default DEBUG. */
  logLevel?: string;
  echo?: boolean;
}

/** A running Basics Station on its simulated radio. */
export interface BasicsStation {
  readonly workDir: string;
  readonly logPath: string;
  /** Resolves when station has its `router_config` and has started its radio. */
  readonly connected: Promise<{ txunit: number; timeOffset: bigint; xticks: bigint }>;
  /** Injects an uplink received now (or at `xticks`); await `connected` first. */
  uplink(uplink: StationUplink): { count_us: number; xticks: number };
  /** The next `lgw_send` after the last one returned. */
  nextTransmission(options?: NextTransmissionOptions<StationTx>): Promise<StationTx>;
  /** Station's concentrator time now. */
  xticks(): bigint;
  stop(): Promise<void>;
}

/** Starts Basics Station pointed at `options.tcUri`. Build first ({@link gatewayPeersSkipReason}). */
export async function startBasicsStation(options: BasicsStationOptions): Promise<BasicsStation> {
  const { startStation } = await loadPeerDriver("station.mjs");
  const workDir = await mkdtemp(join(tmpdir(), "lorastack-station-"));
  const started: Station = await startStation({
    tcUri: options.tcUri,
    workDir,
    ...(options.eui !== undefined ? { routerEui: options.eui } : {}),
    ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}),
    echo: options.echo ?? false,
  });
  const { radio } = started;
  return {
    workDir,
    logPath: started.logPath,
    connected: radio.connected,
    uplink: (uplink) => radio.uplink(uplink),
    nextTransmission: transmissions(
      radio.events,
      (event): event is StationTx => event.event === "tx",
    ),
    xticks: () => radio.xticks(),
    stop: () => started.stop(),
  };
}
