import { createSocket, type Socket, type SocketType } from "node:dgram";
import { isIPv6 } from "node:net";
import type { ListenAddress } from "../config/index.ts";
import {
  type BoundListener,
  boundListener,
  hostsToTry,
  listenFailed,
  noIpv6,
} from "./bound-listener.ts";

/** Socket options of a UDP listener, such as a gateway port. */
export interface UdpListenOptions {
  /**
   * SO_REUSEADDR. Off by default: with it, a second process can bind the same port and take
   * some of its datagrams, where without it the second bind is a clear error.
   */
  reuseAddress?: boolean;
  /**
   * SO_REUSEPORT (Linux): several sockets, in this or other processes, share the port and the
   * kernel spreads senders over them (each gateway address stays on one socket).
   */
  reusePort?: boolean;
  /**
   * SO_RCVBUF in bytes: room for a burst of datagrams while the event loop is busy. The kernel
   * may round it (Linux doubles it) and caps it at `net.core.rmem_max`.
   */
  receiveBufferSize?: number;
  /** SO_SNDBUF in bytes. */
  sendBufferSize?: number;
}

/**
 * Binds a UDP socket: on `:port`, one IPv6 socket that also receives IPv4 (dual stack), or an
 * IPv4 socket where the machine has no IPv6. A failure is a typed `listeners:listen` error.
 */
export async function listenUdp(
  name: string,
  address: ListenAddress,
  options: UdpListenOptions = {},
): Promise<{ socket: Socket; bound: BoundListener }> {
  let lastError: unknown;
  for (const host of hostsToTry(address)) {
    const socket = createSocket({
      type: socketType(host),
      ipv6Only: false,
      reuseAddr: options.reuseAddress ?? false,
      reusePort: options.reusePort ?? false,
    });
    try {
      await bind(socket, host, address.port);
      if (options.receiveBufferSize !== undefined)
        socket.setRecvBufferSize(options.receiveBufferSize);
      if (options.sendBufferSize !== undefined) socket.setSendBufferSize(options.sendBufferSize);
      const bound = socket.address();
      return { socket, bound: boundListener(name, bound.address, bound.port) };
    } catch (error) {
      lastError = error;
      closeQuietly(socket);
      if (!noIpv6(error)) break;
    }
  }
  throw listenFailed(name, address, lastError);
}

/** `udp6` for IPv6 literals and the any-address `::`; `udp4` for IPv4 and host names. */
function socketType(host: string): SocketType {
  return isIPv6(host) ? "udp6" : "udp4";
}

function bind(socket: Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    socket.once("error", onError);
    // Exclusive: a cluster worker binds its own socket instead of sharing the primary's.
    socket.bind({ address: host, port, exclusive: true }, () => {
      socket.off("error", onError);
      resolve();
    });
  });
}

function closeQuietly(socket: Socket): void {
  try {
    socket.close();
  } catch {
    // Never bound: nothing to close.
  }
}
