import { errUnknownField } from "./errors.ts";

/**
 * Which registry keeps which part of an end device, as The Things Stack splits `EndDevice`
 * over its Identity, Network, Application and Join Servers (see end_device.proto): the table
 * the CLI routes field masks by. It mirrors the servers' own field lists
 * (`networkServerFields`, `joinServerFields`, the Application Server's and the Identity
 * Server's), which `registries.test.ts` checks it against; it is a copy so that a CLI command
 * does not load the servers' code.
 */
export type Registry = "is" | "js" | "ns" | "as";

/** The REST prefix of each registry's end devices. */
export const registryPrefix: Record<Registry, string> = { is: "", js: "/js", ns: "/ns", as: "/as" };

/** TTS's order of creation; deletion goes the other way (AS, NS, JS, IS). */
export const createOrder: readonly Registry[] = ["is", "js", "ns", "as"];

/** Top-level fields and their registries. Addresses of the servers are the IS's to list. */
const topLevel: Readonly<Record<string, readonly Registry[]>> = {
  name: ["is"],
  description: ["is"],
  attributes: ["is"],
  version_ids: ["is", "as"],
  network_server_address: ["is"],
  application_server_address: ["is"],
  join_server_address: ["is"],
  locations: ["is"],
  // Read only: written by the Network Server through the cluster (BatchUpdateLastSeen).
  last_seen_at: ["is"],
  frequency_plan_id: ["ns"],
  lorawan_version: ["ns"],
  lorawan_phy_version: ["ns"],
  supports_join: ["ns"],
  supports_class_b: ["ns"],
  supports_class_c: ["ns"],
  multicast: ["ns"],
  mac_settings: ["ns"],
  mac_state: ["ns"],
  pending_mac_state: ["ns"],
  battery_percentage: ["ns"],
  downlink_margin: ["ns"],
  last_dev_status_received_at: ["ns"],
  power_state: ["ns"],
  formatters: ["as"],
  skip_payload_crypto: ["as"],
  skip_payload_crypto_override: ["as"],
  root_keys: ["js"],
  resets_join_nonces: ["js"],
  net_id: ["js"],
  network_server_kek_label: ["js"],
  application_server_kek_label: ["js"],
  application_server_id: ["js"],
  last_dev_nonce: ["js"],
  used_dev_nonces: ["js"],
  last_join_nonce: ["js"],
  last_rj_count_0: ["js"],
  last_rj_count_1: ["js"],
  claim_authentication_code: ["js"],
  provisioner_id: ["js"],
  provisioning_data: ["js"],
};

/** The parts of a session (below `session.`): the AppSKey is the AS's, the rest the NS's. */
const sessionParts: readonly (readonly [string, readonly Registry[]])[] = [
  ["dev_addr", ["ns", "as"]],
  ["keys.session_key_id", ["ns", "as"]],
  ["keys.app_s_key", ["as"]],
  ["keys.f_nwk_s_int_key", ["ns"]],
  ["keys.s_nwk_s_int_key", ["ns"]],
  ["keys.nwk_s_enc_key", ["ns"]],
  ["last_a_f_cnt_down", ["ns", "as"]],
];
const sessions = new Set(["session", "pending_session"]);

/** The identifiers a path may name: the EUIs are the IS's to keep (and go with every call). */
const idPaths = new Set(["ids.dev_eui", "ids.join_eui"]);

/** Every top-level field the table knows (the field selectors of get). */
export const deviceFields: readonly string[] = [
  ...Object.keys(topLevel),
  "session",
  "pending_session",
];

/** The registries that keep `path`, or `unknown_device_field`. */
export function registriesOf(path: string): readonly Registry[] {
  if (idPaths.has(path)) return ["is"];
  const [top = "", ...rest] = path.split(".");
  if (sessions.has(top)) return sessionRegistries(rest.join("."));
  const registries = topLevel[top];
  if (registries === undefined) throw errUnknownField.create({ path });
  return registries;
}

function sessionRegistries(below: string): readonly Registry[] {
  if (below === "") return ["ns", "as"];
  const found = new Set<Registry>();
  for (const [part, registries] of sessionParts) {
    // `keys` names several parts; `keys.app_s_key.key` names a part of one.
    if (part === below || below.startsWith(`${part}.`) || part.startsWith(`${below}.`))
      for (const registry of registries) found.add(registry);
  }
  return found.size > 0 ? [...found] : ["ns"];
}

/**
 * `paths` split by registry. Writing, the pending session is left to the NS (the AS's is
 * read-only there); reading, the AS shows its own.
 */
export function splitPaths(
  paths: readonly string[],
  use: "read" | "write",
): Record<Registry, string[]> {
  const split: Record<Registry, string[]> = { is: [], js: [], ns: [], as: [] };
  for (const path of paths) {
    for (const registry of registriesOf(path)) {
      if (use === "write" && registry === "as" && path.startsWith("pending_session")) continue;
      if (!split[registry].includes(path)) split[registry].push(path);
    }
  }
  return split;
}
