import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { TimestampSchema, timestampMs } from "@bufbuild/protobuf/wkt";
import { testDevice } from "./testdata/devices.ts";
import {
  type Device,
  DeviceSchema,
  MACStateSchema,
} from "./testdata/gen/lorastack/test/storage/devices_pb.js";
import { timestampFieldMs, visitLengthDelimitedField } from "./wire-fields.ts";

// The test device's `updated_at` (its last field).
const UPDATED_AT = 9;

function device(seconds: bigint | undefined, nanos = 0): Device {
  const stored = testDevice("app1", "dev1", { devAddr: "26011bda", name: "One", fCnt: 7 });
  stored.macState = create(MACStateSchema, {
    recentUplinks: Array.from({ length: 20 }, (_, i) => ({ fCnt: i, rssi: -80, snr: 7.5 })),
    pendingRequests: [{ cid: 3, payload: { case: "rawPayload", value: new Uint8Array(200) } }],
  });
  if (seconds !== undefined) stored.updatedAt = create(TimestampSchema, { seconds, nanos });
  return stored;
}

/** What a full decode says: the reference the walk must agree with. */
function decodedMs(bytes: Uint8Array): number | undefined {
  const decoded = fromBinary(DeviceSchema, bytes);
  return decoded.updatedAt ? timestampMs(decoded.updatedAt) : undefined;
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe("wire fields", () => {
  it("reads a Timestamp field as a full decode does", () => {
    const cases: [bigint, number][] = [
      [1_764_975_000n, 123_456_789],
      [0n, 0],
      [0n, 999_999_999],
      [0n, 500_000],
      [-1n, 0],
      [-3_155_760_000n, 1_000_000],
      [253_402_300_799n, 999_000_000],
    ];
    for (const [seconds, nanos] of cases) {
      const bytes = toBinary(DeviceSchema, device(seconds, nanos));
      assert.equal(timestampFieldMs(bytes, UPDATED_AT), decodedMs(bytes), `${seconds} ${nanos}`);
    }
  });

  it("says undefined when the field is absent, and finds none under another number", () => {
    const bytes = toBinary(DeviceSchema, device(undefined));
    assert.equal(timestampFieldMs(bytes, UPDATED_AT), undefined);
    assert.equal(timestampFieldMs(new Uint8Array(0), UPDATED_AT), undefined);
    const stamped = toBinary(DeviceSchema, device(1_764_975_000n));
    assert.equal(timestampFieldMs(stamped, 8), undefined);
  });

  it("merges repeated occurrences as protobuf does", () => {
    const first = toBinary(DeviceSchema, device(1_764_975_000n, 7_000_000));
    const nanosOnly = toBinary(
      DeviceSchema,
      create(DeviceSchema, { updatedAt: { seconds: 0n, nanos: 9_000_000 } }),
    );
    const secondsOnly = toBinary(
      DeviceSchema,
      create(DeviceSchema, { updatedAt: { seconds: 1_800_000_000n } }),
    );
    for (const bytes of [concat(first, nanosOnly), concat(first, secondsOnly)])
      assert.equal(timestampFieldMs(bytes, UPDATED_AT), decodedMs(bytes));
    assert.equal(timestampFieldMs(concat(first, secondsOnly), UPDATED_AT), 1_800_000_000_007);
  });

  it("skips unknown fields of every wire type", () => {
    const unknown = new BinaryWriter()
      .tag(20, WireType.Varint)
      .uint64(2n ** 64n - 1n)
      .tag(21, WireType.Bit64)
      .fixed64(5n)
      .tag(22, WireType.Bit32)
      .fixed32(6)
      .tag(23, WireType.LengthDelimited)
      .bytes(new Uint8Array(300))
      .finish();
    const timestamp = new BinaryWriter()
      .tag(UPDATED_AT, WireType.LengthDelimited)
      .fork()
      .tag(3, WireType.Varint)
      .int32(1)
      .tag(1, WireType.Varint)
      .int64(42n)
      .tag(4, WireType.LengthDelimited)
      .string("x")
      .join()
      .finish();
    const bytes = concat(unknown, timestamp, unknown);
    assert.equal(timestampFieldMs(bytes, UPDATED_AT), 42_000);
    assert.equal(timestampFieldMs(bytes, UPDATED_AT), decodedMs(bytes));
  });

  it("reads within a prefix of the message, and says undefined when the field is beyond it", () => {
    // A message written with the timestamp first (as protobuf-es writes a low field number).
    const timestamp = toBinary(
      DeviceSchema,
      create(DeviceSchema, { updatedAt: { seconds: 1_764_975_000n, nanos: 1_000_000 } }),
    );
    const rest = toBinary(DeviceSchema, device(undefined));
    const first = concat(timestamp, rest);
    assert.equal(
      timestampFieldMs(first.subarray(0, timestamp.length + 3), UPDATED_AT),
      1_764_975_000_001,
    );
    const last = concat(rest, timestamp);
    assert.equal(timestampFieldMs(last.subarray(0, rest.length), UPDATED_AT), undefined);
    assert.equal(
      visitLengthDelimitedField(last.subarray(0, rest.length - 1), UPDATED_AT, () => {}),
      false,
    );
    assert.equal(
      visitLengthDelimitedField(last, UPDATED_AT, () => {}),
      true,
    );
  });

  it("never throws on corrupt bytes: every truncation and random damage", () => {
    const bytes = toBinary(DeviceSchema, device(1_764_975_000n, 5_000_000));
    const check = (damaged: Uint8Array) => {
      const ms = timestampFieldMs(damaged, UPDATED_AT);
      assert.ok(ms === undefined || Number.isFinite(ms));
    };
    for (let length = 0; length < bytes.length; length++) {
      const prefix = bytes.subarray(0, length);
      check(prefix);
      // A prefix that ends inside the last field: the timestamp is cut, never half-read.
      if (length < bytes.length) assert.equal(timestampFieldMs(prefix, UPDATED_AT), undefined);
    }
    let seed = 1;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 2000; round++) {
      const damaged = new Uint8Array(bytes);
      for (let i = 0; i < 1 + (round % 4); i++)
        damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
      check(damaged);
    }
    check(new Uint8Array([0x4a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    check(new Uint8Array([0x4a, 0x02, 0x08]));
    // Field number 0, a group and wire type 7 end the walk.
    for (const tag of [0x00, 0x0b, 0x0f])
      assert.equal(
        visitLengthDelimitedField(new Uint8Array([tag, 0]), UPDATED_AT, () => {}),
        false,
      );
  });
});
