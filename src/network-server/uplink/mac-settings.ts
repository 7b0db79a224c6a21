/**
 * The MAC settings a device works with: its own where it sets them, the Network Server's
 * defaults for its band (`ns.default_mac_settings`) elsewhere.
 */
import { clone, isFieldSet } from "@bufbuild/protobuf";
import { type MACSettings, MACSettingsSchema } from "../../gen/ttn/lorawan/v3/end_device_pb.js";

export function effectiveMacSettings(
  defaults: MACSettings,
  own: MACSettings | undefined,
): MACSettings {
  if (own === undefined) return defaults;
  const merged = clone(MACSettingsSchema, defaults);
  const target = merged as unknown as Record<string, unknown>;
  const source = own as unknown as Record<string, unknown>;
  for (const field of MACSettingsSchema.fields) {
    if (isFieldSet(own, field)) target[field.localName] = source[field.localName];
  }
  return merged;
}
