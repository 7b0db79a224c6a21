import type { Server } from "node:net";
import { formatListenAddress, type ListenAddress } from "../config/index.ts";
import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("runtime");

export const errListen = errors.unavailable(
  "listen",
  "cannot listen on {address} for {listener}: {reason}",
);

/** Where a listener is bound, as logged and as test harnesses read it. */
export interface BoundListener {
  /** The listener's configuration key without `.listen`, e.g. `http` or `http (tls)`. */
  name: string;
  /** The bound address, e.g. `127.0.0.1:1885` or `[::]:1885`. */
  address: string;
}

/**
 * Binds a TCP server. `:port` binds every interface: IPv6 with IPv4 mapped where the machine
 * has IPv6, IPv4 only where it does not. Port 0 binds a free port (tests use it).
 */
export async function listenTcp(
  server: Server,
  address: ListenAddress,
  name: string,
): Promise<BoundListener> {
  const hosts = address.host === undefined ? ["::", "0.0.0.0"] : [address.host];
  let lastError: unknown;
  for (const host of hosts) {
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
      return { name, address: formatListenAddress(bound.address, bound.port) };
    } catch (error) {
      lastError = error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "EAFNOSUPPORT" && code !== "EADDRNOTAVAIL") break;
    }
  }
  const code = (lastError as NodeJS.ErrnoException).code ?? (lastError as Error).message;
  throw errListen.create(
    {
      address: formatListenAddress(address.host ?? "", address.port),
      listener: name,
      reason: code,
    },
    lastError,
  );
}
