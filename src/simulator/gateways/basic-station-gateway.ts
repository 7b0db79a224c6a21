/**
 * A simulated LoRa Basics Station (2.0.6, protocol 2): LNS discovery at `/router-info`, the
 * traffic websocket, `version`, the `router_config`'s data rate table, `jreq`/`updf` with
 * `upinfo`, `timesync`, and `dnmsg`/`dnsched` transmitted at their xtime and confirmed with
 * `dntxed`.
 */
import WebSocket from "ws";
import {
  parseJson,
  splitPhyPayload,
  stringifyJson,
} from "../../gateway-protocols/basic-station/index.ts";
import type { AirDownlink, Clock, LoraRate, Reception, SimulatedGateway } from "../radio.ts";
import { ConcentratorCounter } from "./concentrator-counter.ts";
import { errClosed, errDiscovery, errNoAnswer } from "./errors.ts";
import { readDownlink, type StationDownlink } from "./station-downlink.ts";
import { Transmitter } from "./transmitter.ts";

export interface BasicStationGatewayOptions {
  id: string;
  /** EUI-64, 16 hex digits. */
  eui: string;
  /** The LNS base, e.g. `ws://127.0.0.1:1887` (discovery is `<url>/router-info`). */
  url: string;
  clock: Clock;
  /** The concentrator counter's value at clock 0, µs. */
  counterOffset?: number;
  /** The xtime session byte (1–255; station draws one when its radio starts). */
  session?: number;
  /** `timesync` request interval, ms. */
  timesyncIntervalMs?: number;
  /** How long `start` waits for discovery and the router_config, ms. */
  startTimeoutMs?: number;
  /**
   * The LNS credential, sent as the `Authorization` header of the traffic websocket as a
   * station sends its `tc.key` (e.g. `Bearer NNSXS...`, a gateway API key); none: unauthenticated.
   */
  authorization?: string;
}

export interface BasicStationStats {
  received: number;
  forwarded: number;
  /** Receptions not forwarded: not a LoRaWAN uplink, or a data rate not in the DRs. */
  filtered: number;
  downlinks: number;
  transmitted: number;
  /** Downlinks not sent: too late, colliding, another session, class B, malformed. */
  refused: number;
  timesyncs: number;
}

type Entry = readonly [spreadingFactor: number, bandwidthKHz: number, downlinkOnly: number];

/** A Basics Station gateway on the simulation's air. */
export class BasicStationGateway implements SimulatedGateway {
  readonly id: string;
  readonly eui: string;
  readonly stats: BasicStationStats = {
    received: 0,
    forwarded: 0,
    filtered: 0,
    downlinks: 0,
    transmitted: 0,
    refused: 0,
    timesyncs: 0,
  };
  readonly counter: ConcentratorCounter;
  readonly session: number;
  /** The router_config's data rates, by index. */
  dataRates: readonly Entry[] = [];
  readonly #options: BasicStationGatewayOptions;
  readonly #clock: Clock;
  readonly #transmitter: Transmitter;
  readonly #wallOffset: number;
  #socket: WebSocket | undefined;
  #timers: NodeJS.Timeout[] = [];
  #configured: (() => void) | undefined;

  constructor(options: BasicStationGatewayOptions) {
    this.id = options.id;
    this.eui = options.eui.toUpperCase();
    this.#options = options;
    this.#clock = options.clock;
    this.session = options.session ?? 1;
    this.counter = new ConcentratorCounter(options.clock, options.counterOffset ?? 0);
    this.#transmitter = new Transmitter(options.clock);
    this.#wallOffset = Date.now() - options.clock();
  }

