import type { JsonObject } from "@bufbuild/protobuf";
import type {
  EndDeviceIdentifiers,
  EndDeviceVersionIdentifiers,
} from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import type { PayloadFormatter } from "../../gen/ttn/lorawan/v3/messages_pb.js";

/** Which formatter to run: a kind (`FORMATTER_JAVASCRIPT`, `FORMATTER_CAYENNELPP`, ...) and its parameter (the script). */
export interface FormatterChoice {
  formatter: PayloadFormatter;
  parameter: string;
}

/** Who the payload belongs to (scripts may not see it; used for logs, metrics and caches). */
export interface FormatterContext {
  endDeviceIds: EndDeviceIdentifiers;
  versionIds?: EndDeviceVersionIdentifiers;
}

/** The outcome of an uplink decoder and, when the script has one, its normalizer. */
export interface DecodedUplink {
  /** The decoder's `data` (an object); absent when the decoder failed or returned none. */
  data?: JsonObject;
  warnings: string[];
  /** Errors the script returned, or why running it failed (thrown, timed out, out of memory, junk returned). */
  errors: string[];
  /** `normalizeUplink`'s result, when the script defines it and decoding succeeded. */
  normalized?: { data: JsonObject[]; warnings: string[]; errors: string[] };
}

/** The outcome of a downlink encoder. */
export interface EncodedDownlink {
  /** The frame payload; absent when encoding failed. */
  bytes?: Uint8Array;
  /** The FPort the encoder chose (the Payload Codec API's `fPort`), if any. */
  fPort?: number;
  warnings: string[];
  errors: string[];
}

/** The outcome of a downlink decoder. */
export interface DecodedDownlink {
  data?: JsonObject;
  warnings: string[];
  errors: string[];
}

/**
 * Runs payload formatters (JavaScript in a sandbox with memory and time limits, CayenneLPP).
 * Never throws for a script's fault: a script that throws, loops, allocates without end or
 * returns junk gives `errors`; the caller decides what becomes a warning or a failure event.
 * `FORMATTER_NONE` gives an empty result (no data, no errors).
 */
export interface PayloadFormatters {
  decodeUplink(
    choice: FormatterChoice,
    input: { bytes: Uint8Array; fPort: number; recvTime: Date },
    context: FormatterContext,
  ): Promise<DecodedUplink>;
  encodeDownlink(
    choice: FormatterChoice,
    input: { data: JsonObject; fPort?: number },
    context: FormatterContext,
  ): Promise<EncodedDownlink>;
  decodeDownlink(
    choice: FormatterChoice,
    input: { bytes: Uint8Array; fPort: number },
    context: FormatterContext,
  ): Promise<DecodedDownlink>;
  /** Disposes the sandboxes. */
  close(): Promise<void>;
}
