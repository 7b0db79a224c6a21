/**
 * The uplink token the Gateway Server puts in each uplink's Rx metadata: the `UplinkToken`
 * message in protobuf binary (gateway ids and antenna, the 32-bit concentrator timestamp, the
 * concentrator time with its wraps counted, the server's and the gateway's time of reception).
 * The Network Server hands it back unchanged in a class A downlink path, and it tells the
 * Gateway Server which gateway antenna to send on and against which clock to time RX1/RX2.
 * Pure: no I/O, no clock.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { type UplinkToken, UplinkTokenSchema } from "../gen/ttn/lorawan/v3/lorawan_pb.js";

/** What an uplink token carries, in plain values. */
export interface UplinkTokenFields {
  gatewayId: string;
  /** The gateway EUI, when the gateway has one. */
  eui?: Uint8Array | undefined;
  antennaIndex: number;
  /** Concentrator timestamp of the uplink (µs, 32 bits). */
  timestamp: number;
  /** Concentrator time with wraps counted (µs), when the frontend tracks it. */
  concentratorTime?: bigint | undefined;
  /** When the Gateway Server received the uplink (ms since the epoch). */
  serverTimeMs: number;
  /** When the gateway received it by its own clock (ms since the epoch), when known. */
  gatewayTimeMs?: number | undefined;
}

/** Tokens are small; anything much longer is not ours. */
const maxTokenLength = 256;

export function encodeUplinkToken(fields: UplinkTokenFields): Uint8Array {
  return toBinary(
    UplinkTokenSchema,
    create(UplinkTokenSchema, {
      ids: {
        gatewayIds: { gatewayId: fields.gatewayId, eui: fields.eui ?? new Uint8Array() },
        antennaIndex: fields.antennaIndex,
      },
      timestamp: fields.timestamp >>> 0,
      serverTime: timestampFromMs(fields.serverTimeMs),
      concentratorTime: fields.concentratorTime ?? 0n,
      gatewayTime:
        fields.gatewayTimeMs === undefined ? undefined : timestampFromMs(fields.gatewayTimeMs),
    }),
  );
}

/**
 * The fields of a token, or `undefined` for bytes that are not a token of ours (garbage from a
 * peer is answered with a path error, so no typed error is made here).
 */
export function decodeUplinkToken(bytes: Uint8Array): UplinkTokenFields | undefined {
  if (bytes.length === 0 || bytes.length > maxTokenLength) return undefined;
  let token: UplinkToken;
  try {
    token = fromBinary(UplinkTokenSchema, bytes);
  } catch {
    return undefined;
  }
  const gatewayId = token.ids?.gatewayIds?.gatewayId;
  if (!gatewayId || !token.serverTime) return undefined;
  const eui = token.ids?.gatewayIds?.eui;
  return {
    gatewayId,
    eui: eui && eui.length > 0 ? eui : undefined,
    antennaIndex: token.ids?.antennaIndex ?? 0,
    timestamp: token.timestamp,
    concentratorTime: token.concentratorTime === 0n ? undefined : token.concentratorTime,
    serverTimeMs: timestampMs(token.serverTime),
    gatewayTimeMs: token.gatewayTime ? timestampMs(token.gatewayTime) : undefined,
  };
}
