import { createServer, type Server, type Socket } from "node:net";
import { addressKey } from "./address-key.ts";

/** Caps on open connections; `0` means no cap. */
export interface ConnectionCaps {
  /** Connections one client address may hold (IPv6 addresses count by their /64). */
  maxPerAddress: number;
  /** Connections of every client together. */
  maxTotal: number;
}

/** Why a connection was refused: its address holds too many, or the process does. */
export type Refusal = "address" | "total";

/**
 * Counts the open connections of any number of servers by client address, so that one client
 * cannot hold every file descriptor of the process. A connection is counted from its accept
 * to its close; past a cap a new one is refused (and not counted).
 */
export class ConnectionLimiter {
  readonly caps: ConnectionCaps;
  readonly #byAddress = new Map<string, number>();
  readonly #onRefused: ((refusal: Refusal, address: string) => void) | undefined;
  #total = 0;

  constructor(caps: ConnectionCaps, onRefused?: (refusal: Refusal, address: string) => void) {
    this.caps = caps;
    this.#onRefused = onRefused;
  }

  /** Open connections counted now. */
  get open(): number {
    return this.#total;
  }

  /** Counts `socket` until it closes; or tells why it is refused. */
  admit(socket: Socket): Refusal | undefined {
    const key = addressKey(socket.remoteAddress);
    const held = this.#byAddress.get(key) ?? 0;
    const refusal: Refusal | undefined =
      this.caps.maxTotal > 0 && this.#total >= this.caps.maxTotal
        ? "total"
        : this.caps.maxPerAddress > 0 && held >= this.caps.maxPerAddress
          ? "address"
          : undefined;
    if (refusal) {
      this.#onRefused?.(refusal, key);
      return refusal;
    }
    this.#byAddress.set(key, held + 1);
    this.#total++;
    socket.once("close", () => {
      this.#total--;
      const left = (this.#byAddress.get(key) ?? 1) - 1;
      if (left > 0) this.#byAddress.set(key, left);
      else this.#byAddress.delete(key);
    });
    return undefined;
  }
}

/**
 * A TCP server that lets each accepted connection through `limiter` before `serve` gets it
 * (typically handing it to an HTTP, TLS or HTTP/2 server that is not bound itself); a refused
 * one goes to `refuse`, which answers and closes it. Without a limiter every connection is
 * served.
 */
export function admittingServer(
  limiter: ConnectionLimiter | undefined,
  serve: (socket: Socket) => void,
  refuse: (socket: Socket, refusal: Refusal) => void,
): Server {
  return createServer((socket) => {
    // A reset during the handshake or the refusal must not become an uncaught error.
    socket.on("error", () => socket.destroy());
    const refusal = limiter?.admit(socket);
    if (refusal) refuse(socket, refusal);
    else serve(socket);
  });
}
