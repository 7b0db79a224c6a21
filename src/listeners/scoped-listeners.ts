import type { Socket as UdpSocket } from "node:dgram";
import type { EventEmitter } from "node:events";
import type { Server as HttpServer, RequestListener } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Server } from "node:net";
import type { TlsOptions } from "node:tls";
import type { WebSocketServer } from "ws";
import type { ListenAddress } from "../config/index.ts";
import type { Logger } from "../log/logger.ts";
import { type BoundListener, type ListenAddressInput, toListenAddress } from "./bound-listener.ts";
import { closeServer, trackConnections } from "./close.ts";
import { createHttpListenerServer } from "./http.ts";
import type { Listen } from "./listen.ts";
import type { ListenerRegistry } from "./registry.ts";
import { listenTcp } from "./tcp.ts";
import { listenUdp, type UdpListenOptions } from "./udp.ts";
import {
  closeWebSockets,
  createWebSocketListener,
  type WebSocketListenOptions,
} from "./websocket.ts";

/** A bound listener and what the component gets back. */
interface Opened<T> {
  bound: BoundListener;
  value: T;
  /** The object whose `error` and `close` events belong to the listener. */
  emitter: EventEmitter;
  close: (timeoutMs: number) => Promise<void>;
}

/** A component's {@link Listen}: binds, registers, and closes on `close()` what it opened. */
export class ScopedListeners implements Listen {
  readonly #registry: ListenerRegistry;
  readonly #owner: string;
  readonly #logger: Logger;

  constructor(registry: ListenerRegistry, owner: string, logger: Logger) {
    this.#registry = registry;
    this.#owner = owner;
    this.#logger = logger;
  }

  async tcp(name: string, address: ListenAddressInput, server: Server): Promise<BoundListener> {
    const sockets = trackConnections(server);
    const opened = await this.#open(name, address, async (parsed) => ({
      bound: await listenTcp(server, parsed, name),
      value: undefined,
      emitter: server,
      close: (timeoutMs) => closeServer(server, sockets, timeoutMs),
    }));
    return opened.bound;
  }

  async udp(
    name: string,
    address: ListenAddressInput,
    options: UdpListenOptions = {},
  ): Promise<UdpSocket> {
    const opened = await this.#open(name, address, async (parsed) => {
      const { socket, bound } = await listenUdp(name, parsed, options);
      return { bound, value: socket, emitter: socket, close: async () => closeUdp(socket) };
    });
    return opened.value;
  }

  async websocket(
    name: string,
    address: ListenAddressInput,
    options: WebSocketListenOptions,
  ): Promise<WebSocketServer> {
    const { http, websockets } = createWebSocketListener(options);
    const sockets = trackConnections(http);
    const opened = await this.#open(name, address, async (parsed) => ({
      bound: await listenTcp(http, parsed, name),
      value: websockets,
      emitter: http,
      close: async (timeoutMs) => {
        await closeWebSockets(websockets, timeoutMs);
        await closeServer(http, sockets, timeoutMs);
      },
    }));
    return opened.value;
  }

  async http(
    name: string,
    address: ListenAddressInput,
    handler: RequestListener,
    tls?: TlsOptions,
  ): Promise<HttpServer | HttpsServer> {
    const server = createHttpListenerServer(handler, tls);
    const sockets = trackConnections(server);
    const opened = await this.#open(name, address, async (parsed) => ({
      bound: await listenTcp(server, parsed, name),
      value: server,
      emitter: server,
      close: (timeoutMs) => closeServer(server, sockets, timeoutMs),
    }));
    return opened.value;
  }

  /** Closes every listener this component opened and has not closed itself. */
  close(): Promise<void> {
    return this.#registry.closeOwned(this.#owner);
  }

  /**
   * Reserves the name, parses the address, binds, then records the listener. Errors after the
   * bind (a failed accept, a send to an unreachable host) are logged: nothing a peer does may
   * throw out of an event emitter and end the process.
   */
  async #open<T>(
    name: string,
    address: ListenAddressInput,
    bind: (address: ListenAddress) => Promise<Opened<T>>,
  ): Promise<Opened<T>> {
    this.#registry.reserve(name);
    let opened: Opened<T>;
    try {
      opened = await bind(toListenAddress(name, address));
    } catch (error) {
      this.#registry.release(name);
      throw error;
    }
    opened.emitter.on("error", (error: Error) =>
      this.#logger.warn({ listener: name, err: error }, "listener error"),
    );
    // A component may close a listener itself; its name is then free again.
    opened.emitter.once("close", () => this.#registry.release(name));
    this.#registry.record({ bound: opened.bound, owner: this.#owner, close: opened.close });
    return opened;
  }
}

function closeUdp(socket: UdpSocket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // already closed by the component
    }
  });
}
