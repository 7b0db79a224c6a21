/**
 * Runs an uplink decoder (and the script's normalizer) on a plain uplink and writes TTS's
 * fields: `decoded_payload`, `decoded_payload_warnings`, `normalized_payload` (a list) and
 * `normalized_payload_warnings`. A failing script leaves the raw payload as it is; the caller
 * is told why, for `as.up.data.decode.fail`.
 */

import type { DefinedError } from "../../errors/index.ts";
import type { ApplicationUplink } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type {
  FormatterChoice,
  FormatterContext,
  PayloadFormatters,
} from "../formatters/payload-formatters.ts";
import { errDecodeUplink, errNormalizeUplink } from "./errors.ts";

/** The failure of the decoder or normalizer, if any (the uplink keeps what succeeded). */
export async function decodeUplinkInto(
  formatters: PayloadFormatters,
  choice: FormatterChoice,
  uplink: ApplicationUplink,
  context: FormatterContext,
  recvTime: Date,
): Promise<DefinedError | undefined> {
  const result = await formatters.decodeUplink(
    choice,
    { bytes: uplink.frmPayload, fPort: uplink.fPort, recvTime },
    context,
  );
  if (result.errors.length > 0 || !result.data)
    return errDecodeUplink.create({ errors: result.errors.join("; ") || "no data" });
  uplink.decodedPayload = result.data;
  uplink.decodedPayloadWarnings = result.warnings;
  const normalized = result.normalized;
  if (!normalized) return undefined;
  if (normalized.errors.length > 0)
    return errNormalizeUplink.create({ errors: normalized.errors.join("; ") });
  uplink.normalizedPayload = normalized.data;
  uplink.normalizedPayloadWarnings = normalized.warnings;
  return undefined;
}
