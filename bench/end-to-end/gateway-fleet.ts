/**
 * The load generator's gateways (a pool of them, each frame heard by three): one UDP socket
 * each, speaking the Semtech UDP protocol as lora_pkt_fwd does (PULL_DATA keep-alive, PUSH_DATA
 * with several rxpk, TX_ACK for every PULL_RESP). Light on purpose: PUSH_DATA bodies are joined
 * from rxpk texts made up front, only the concentrator counter (`tmst`) is written at send time.
 * Every PULL_RESP is checked against the gateway's own counter: a packet that reaches the
 * forwarder later than its JIT queue's lead before the transmit time would be refused TOO_LATE
 * by a real gateway.
 */
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import {
  encodePullData,
  encodeTxAck,
  TX_ACK_SUCCESS,
} from "../../src/gateway-protocols/semtech-udp/index.ts";

/**
 * Lead lora_pkt_fwd's JIT queue needs before a packet's transmit time, µs: TX_START_DELAY
 * (1.5 ms) + TX_MARGIN_DELAY (1 ms) + TX_JIT_DELAY (30 ms) of its jitqueue.c.
 */
export const JIT_LEAD_US = 32_500;
const KEEPALIVE_MS = 5_000;
const PUSH_DATA = 0x00;
const PUSH_ACK = 0x01;
const PULL_RESP = 0x03;
const PULL_ACK = 0x04;

/** A downlink a gateway got in a PULL_RESP. */
export interface HeardDownlink {
  gateway: number;
  /** `tmst` of the txpk (undefined for `imme`). */
  tmst: number | undefined;
  /** The gateway's counter when the PULL_RESP arrived, µs, u32. */
  arrivedAt: number;
  /** µs between arrival and transmit time (negative: after it); wraps handled. */
  leadUs: number;
  /** The frame, from `data` (base64). */
  phyPayload: Buffer;
}

/** One simulated packet forwarder. */
export class BenchGateway {
  readonly index: number;
  readonly eui: string;
  readonly #socket: Socket;
  readonly #header: Buffer;
  #token = 0;
  #keepalive: NodeJS.Timeout | undefined;
  pushAcks = 0;
  #onDownlink: (downlink: HeardDownlink) => void = () => {};

  constructor(index: number, eui: string, origin: number) {
    this.index = index;
    this.eui = eui;
    this.#origin = origin;
    this.#socket = createSocket("udp4");
    this.#header = Buffer.alloc(12);
    this.#header[0] = 2;
    this.#header[3] = PUSH_DATA;
    Buffer.from(eui, "hex").copy(this.#header, 4);
    this.#socket.on("message", (message) => this.#received(message));
    this.#socket.on("error", () => {});
  }

  readonly #origin: number;

  /** The concentrator's µs counter (u32, wraps), from the run's shared origin. */
  counter(at = performance.now()): number {
    return Math.floor((at - this.#origin) * 1000) >>> 0;
  }

  /** Connects to the stack's UDP address and opens the downlink path (PULL_DATA → PULL_ACK). */
  async start(address: string): Promise<void> {
    const colon = address.lastIndexOf(":");
    this.#socket.bind(0, "127.0.0.1");
    await once(this.#socket, "listening");
    // Large buffers: a batch of datagrams must not be dropped by the kernel on our side.
    this.#socket.setSendBufferSize(4 * 1024 * 1024);
    this.#socket.setRecvBufferSize(4 * 1024 * 1024);
    this.#socket.connect(Number(address.slice(colon + 1)), address.slice(0, colon));
    await once(this.#socket, "connect");
    const acked = new Promise<void>((resolve) => {
      const listener = (message: Buffer) => {
        if (message[3] !== PULL_ACK) return;
        this.#socket.off("message", listener);
        resolve();
      };
      this.#socket.on("message", listener);
    });
    const pull = () => this.#socket.send(encodePullData(this.#nextToken(), this.eui));
    pull();
    this.#keepalive = setInterval(pull, KEEPALIVE_MS);
    await acked;
  }

  onDownlink(listener: (downlink: HeardDownlink) => void): void {
    this.#onDownlink = listener;
  }

  /**
   * Sends one PUSH_DATA whose rxpk entries are `{"tmst":<tmsts[i]>,` + the i-th text (which
   * ends with `}`): each frame has its own tmst, so a downlink's `tmst` names the uplink it
   * answers.
   */
  push(rxpkTails: readonly string[], tmsts: readonly number[]): void {
    let body = '{"rxpk":[';
    for (let i = 0; i < rxpkTails.length; i++) {
      body += `${i ? "," : ""}{"tmst":${tmsts[i]},${rxpkTails[i]}`;
    }
    body += "]}";
    const header = Buffer.from(this.#header);
    const token = this.#nextToken();
    header[1] = token >>> 8;
    header[2] = token & 0xff;
    this.#socket.send([header, Buffer.from(body)]);
  }

  async stop(): Promise<void> {
    clearInterval(this.#keepalive);
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  #nextToken(): number {
    this.#token = (this.#token + 1) & 0xffff;
    return this.#token;
  }

  #received(message: Buffer): void {
    if (message.length < 4 || message[0] !== 2) return;
    if (message[3] === PUSH_ACK) {
      this.pushAcks++;
      return;
    }
    if (message[3] !== PULL_RESP) return;
    const arrivedAt = this.counter();
    const token = message.readUInt16BE(1);
    let txpk: { tmst?: number; data?: string } | undefined;
    try {
      txpk = (JSON.parse(message.subarray(4).toString("utf8")) as { txpk?: typeof txpk }).txpk;
    } catch {
      return;
    }
    if (!txpk || typeof txpk.data !== "string") return;
    this.#socket.send(encodeTxAck(token, this.eui, TX_ACK_SUCCESS));
    const tmst = typeof txpk.tmst === "number" ? txpk.tmst : undefined;
    // Signed 32-bit difference: the counter wraps every 71 minutes.
    const leadUs = tmst === undefined ? 0 : (tmst - arrivedAt) | 0;
    this.#onDownlink({
      gateway: this.index,
      tmst,
      arrivedAt,
      leadUs,
      phyPayload: Buffer.from(txpk.data, "base64"),
    });
  }
}
