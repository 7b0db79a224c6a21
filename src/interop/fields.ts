/**
 * The field types of Backend Interfaces messages: hexadecimal buffers (upper case when written,
 * any case and an optional `0x` when read, as The Things Stack reads them), EUIs, NetIDs,
 * DevAddrs, key envelopes and MAC versions.
 */
import { z } from "zod";
import { MACVersion } from "../gen/ttn/lorawan/v3/lorawan_pb.js";

/** Upper-case hex of `bytes`. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase();
}

/** Bytes of a hex field; `lengths` are the byte lengths allowed (any when empty). */
export function hex(what: string, ...lengths: number[]) {
  return z.string().transform((text, ctx) => {
    const digits = text.startsWith("0x") || text.startsWith("0X") ? text.slice(2) : text;
    const ok =
      /^(?:[0-9a-fA-F]{2})*$/.test(digits) &&
      (lengths.length === 0 || lengths.includes(digits.length / 2));
    if (!ok) {
      const expected = lengths.length ? `${lengths.join(" or ")} bytes of ` : "";
      ctx.addIssue({ code: "custom", message: `${what}: expected ${expected}hexadecimal` });
      return z.NEVER;
    }
    return new Uint8Array(Buffer.from(digits, "hex"));
  });
}

export const eui = (what: string) => hex(what, 8);
export const netId = (what: string) => hex(what, 3);
export const devAddr = (what: string) => hex(what, 4);

/** A key in a message: `AESKey` wrapped with the KEK `KEKLabel`, or in plain when it is empty. */
export interface KeyEnvelopeJson {
  KEKLabel: string;
  AESKey: string;
}

export const keyEnvelope = z.object({
  KEKLabel: z.string().max(64).default(""),
  // A 16-byte key in plain, 24 bytes wrapped with RFC 3394.
  AESKey: hex("AESKey", 16, 24),
});
export type KeyEnvelopeValue = z.output<typeof keyEnvelope>;

/** MAC versions by their Backend Interfaces names. */
export const macVersionNames: ReadonlyMap<string, MACVersion> = new Map([
  ["1.0", MACVersion.MAC_V1_0],
  ["1.0.0", MACVersion.MAC_V1_0],
  ["1.0.1", MACVersion.MAC_V1_0_1],
  ["1.0.2", MACVersion.MAC_V1_0_2],
  ["1.0.3", MACVersion.MAC_V1_0_3],
  ["1.0.4", MACVersion.MAC_V1_0_4],
  ["1.1", MACVersion.MAC_V1_1],
]);

/** The name written for a MAC version; `undefined` for versions Backend Interfaces lacks. */
export function macVersionName(version: MACVersion): string | undefined {
  for (const [name, value] of macVersionNames) if (value === version) return name;
  return undefined;
}

export const macVersion = z.string().transform((text, ctx) => {
  const version = macVersionNames.get(text);
  if (version === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `MACVersion: unknown version ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
  return version;
});
