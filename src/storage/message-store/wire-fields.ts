/**
 * Reading one field of an encoded protobuf message without decoding it: a walk over the
 * message's top-level fields that skips the others by their wire type and length. For scans
 * that need one small field of large messages (a DevAddr index's `updated_at`).
 *
 * The bytes may be corrupt or cut short (a prefix read from the database): the walk never
 * throws; it stops at the first field it cannot read and reports what it found before.
 */

// Wire types (protobuf encoding): varint, 64-bit, length-delimited, 32-bit. Groups (3, 4) and
// 6, 7 are not skipped: no message a store holds uses groups, so they end the walk.
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

const MAX_VARINT_BYTES = 10;
const TWO_POW_32 = 2 ** 32;

/** A position in encoded bytes, and the last varint read as two 32-bit halves. */
class Reader {
  readonly bytes: Uint8Array;
  pos: number;
  readonly end: number;
  low = 0;
  high = 0;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  /** Reads a varint into `low`/`high`; false when it runs past the end or is too long. */
  varint(): boolean {
    let low = 0;
    let high = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) return false;
      const byte = this.bytes[this.pos++] as number;
      const bits = byte & 0x7f;
      if (i < 4) low |= bits << (7 * i);
      else if (i === 4) {
        low |= bits << 28;
        high |= bits >>> 4;
      } else high |= bits << (7 * i - 32);
      if (byte < 0x80) {
        this.low = low >>> 0;
        this.high = high >>> 0;
        return true;
      }
    }
    return false;
  }

  /** The last varint as an unsigned number (exact up to 2^53). */
  get unsigned(): number {
    return this.high * TWO_POW_32 + this.low;
  }

  /** The last varint as a signed 64-bit number (exact within ±2^53). */
  get signed64(): number {
    return (this.high | 0) * TWO_POW_32 + this.low;
  }

  /** Moves past a field's value of `wireType`; false when it cannot. */
  skip(wireType: number): boolean {
    switch (wireType) {
      case VARINT:
        return this.varint();
      case FIXED64:
        return this.advance(8);
      case LENGTH_DELIMITED:
        return this.varint() && this.high === 0 && this.advance(this.low);
      case FIXED32:
        return this.advance(4);
      default:
        return false;
    }
  }

  advance(length: number): boolean {
    if (length > this.end - this.pos) return false;
    this.pos += length;
    return true;
  }
}

/**
 * Calls `visit` with the contents (a view, not a copy) of every occurrence of the
 * length-delimited top-level field `fieldNumber`, in order, until the end of `bytes` or the
 * first field that cannot be read. Resolves to whether the walk reached the end: false for
 * corrupt or cut-short bytes (what was visited before stays valid).
 */
export function visitLengthDelimitedField(
  bytes: Uint8Array,
  fieldNumber: number,
  visit: (contents: Uint8Array) => void,
): boolean {
  const reader = new Reader(bytes);
  while (reader.pos < reader.end) {
    if (!reader.varint() || reader.high !== 0) return false;
    const number = reader.low >>> 3;
    const wireType = reader.low & 7;
    if (number === 0) return false;
    if (number === fieldNumber && wireType === LENGTH_DELIMITED) {
      if (!reader.varint() || reader.high !== 0) return false;
      const start = reader.pos;
      if (!reader.advance(reader.low)) return false;
      visit(bytes.subarray(start, reader.pos));
    } else if (!reader.skip(wireType)) return false;
  }
  return true;
}

/** The parts of a google.protobuf.Timestamp, as numbers. */
interface TimestampParts {
  seconds: number;
  nanos: number;
}

/**
 * Reads an encoded google.protobuf.Timestamp into `parts` (fields it lacks are left as they
 * are, as protobuf merges repeated occurrences); false when malformed.
 */
function readTimestamp(contents: Uint8Array, parts: TimestampParts): boolean {
  const reader = new Reader(contents);
  while (reader.pos < reader.end) {
    if (!reader.varint() || reader.high !== 0) return false;
    const number = reader.low >>> 3;
    const wireType = reader.low & 7;
    if (number === 0) return false;
    if ((number === 1 || number === 2) && wireType === VARINT) {
      if (!reader.varint()) return false;
      if (number === 1) parts.seconds = reader.signed64;
      else parts.nanos = reader.low | 0;
    } else if (!reader.skip(wireType)) return false;
  }
  return true;
}

/**
 * The google.protobuf.Timestamp in top-level field `fieldNumber` of an encoded message, in ms
 * since the epoch (rounded as protobuf-es `timestampMs` rounds); `undefined` when the field
 * is absent or malformed. Occurrences after a field the walk cannot read (corrupt or cut-short
 * bytes) are not seen: with a prefix of the message, only those within it count.
 */
export function timestampFieldMs(bytes: Uint8Array, fieldNumber: number): number | undefined {
  let parts: TimestampParts | undefined;
  let malformed = false;
  visitLengthDelimitedField(bytes, fieldNumber, (contents) => {
    parts ??= { seconds: 0, nanos: 0 };
    if (!readTimestamp(contents, parts)) malformed = true;
  });
  if (!parts || malformed) return undefined;
  const { seconds, nanos } = parts;
  return seconds * 1000 + Math.round(nanos / 1_000_000);
}
