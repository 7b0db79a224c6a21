import { checkedId, type DeviceRef } from "../arguments.ts";
import {
  errChoice,
  errEndDeviceRef,
  errFPort,
  errHex,
  errJsonObject,
  errKeyValue,
  errRange,
} from "./errors.ts";

/**
 * Reading the traffic commands' flags into The Things Stack's JSON. Everything here throws
 * usage errors (exit 2) before any call.
 */

/** Hex digits (spaces and `:` allowed between bytes) as the API's base64. */
export function hexToBase64(flag: string, value: string): string {
  const hex = value.replace(/[\s:]/g, "");
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw errHex.create({ flag, value });
  return Buffer.from(hex, "hex").toString("base64");
}

/** An FPort, 1–255 (0 carries MAC commands only and is not the application's). */
export function parseFPort(value: unknown): number {
  const text = String(value);
  const port = /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 255)) throw errFPort.create({ value: text });
  return port;
}

/** A whole number within `[min, max]`. */
export function parseWhole(flag: string, value: unknown, min: number, max: number): number {
  const text = String(value);
  const number = /^\d{1,10}$/.test(text) ? Number(text) : Number.NaN;
  if (!(number >= min && number <= max)) throw errRange.create({ flag, value: text, min, max });
  return number;
}

/** One of `choices`, matched without regard to case; written as the choice is spelled. */
export function parseChoice(flag: string, value: string, choices: readonly string[]): string {
  const found = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
  if (found === undefined) throw errChoice.create({ flag, value, choices: choices.join(", ") });
  return found;
}

/** A JSON object (`--decoded-payload`). */
export function parseJsonObject(flag: string, value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    throw errJsonObject.create({ flag, reason: (error as Error).message });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw errJsonObject.create({ flag, reason: "not an object" });
  return parsed as Record<string, unknown>;
}

/** Repeated `key=value` into a map; a value may contain `=`. */
export function parseKeyValues(flag: string, values: readonly string[]): Record<string, string> {
  const map: Record<string, string> = Object.create(null);
  for (const value of values) {
    const at = value.indexOf("=");
    if (at <= 0) throw errKeyValue.create({ flag, value });
    map[value.slice(0, at)] = value.slice(at + 1);
  }
  return { ...map };
}

/** `/as/applications/app/devices/dev`. */
export function devicePath(device: DeviceRef): string {
  return `/as/applications/${encodeURIComponent(device.applicationId)}/devices/${encodeURIComponent(device.deviceId)}`;
}

/** `app/dev` (`events --end-device-id`). */
export function parseDeviceRef(value: string): DeviceRef {
  const [applicationId, deviceId, ...rest] = value.split("/");
  if (!applicationId || !deviceId || rest.length > 0) throw errEndDeviceRef.create({ value });
  return {
    applicationId: checkedId("application_id", applicationId),
    deviceId: checkedId("device_id", deviceId),
  };
}