  async start(): Promise<void> {
    const timeoutMs = this.#options.startTimeoutMs ?? 5000;
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timeout = setTimeout(
        () =>
          reject(
            errNoAnswer.create({
              gateway_id: this.id,
              address: this.#options.url,
              timeout_ms: timeoutMs,
            }),
          ),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.#connect(), expired]);
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      clearTimeout(timeout);
    }
    this.#timesync();
    this.#timers.push(
      setInterval(() => this.#timesync(), this.#options.timesyncIntervalMs ?? 60_000),
    );
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#transmitter.stop();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once("close", () => resolve());
      socket.close();
    });
  }

  /** The xtime of clock time `at` (ms): radio unit 0, this station's session, 48-bit ticks. */
  xtime(at: number): bigint {
    return (BigInt(this.session) << 48n) | BigInt(this.counter.ticks(at));
  }

  receive(reception: Reception): void {
    this.stats.received++;
    const fields = splitPhyPayload(reception.phyPayload);
    const dataRate = this.#dataRateIndex(reception.rate);
    if (
      fields === undefined ||
      fields.msgtype === "dndf" ||
      fields.msgtype === "jacc" ||
      dataRate < 0
    ) {
      this.stats.filtered++;
      return;
    }
    this.#send({
      ...fields,
      DR: dataRate,
      Freq: reception.frequencyHz,
      upinfo: {
        rctx: 0,
        xtime: this.xtime(reception.endedAt),
        gpstime: 0,
        fts: -1,
        rssi: reception.rssi,
        snr: reception.snr,
        rxtime: (this.#wallOffset + reception.endedAt) / 1000,
      },
      RefTime: 0,
    });
    this.stats.forwarded++;
  }

  onTransmit(listener: (downlink: AirDownlink) => void): void {
    this.#transmitter.onTransmit(listener);
  }

  async #connect(): Promise<void> {
    const discoveryUrl = `${this.#options.url}/router-info`;
    const answer = await this.#discover(discoveryUrl);
    const authorization = this.#options.authorization;
    const socket = new WebSocket(answer, authorization ? { headers: { authorization } } : {});
    this.#socket = socket;
    const configured = new Promise<void>((resolve, reject) => {
      this.#configured = resolve;
      socket.once("error", (error) =>
        reject(errClosed.create({ gateway_id: this.id, reason: error.message })),
      );
      socket.once("close", (code) =>
        reject(errClosed.create({ gateway_id: this.id, reason: `code ${code}` })),
      );
    });
    socket.on("message", (data) => this.#onMessage(String(data)));
    await new Promise<void>((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    socket.on("error", () => {});
    this.#send({
      msgtype: "version",
      station: "2.0.6(lorastack/simulator)",
      firmware: null,
      package: null,
      model: "lorastack-simulator",
      protocol: 2,
      features: "",
    });
    await configured;
  }

  /** Asks `/router-info` for the traffic URI. */
  #discover(url: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url);
      const fail = (reason: string) => {
        socket.terminate();
        reject(errDiscovery.create({ gateway_id: this.id, url, reason }));
      };
      socket.once("open", () => socket.send(JSON.stringify({ router: this.eui })));
      socket.once("error", (error) => fail(error.message));
      socket.once("message", (data) => {
        const answer = parseJson(String(data)) as { uri?: unknown; error?: unknown } | undefined;
        if (typeof answer?.uri === "string") {
          socket.close();
          resolve(answer.uri);
        } else fail(typeof answer?.error === "string" ? answer.error : "no uri in the answer");
      });
    });
  }

  #send(message: Record<string, unknown>): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(stringifyJson(message));
  }

  #timesync(): void {
    this.#send({ msgtype: "timesync", txtime: this.counter.ticks(this.#clock()) });
  }

  #onMessage(text: string): void {
    const message = parseJson(text);
    if (typeof message !== "object" || message === null) return;
    const fields = message as Record<string, unknown>;
    const handle = this.#handlers[String(fields.msgtype)];
    handle?.(fields);
  }

  // What station does with each message from the LNS; others are ignored, as station logs them.
  readonly #handlers: Record<string, (message: Record<string, unknown>) => void> = {
    router_config: (message) => {
      if (Array.isArray(message.DRs)) this.dataRates = message.DRs as Entry[];
      this.#configured?.();
      this.#configured = undefined;
    },
    dnmsg: (message) => this.#downlink(message, true),
    dnsched: (message) => {
      if (!Array.isArray(message.schedule)) return;
      for (const entry of message.schedule) {
        // dnsched entries are absolute (DR, Freq, xtime) and get no dntxed.
        if (typeof entry === "object" && entry !== null) this.#downlink({ dC: 2, ...entry }, false);
      }
    },
    timesync: () => {
      this.stats.timesyncs++;
    },
  };

  #downlink(message: Record<string, unknown>, confirm: boolean): void {
    this.stats.downlinks++;
    const downlink = readDownlink(message, this.session);
    if (typeof downlink === "string") {
      this.stats.refused++;
      return;
    }
    for (const choice of downlink.choices) {
      const rate = this.#rate(choice.dataRate);
      if (rate === undefined) continue;
      const startsAt =
        choice.ticks === undefined ? this.#clock() + 5 : this.counter.timeOfTicks(choice.ticks);
      const result = this.#transmitter.schedule(
        {
          phyPayload: downlink.pdu,
          frequencyHz: choice.frequency,
          rate,
          startsAt,
          gatewayId: this.id,
        },
        () => {
          this.stats.transmitted++;
          if (confirm) this.#confirm(downlink, startsAt, choice.dataRate, choice.frequency);
        },
      );
      if (result === "NONE") return;
    }
    this.stats.refused++;
  }

  #confirm(downlink: StationDownlink, startsAt: number, dataRate: number, frequency: number): void {
    const unixSeconds = (this.#wallOffset + startsAt) / 1000;
    this.#send({
      msgtype: "dntxed",
      seqno: downlink.diid,
      diid: downlink.diid,
      DevEui: downlink.devEui,
      rctx: downlink.rctx,
      xtime: this.xtime(startsAt),
      txtime: unixSeconds,
      // Without PPS station knows no GPS time.
      gpstime: 0,
      DR: dataRate,
      Freq: frequency,
    });
  }

  #dataRateIndex(rate: LoraRate): number {
    const kHz = rate.bandwidth / 1000;
    return this.dataRates.findIndex(
      (entry) => entry[0] === rate.spreadingFactor && entry[1] === kHz && entry[2] === 0,
    );
  }

  #rate(index: number): LoraRate | undefined {
    const entry = this.dataRates[index];
    if (entry === undefined || entry[0] < 5) return undefined;
    return { spreadingFactor: entry[0], bandwidth: entry[1] * 1000 };
  }
}
