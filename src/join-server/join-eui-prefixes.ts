import { create } from "@bufbuild/protobuf";
import { type JoinEUIPrefix, JoinEUIPrefixSchema } from "../gen/ttn/lorawan/v3/joinserver_pb.js";

/** `js.join_eui_prefixes` entries (`"EUI/length"`, checked by the configuration) as messages. */
export function parseJoinEuiPrefixes(prefixes: readonly string[]): JoinEUIPrefix[] {
  return prefixes.map((text) => {
    const [eui = "", length = "0"] = text.split("/");
    return create(JoinEUIPrefixSchema, {
      joinEui: new Uint8Array(Buffer.from(eui, "hex")),
      length: Number(length),
    });
  });
}

/** Whether the first `prefix.length` bits of `joinEui` are the prefix's. */
export function matchesPrefix(prefix: JoinEUIPrefix, joinEui: Uint8Array): boolean {
  if (joinEui.length !== 8 || prefix.joinEui.length !== 8) return false;
  for (let bit = 0; bit < prefix.length; bit++) {
    const mask = 0x80 >> (bit % 8);
    const byte = bit >> 3;
    if (((joinEui[byte] as number) & mask) !== ((prefix.joinEui[byte] as number) & mask))
      return false;
  }
  return true;
}
