/**
 * A given list of devices for `lorastack simulate --devices-file`: end devices as The Things
 * Stack writes them in JSON (`ttn-lw-cli end-devices get --with-root-keys --with-session`, the
 * Console's import format), one object per line, a JSON array of them, or `{"end_devices":
 * [...]}` as a list call answers. Read as the API reads JSON: unknown fields are skipped, enum
 * names and their aliases accepted. The devices must exist in the stack already; the list gives
 * the simulator what a real device holds: its EUIs, its keys (OTAA) or its session (ABP).
 */
import { messageFromJson } from "../../api/rest/json.ts";
import { DefinedError } from "../../errors/index.ts";
import { type EndDevice, EndDeviceSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import type { KeyEnvelope } from "../../gen/ttn/lorawan/v3/keys_pb.js";
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { AbpActivation, DeviceVersion, OtaaActivation } from "../device/index.ts";
import { errBadDeviceList } from "./errors.ts";

/** The LoRaWAN versions the simulator speaks, by the registry's MAC version. */
const versionsByMac = new Map<MACVersion, DeviceVersion>([
  [MACVersion.MAC_V1_0_2, "1.0.2"],
  [MACVersion.MAC_V1_0_3, "1.0.3"],
  [MACVersion.MAC_V1_0_4, "1.0.4"],
  [MACVersion.MAC_V1_1, "1.1"],
]);

/** One device of the list: what the simulated device is built from. */
export interface ListedDevice {
  applicationId: string;
  deviceId: string;
  devEui: string;
  joinEui: string;
  version: DeviceVersion;
  deviceClass: "A" | "C";
  /** Empty when the device does not name one (the run's frequency plan then). */
  frequencyPlanId: string;
  activation: OtaaActivation | AbpActivation;
}

/** At most this many devices in one list (the `--devices` limit). */
export const MAX_LISTED_DEVICES = 1_000_000;

/** The devices of a list's text; a device that cannot be simulated throws `bad_device_list`. */
export function readDeviceList(text: string): ListedDevice[] {
  const objects = listObjects(text);
  if (objects.length === 0) throw bad("the list holds no device");
  if (objects.length > MAX_LISTED_DEVICES)
    throw bad(`the list holds ${objects.length} devices, more than ${MAX_LISTED_DEVICES}`);
  const seen = new Set<string>();
  return objects.map(({ where, json }) => {
    let device: EndDevice;
    try {
      device = messageFromJson(EndDeviceSchema, json);
    } catch (error) {
      throw bad(`${where}: ${error instanceof DefinedError ? error.message : String(error)}`);
    }
    const listed = listedDevice(device, where);
    const id = `${listed.applicationId}/${listed.deviceId}`;
    if (seen.has(id)) throw bad(`${where}: ${id} is listed twice`);
    seen.add(id);
    return listed;
  });
}

/** The JSON objects of the text, each with where it was (for errors). */
function listObjects(text: string): { where: string; json: unknown }[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    // One JSON value: an array, a list answer or a single device.
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      value = undefined;
    }
    if (value !== undefined) {
      const items = Array.isArray(value)
        ? value
        : isObject(value) && Array.isArray(value.end_devices)
          ? value.end_devices
          : [value];
      return items.map((json, i) => ({ where: `device ${i + 1}`, json }));
    }
  }
  // JSON lines: one device per line, blank lines skipped.
  const objects: { where: string; json: unknown }[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      objects.push({ where: `line ${i + 1}`, json: JSON.parse(line) });
    } catch (error) {
      throw bad(`line ${i + 1}: not JSON (${(error as Error).message})`);
    }
  });
  return objects;
}

function listedDevice(device: EndDevice, where: string): ListedDevice {
  const ids = device.ids;
  const applicationId = ids?.applicationIds?.applicationId ?? "";
  const deviceId = ids?.deviceId ?? "";
  if (applicationId === "" || deviceId === "")
    throw bad(`${where}: ids.device_id and ids.application_ids.application_id are required`);
  const name = `${where} (${deviceId})`;
  const version = versionsByMac.get(device.lorawanVersion);
  if (version === undefined)
    throw bad(
      `${name}: lorawan_version ${MACVersion[device.lorawanVersion] ?? device.lorawanVersion} is not simulated (1.0.2, 1.0.3, 1.0.4 or 1.1)`,
    );
  const lorawan11 = version === "1.1";
  const devEui = hex(ids?.devEui);
  const joinEui = hex(ids?.joinEui);
  let activation: OtaaActivation | AbpActivation;
  if (device.supportsJoin) {
    if (devEui === "") throw bad(`${name}: an OTAA device needs ids.dev_eui`);
    const appKey = plainKey(device.rootKeys?.appKey, "root_keys.app_key", name);
    // LoRaWAN 1.0.x devices have one root key, the AppKey; 1.1 devices also the NwkKey.
    activation = lorawan11
      ? {
          mode: "otaa",
          appKey,
          nwkKey: plainKey(device.rootKeys?.nwkKey, "root_keys.nwk_key", name),
        }
      : { mode: "otaa", appKey };
  } else {
    const session = device.session;
    if (session?.devAddr.length !== 4)
      throw bad(`${name}: an ABP device needs session.dev_addr (list it with its session)`);
    const keys = session.keys;
    const fNwkSIntKey = plainKey(keys?.fNwkSIntKey, "session.keys.f_nwk_s_int_key", name);
    activation = {
      mode: "abp",
      devAddr: hex(session.devAddr),
      appSKey: plainKey(keys?.appSKey, "session.keys.app_s_key", name),
      fNwkSIntKey,
      ...(lorawan11
        ? {
            sNwkSIntKey: plainKey(keys?.sNwkSIntKey, "session.keys.s_nwk_s_int_key", name),
            nwkSEncKey: plainKey(keys?.nwkSEncKey, "session.keys.nwk_s_enc_key", name),
          }
        : {}),
      // The stack has seen frames up to last_f_cnt_up: the next one is new.
      ...(session.lastFCntUp > 0 ? { fCntUp: session.lastFCntUp + 1 } : {}),
    };
  }
  return {
    applicationId,
    deviceId,
    devEui: devEui === "" ? "0000000000000000" : devEui,
    joinEui: joinEui === "" ? "0000000000000000" : joinEui,
    version,
    deviceClass: device.supportsClassC ? "C" : "A",
    frequencyPlanId: device.frequencyPlanId,
    activation,
  };
}

/** A key in the clear (hex); one only held encrypted (`kek_label`) cannot be simulated. */
function plainKey(envelope: KeyEnvelope | undefined, path: string, name: string): string {
  if (envelope?.key.length === 16) return hex(envelope.key);
  if (envelope && envelope.encryptedKey.length > 0)
    throw bad(
      `${name}: ${path} is encrypted (kek_label "${envelope.kekLabel}"): give it in the clear`,
    );
  throw bad(`${name}: ${path}.key is required (list the devices with their keys)`);
}

const hex = (bytes: Uint8Array | undefined) =>
  bytes && bytes.length > 0 ? Buffer.from(bytes).toString("hex").toUpperCase() : "";

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const bad = (reason: string) => errBadDeviceList.create({ reason });
