import type { ListenAddress } from "../config/index.ts";
import { formatListenAddress, parseListenAddress } from "../config/index.ts";
import { errListen, errListenAddress } from "./errors.ts";

/** Where a listener is bound, as logged (`"msg":"listening"`) and as test harnesses read it. */
export interface BoundListener {
  /** The listener's name: its configuration key without `.listen`, e.g. `http` or `http (tls)`. */
  name: string;
  /** The bound address, e.g. `127.0.0.1:1885` or `[::]:1885`. */
  address: string;
}

/** A listen address as configured (`":1700"`) or already parsed. */
export type ListenAddressInput = string | ListenAddress;

/** The parsed address; `""` and malformed text are a typed error naming the listener. */
export function toListenAddress(listener: string, address: ListenAddressInput): ListenAddress {
  if (typeof address !== "string") return address;
  const parsed = parseListenAddress(address);
  if (parsed === undefined) throw errListenAddress.create({ listener, address: `"${address}"` });
  return parsed;
}

/**
 * The hosts to try in order: `:port` means every interface, IPv6 with IPv4 mapped where the
 * machine has IPv6 and IPv4 only where it does not.
 */
export function hostsToTry(address: ListenAddress): readonly string[] {
  return address.host === undefined ? ["::", "0.0.0.0"] : [address.host];
}

/** Whether a failed bind on `::` should be retried on `0.0.0.0` (no IPv6 on this machine). */
export function noIpv6(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "EAFNOSUPPORT" || code === "EADDRNOTAVAIL";
}

/** The typed error for a bind that failed with `error`. */
export function listenFailed(listener: string, address: ListenAddress, error: unknown) {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return errListen.create(
    { address: formatListenAddress(address.host ?? "", address.port), listener, reason },
    error,
  );
}

/** The bound listener record for a socket address. */
export function boundListener(name: string, host: string, port: number): BoundListener {
  return { name, address: formatListenAddress(host, port) };
}
