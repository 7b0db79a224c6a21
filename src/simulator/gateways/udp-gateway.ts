/**
 * A simulated Semtech UDP packet forwarder (protocol v2), as lora_pkt_fwd behaves: PULL_DATA
 * keep-alives, PUSH_DATA with the receptions of one moment batched and periodic `stat`,
 * PULL_RESP answered with TX_ACK and transmitted at its `tmst` (or at once for `imme`).
 * One UDP socket per gateway; the only JSON is the protocol's.
 */
import { createSocket, type Socket } from "node:dgram";
import {
  encodePullData,
  encodePushData,
  encodeTxAck,
  type RxPacket,
} from "../../gateway-protocols/semtech-udp/index.ts";
import type { AirDownlink, Clock, Reception, SimulatedGateway } from "../radio.ts";
import { ConcentratorCounter } from "./concentrator-counter.ts";
import { errNoAnswer } from "./errors.ts";
import { readServerPacket, type Transmission } from "./pull-response.ts";
import { Transmitter } from "./transmitter.ts";

// lora_pkt_fwd sends an `imme` packet a few ms after it arrives (its TX start delay and margin).
const IMMEDIATE_DELAY_MS = 5;

export interface UdpGatewayOptions {
  id: string;
  /** EUI-64, 16 hex digits. */
  eui: string;
  /** The Gateway Server's UDP listener. */
  host: string;
  port: number;
  clock: Clock;
  /** PULL_DATA interval, ms (lora_pkt_fwd's `keepalive_interval`: 10 s). */
  keepAliveMs?: number;
  /** `stat` interval, ms (lora_pkt_fwd's `stat_interval`: 30 s). */
  statIntervalMs?: number;
  /** How long `start` waits for the first PULL_ACK, ms. */
  startTimeoutMs?: number;
  /** The concentrator counter's value at clock 0, µs (a boot at an arbitrary time). */
  counterOffset?: number;
  /** At most this many `rxpk` in one PUSH_DATA. */
  maxPacketsPerDatagram?: number;
  /** Reported in `stat`. */
  location?: { latitude: number; longitude: number; altitude: number };
}

/** Counters a stat reports, and what tests look at. */
export interface UdpGatewayStats {
  received: number;
  forwarded: number;
  pushDatagrams: number;
  pushAcks: number;
  pullAcks: number;
  downlinks: number;
  transmitted: number;
  refused: number;
  /** Server datagrams dropped as malformed. */
  dropped: number;
}

/** A Semtech UDP gateway on the simulation's air. */
export class UdpGateway implements SimulatedGateway {
  readonly id: string;
  readonly eui: string;
  readonly stats: UdpGatewayStats = {
    received: 0,
    forwarded: 0,
    pushDatagrams: 0,
    pushAcks: 0,
    pullAcks: 0,
    downlinks: 0,
    transmitted: 0,
    refused: 0,
    dropped: 0,
  };
  readonly counter: ConcentratorCounter;
  readonly #options: UdpGatewayOptions;
  readonly #clock: Clock;
  readonly #transmitter: Transmitter;
  readonly #wallOffset: number;
  #socket: Socket | undefined;
  #token = 0;
  #pending: RxPacket[] = [];
  #flushQueued = false;
  #timers: NodeJS.Timeout[] = [];
  #firstPullAck: (() => void) | undefined;

  constructor(options: UdpGatewayOptions) {
    this.id = options.id;
    this.eui = options.eui.toUpperCase();
    this.#options = options;
    this.#clock = options.clock;
    this.counter = new ConcentratorCounter(options.clock, options.counterOffset ?? 0);
    this.#transmitter = new Transmitter(options.clock);
    // Wall time of clock 0, for rxpk.time and stat.time.
    this.#wallOffset = Date.now() - options.clock();
  }

  async start(): Promise<void> {
    const socket = createSocket("udp4");
    this.#socket = socket;
    socket.on("message", (datagram) => this.#onDatagram(datagram));
    // A send error (e.g. ICMP port unreachable) is what UDP does; the forwarder carries on.
    socket.on("error", () => {});
    await new Promise<void>((resolve) =>
      socket.connect(this.#options.port, this.#options.host, resolve),
    );
    const timeoutMs = this.#options.startTimeoutMs ?? 5000;
    const answered = new Promise<void>((resolve) => {
      this.#firstPullAck = resolve;
    });
    // Until the first PULL_ACK, PULL_DATA is repeated every half second (a lost datagram).
    const retry = setInterval(() => this.#pullData(), 500);
    this.#pullData();
    let timeout: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        answered,
        new Promise<never>((_, reject) => {
          timeout = setTimeout(
            () =>
              reject(
                errNoAnswer.create({
                  gateway_id: this.id,
                  address: `${this.#options.host}:${this.#options.port}`,
                  timeout_ms: timeoutMs,
                }),
              ),
            timeoutMs,
          );
        }),
      ]);
    } catch (error) {
      await this.stop();
      throw error;
    } finally {
      clearInterval(retry);
      clearTimeout(timeout);
    }
    this.#timers.push(setInterval(() => this.#pullData(), this.#options.keepAliveMs ?? 10_000));
    this.#timers.push(setInterval(() => this.#sendStat(), this.#options.statIntervalMs ?? 30_000));
  }

