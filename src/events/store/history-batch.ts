/**
 * A batch of events for the history writer thread, packed into one `ArrayBuffer` so that it
 * crosses to the worker in one transfer instead of a structured clone of every object. Per
 * event: its ULID, its `ttn.lorawan.v3.Event` bytes and its index keys, each length-prefixed
 * (lengths little-endian; strings UTF-8). Free of the event codec's imports: the worker thread
 * loads only what it needs.
 */

/** One event as the writer stores it. */
export interface HistoryRecord {
  uniqueId: string;
  payload: Uint8Array;
  keys: string[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Packs the events (their bytes and index keys) into one buffer to transfer. */
export function packHistoryBatch(records: readonly HistoryRecord[]): ArrayBuffer {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: the buffer is sized for the worst case and
  // the used length written first, so strings are encoded once, straight into it.
  let size = 4;
  for (const { uniqueId, payload, keys } of records) {
    size += 4 + uniqueId.length * 3 + 4 + payload.length + 2;
    for (const key of keys) size += 2 + key.length * 3;
  }
  const bytes = new Uint8Array(size + 4);
  const view = new DataView(bytes.buffer);
  let offset = 8;
  const putString = (text: string, lengthBytes: 2 | 4) => {
    const start = offset + lengthBytes;
    const { written } = encoder.encodeInto(text, bytes.subarray(start));
    // Ids and keys are short (IDs of at most 36 characters, correlation ids of at most 100).
    if (lengthBytes === 2 && written > 0xffff) throw new RangeError("history key too long");
    if (lengthBytes === 2) view.setUint16(offset, written, true);
    else view.setUint32(offset, written, true);
    offset = start + written;
  };
  view.setUint32(4, records.length, true);
  for (const { uniqueId, payload, keys } of records) {
    putString(uniqueId, 4);
    view.setUint32(offset, payload.length, true);
    bytes.set(payload, offset + 4);
    offset += 4 + payload.length;
    if (keys.length > 0xffff) throw new RangeError("too many history keys");
    view.setUint16(offset, keys.length, true);
    offset += 2;
    for (const key of keys) putString(key, 2);
  }
  view.setUint32(0, offset, true);
  return bytes.buffer;
}

/**
 * The events of a packed batch; payloads are views into the buffer, not copies. Throws a
 * `RangeError` on a damaged buffer (the writer then fails that batch).
 */
export function unpackHistoryBatch(buffer: ArrayBuffer): HistoryRecord[] {
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer, 0, view.getUint32(0, true));
  let offset = 8;
  const take = (length: number): Uint8Array => {
    if (offset + length > bytes.length) throw new RangeError("history batch is truncated");
    const part = bytes.subarray(offset, offset + length);
    offset += length;
    return part;
  };
  const getString = (lengthBytes: 2 | 4): string => {
    const length = lengthBytes === 2 ? view.getUint16(offset, true) : view.getUint32(offset, true);
    offset += lengthBytes;
    return decoder.decode(take(length));
  };
  const count = view.getUint32(4, true);
  const records: HistoryRecord[] = [];
  for (let index = 0; index < count; index++) {
    const uniqueId = getString(4);
    const length = view.getUint32(offset, true);
    offset += 4;
    const payload = take(length);
    const keyCount = view.getUint16(offset, true);
    offset += 2;
    const keys: string[] = [];
    for (let key = 0; key < keyCount; key++) keys.push(getString(2));
    records.push({ uniqueId, payload, keys });
  }
  return records;
}
