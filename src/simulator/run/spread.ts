import { errBadFlag } from "./errors.ts";

/**
 * The addresses of a flag that takes one or several, comma-separated (`--udp-address
 * a:1700,b:1700`): gateway `i` uses address `i mod n`, as gateways spread by a load balancer
 * over the instances of a cluster. Empty entries and a list with none are refused.
 */
export function spreadAddresses(flag: string, value: string): string[] {
  const addresses = value.split(",").map((address) => address.trim());
  if (addresses.length === 0 || addresses.some((address) => address === ""))
    throw errBadFlag.create({ flag, reason: "expected one address or several, comma-separated" });
  return addresses;
}

/** The address gateway number `index` (from 0) connects to. */
export function addressOf(addresses: readonly string[], index: number): string {
  return addresses[index % addresses.length] as string;
}
