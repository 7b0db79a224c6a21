import type { MessagePayloadFormatters } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { errFormatterScriptTooLarge } from "../errors.ts";
import { namesAny } from "./field-masks.ts";

const parameters = [
  ["upFormatterParameter", "up_formatter_parameter"],
  ["downFormatterParameter", "down_formatter_parameter"],
] as const;

/**
 * Refuses a formatter script (parameter) longer than `max` bytes that a Set names, as The
 * Things Stack's `formatter_script_too_large`; `prefix` is where the formatters are
 * (`formatters` of a device, `default_formatters` of a link).
 */
export function checkFormatterLengths(
  formatters: MessagePayloadFormatters | undefined,
  prefix: string,
  paths: readonly string[],
  max: number,
): void {
  for (const [field, name] of parameters) {
    const path = `${prefix}.${name}`;
    if (!namesAny(paths, [path])) continue;
    const size = Buffer.byteLength(formatters?.[field] ?? "", "utf8");
    if (size > max) throw errFormatterScriptTooLarge.create({ field: path, size, max_size: max });
  }
}
