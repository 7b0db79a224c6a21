import type { Socket } from "node:dgram";
import type { Server as HttpServer, RequestListener } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Server } from "node:net";
import type { TlsOptions } from "node:tls";
import type { WebSocketServer } from "ws";
import type { BoundListener, ListenAddressInput } from "./bound-listener.ts";
import type { UdpListenOptions } from "./udp.ts";
import type { WebSocketListenOptions } from "./websocket.ts";

/**
 * How a component opens its ports. Every bound address is registered with the process (logged
 * as `"msg":"listening"` with `listener` and `address`) and closed when the component stops,
 * if the component has not closed it itself. `name` is the listener's configuration key
 * without `.listen` (`udp`, `basic_station (tls)`); names are unique in a process. `address`
 * is a configured listen address (`":1700"`, `"127.0.0.1:0"`); binding failures are typed
 * `listeners:listen` errors naming the listener.
 */
export interface Listen {
  /** Binds any `net.Server` (TCP, TLS, HTTP/2, an MQTT broker's). */
  tcp(name: string, address: ListenAddressInput, server: Server): Promise<BoundListener>;
  /** Binds a UDP socket (dual stack on `:port`); attach `message` handlers to it. */
  udp(name: string, address: ListenAddressInput, options?: UdpListenOptions): Promise<Socket>;
  /**
   * A websocket server on its own HTTP server (HTTPS with `options.tls`); accepted sockets are
   * emitted as `connection` (socket, request).
   */
  websocket(
    name: string,
    address: ListenAddressInput,
    options: WebSocketListenOptions,
  ): Promise<WebSocketServer>;
  /** An HTTP server with `handler` (HTTPS when `tls` is given). */
  http(
    name: string,
    address: ListenAddressInput,
    handler: RequestListener,
    tls?: TlsOptions,
  ): Promise<HttpServer | HttpsServer>;
}
