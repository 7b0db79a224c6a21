import type { Server } from "node:net";
import type { ListenAddress } from "../config/index.ts";
import {
  type BoundListener,
  boundListener,
  hostsToTry,
  listenFailed,
  noIpv6,
} from "./bound-listener.ts";

/**
 * Binds a TCP server (plain, TLS, HTTP, HTTP/2: any `net.Server`). `:port` binds every
 * interface (see {@link hostsToTry}); port 0 binds a free port (tests use it). A failure is a
 * typed `listeners:listen` error naming the listener and the address.
 */
export async function listenTcp(
  server: Server,
  address: ListenAddress,
  name: string,
): Promise<BoundListener> {
  let lastError: unknown;
  for (const host of hostsToTry(address)) {
    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once("error", onError);
        server.listen({ host, port: address.port }, () => {
          server.off("error", onError);
          resolve();
        });
      });
      const bound = server.address();
      if (bound === null || typeof bound === "string") throw new Error("server has no TCP address");
      return boundListener(name, bound.address, bound.port);
    } catch (error) {
      lastError = error;
      if (!noIpv6(error)) break;
    }
  }
  throw listenFailed(name, address, lastError);
}