  async stop(): Promise<void> {
    for (const timer of this.#timers) clearInterval(timer);
    this.#timers = [];
    this.#transmitter.stop();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  receive(reception: Reception): void {
    this.stats.received++;
    this.#pending.push({
      time: Math.round((this.#wallOffset + reception.endedAt) * 1000),
      timestamp: this.counter.timestamp(reception.endedAt),
      frequency: reception.frequencyHz,
      channel: 0,
      rfChain: 0,
      crcStatus: 1,
      dataRate: {
        modulation: "LORA",
        spreadingFactor: reception.rate.spreadingFactor,
        bandwidth: reception.rate.bandwidth,
      },
      codingRate: reception.rate.codingRate ?? "4/5",
      rssi: reception.rssi,
      snr: reception.snr,
      payload: reception.phyPayload,
    });
    // Everything received in this turn of the event loop goes in one PUSH_DATA.
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
  }

  onTransmit(listener: (downlink: AirDownlink) => void): void {
    this.#transmitter.onTransmit(listener);
  }

  /** Sends a `stat` now (the interval sends one every `statIntervalMs`). */
  sendStat(): void {
    this.#sendStat();
  }

  #flush(): void {
    this.#flushQueued = false;
    const pending = this.#pending;
    this.#pending = [];
    const max = this.#options.maxPacketsPerDatagram ?? 16;
    for (let i = 0; i < pending.length; i += max) {
      const rxpk = pending.slice(i, i + max);
      if (this.#send(encodePushData(this.#nextToken(), this.eui, { rxpk }))) {
        this.stats.pushDatagrams++;
        this.stats.forwarded += rxpk.length;
      }
    }
  }

  #sendStat(): void {
    const location = this.#options.location;
    const stats = this.stats;
    const stat = {
      time: new Date(this.#wallOffset + this.#clock()),
      ...(location === undefined ? {} : location),
      received: stats.received,
      receivedOk: stats.received,
      forwarded: stats.forwarded,
      acknowledgedPercent:
        stats.pushDatagrams === 0
          ? 100
          : Math.round((stats.pushAcks / stats.pushDatagrams) * 1000) / 10,
      downlinksReceived: stats.downlinks,
      transmitted: stats.transmitted,
    };
    if (this.#send(encodePushData(this.#nextToken(), this.eui, { stat }))) stats.pushDatagrams++;
  }

  #pullData(): void {
    this.#send(encodePullData(this.#nextToken(), this.eui));
  }

  #send(datagram: Uint8Array): boolean {
    if (this.#socket === undefined) return false;
    this.#socket.send(datagram);
    return true;
  }

  #nextToken(): number {
    this.#token = (this.#token + 1) & 0xffff;
    return this.#token;
  }

  #onDatagram(datagram: Uint8Array): void {
    const packet = readServerPacket(datagram);
    if (packet === undefined) {
      this.stats.dropped++;
      return;
    }
    switch (packet.type) {
      case "push_ack":
        this.stats.pushAcks++;
        return;
      case "pull_ack":
        this.stats.pullAcks++;
        this.#firstPullAck?.();
        this.#firstPullAck = undefined;
        return;
      case "pull_resp":
        this.#transmit(packet.token, packet.transmission);
        return;
    }
  }

  #transmit(token: number, transmission: Transmission): void {
    this.stats.downlinks++;
    const startsAt =
      transmission.timestamp === undefined
        ? this.#clock() + IMMEDIATE_DELAY_MS
        : this.counter.timeOfTimestamp(transmission.timestamp);
    const error = this.#transmitter.schedule(
      {
        phyPayload: transmission.payload,
        frequencyHz: transmission.frequencyHz,
        rate: transmission.rate,
        startsAt,
        gatewayId: this.id,
      },
      () => this.stats.transmitted++,
    );
    if (error !== "NONE") this.stats.refused++;
    this.#send(encodeTxAck(token, this.eui, { error }));
  }
}
