/**
 * The shape of a MAC command descriptor: one CID, at most one command per direction, each with
 * its fixed payload length and its decoder/encoder. Descriptors are data; the sequence parser in
 * `sequence.ts` reads them and never branches on a command.
 */

/** Uplink: end device to network server. Downlink: network server to end device. */
export type MacDirection = "uplink" | "downlink";

/** The LoRaWAN L2 versions whose MAC commands this table knows. */
export type MacVersion = "1.0.0" | "1.0.1" | "1.0.2" | "1.0.3" | "1.0.4" | "1.1";

/** Every version, oldest first. */
export const MAC_VERSIONS: readonly MacVersion[] = [
  "1.0.0",
  "1.0.1",
  "1.0.2",
  "1.0.3",
  "1.0.4",
  "1.1",
];

/** The fields of a command with an empty payload. */
export type EmptyFields = Record<never, never>;

/** A decoded command: its CID, its name and its fields in camelCase. */
export type MacCommandOf<C extends number, N extends string, F> = {
  readonly cid: C;
  readonly name: N;
} & F;

/** The wire codec of one command in one direction. */
export interface MacCommandCodec<N extends string, F> {
  /** The command name in this direction, e.g. `LinkADRReq`. */
  readonly name: N;
  /** The payload length in bytes, without the CID byte. */
  readonly length: number;
  /**
   * Reads the fields from `length` bytes at `offset` (the caller checked they are there). RFU
   * bits are ignored; reserved values are kept, so the network server can decide what to do.
   */
  decode(bytes: Uint8Array, offset: number): F;
  /**
   * Validates the fields and writes `length` bytes at `offset`. Throws `errInvalidField` for a
   * value that has no wire form or that the specification reserves. RFU bits are written as 0.
   */
  encode(fields: F, out: Uint8Array, offset: number): void;
}

/** Any codec, for lookup tables. */
export type AnyMacCommandCodec = MacCommandCodec<string, object>;

/** The wire descriptor of one CID. */
export interface MacCommandDescriptor<
  C extends number = number,
  Up extends AnyMacCommandCodec | null = AnyMacCommandCodec | null,
  Down extends AnyMacCommandCodec | null = AnyMacCommandCodec | null,
> {
  /** The command identifier. */
  readonly cid: C;
  /** The name shared by both directions, e.g. `LinkADR`. */
  readonly name: string;
  /** Who sends the request: `device` for LinkCheck, DeviceTime, ResetInd..., else `network`. */
  readonly initiatedBy: "device" | "network";
  /** The versions in which the command has the layout encoded here. */
  readonly versions: readonly MacVersion[];
  /** Whether the specification deprecates the command (BeaconTiming from 1.0.3 and 1.1 on). */
  readonly deprecated: boolean;
  /** The command the end device sends, or null when it sends none with this CID. */
  readonly uplink: Up;
  /** The command the network server sends, or null when it sends none with this CID. */
  readonly downlink: Down;
  /** Payload length of the uplink command, or null when there is none. */
  readonly uplinkLength: number | null;
  /** Payload length of the downlink command, or null when there is none. */
  readonly downlinkLength: number | null;
}

/** Any descriptor, for lookup tables. */
export type AnyMacCommandDescriptor = MacCommandDescriptor;

/** Builds a descriptor, deriving the per-direction lengths from the codecs. */
export function defineMacCommand<
  const C extends number,
  Up extends AnyMacCommandCodec | null,
  Down extends AnyMacCommandCodec | null,
>(spec: {
  cid: C;
  name: string;
  initiatedBy: "device" | "network";
  versions: readonly MacVersion[];
  deprecated?: boolean;
  uplink: Up;
  downlink: Down;
}): MacCommandDescriptor<C, Up, Down> {
  return Object.freeze({
    cid: spec.cid,
    name: spec.name,
    initiatedBy: spec.initiatedBy,
    versions: Object.freeze([...spec.versions]),
    deprecated: spec.deprecated ?? false,
    uplink: spec.uplink,
    downlink: spec.downlink,
    uplinkLength: spec.uplink === null ? null : spec.uplink.length,
    downlinkLength: spec.downlink === null ? null : spec.downlink.length,
  });
}

/** A codec for a command without payload. */
export function emptyCodec<N extends string>(name: N): MacCommandCodec<N, EmptyFields> {
  return {
    name,
    length: 0,
    decode: () => ({}),
    encode: () => {},
  };
}
