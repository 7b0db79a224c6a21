import { randomBytes } from "node:crypto";
import type { ApiClient } from "../client/api-client.ts";
import { type DeviceChange, getPath, setField } from "./device-flags.ts";
import { errActivation } from "./errors.ts";
import { hasSeparateNetworkKeys } from "./versions.ts";

/**
 * What `end-devices create` and `import` add to a new device before it is registered, as
 * ttn-lw-cli does: OTAA unless `--abp`; with `--defaults` the Identity Server learns which
 * servers hold the device's parts (the host of `--server`) and an OTAA device without a
 * JoinEUI gets the Join Server's default one; `--with-root-keys` generates the AppKey and
 * NwkKey and `--with-session` an ABP session (a DevAddr from the Network Server, the keys of
 * the device's LoRaWAN version). Keys that are given are kept.
 */
export interface NewDeviceOptions {
  abp: boolean;
  defaults: boolean;
  withRootKeys: boolean;
  withSession: boolean;
}

/** Answers that are the same for every device of a run (asked once, on first need). */
export interface ServerFacts {
  defaultJoinEui(): Promise<string>;
  devAddr(): Promise<string>;
}

/** {@link ServerFacts} from the server's Join and Network Servers; the JoinEUI is cached. */
export function serverFacts(client: ApiClient): ServerFacts {
  let joinEui: Promise<string> | undefined;
  return {
    defaultJoinEui() {
      joinEui ??= client
        .call<{ join_eui?: string }>("GET", "/js/default_join_eui")
        .then(({ json }) => json.join_eui ?? "0000000000000000");
      return joinEui;
    },
    async devAddr() {
      const { json } = await client.call<{ dev_addr?: string }>("GET", "/ns/dev_addr");
      if (!json.dev_addr) throw new Error("the Network Server answered no DevAddr");
      return json.dev_addr;
    },
  };
}

/** A random AES-128 key as 32 upper-case hex digits. */
export function generateKey(): string {
  return randomBytes(16).toString("hex").toUpperCase();
}

/** Completes `change` (whose device has its `ids`) for creation. */
export async function completeNewDevice(
  change: DeviceChange,
  options: NewDeviceOptions,
  facts: ServerFacts,
  serverHost: string,
): Promise<void> {
  const { device } = change;
  const given = device.supports_join;
  const supportsJoin = typeof given === "boolean" ? given : !options.abp;
  if (options.abp && given === true)
    throw errActivation.create({ reason: "--abp and --supports-join: choose one" });
  setField(change, "supports_join", supportsJoin);
  if (options.defaults) {
    setField(change, "network_server_address", device.network_server_address ?? serverHost);
    setField(change, "application_server_address", device.application_server_address ?? serverHost);
    if (supportsJoin)
      setField(change, "join_server_address", device.join_server_address ?? serverHost);
  }
  if (supportsJoin) {
    if (options.withSession)
      throw errActivation.create({ reason: "--with-session is for ABP devices (--abp)" });
    if (options.defaults && getPath(device, "ids.join_eui") === undefined)
      setField(change, "ids.join_eui", await facts.defaultJoinEui());
    if (options.withRootKeys) {
      setMissing(change, "root_keys.root_key_id", () => "lorastack-cli-generated");
      setMissing(change, "root_keys.app_key.key", generateKey);
      setMissing(change, "root_keys.nwk_key.key", generateKey);
    }
    return;
  }
  if (options.withRootKeys)
    throw errActivation.create({ reason: "--with-root-keys is for OTAA devices" });
  if (!options.withSession) return;
  if (getPath(device, "session.dev_addr") === undefined)
    setField(change, "session.dev_addr", await facts.devAddr());
  setMissing(change, "session.keys.app_s_key.key", generateKey);
  setMissing(change, "session.keys.f_nwk_s_int_key.key", generateKey);
  if (hasSeparateNetworkKeys(String(device.lorawan_version ?? ""))) {
    setMissing(change, "session.keys.s_nwk_s_int_key.key", generateKey);
    setMissing(change, "session.keys.nwk_s_enc_key.key", generateKey);
  }
}

function setMissing(change: DeviceChange, path: string, value: () => string): void {
  if (getPath(change.device, path) === undefined) setField(change, path, value());
}
