import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { describe, it } from "node:test";
import {
  BEACON_PERIOD_MS,
  BEACON_RESERVED_MS,
  nextPingSlot,
  PING_SLOT_MS,
  pingOffset,
  pingPeriod,
  pingSlotFrequency,
} from "./ping-slots.ts";

const hex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));
const devAddr = hex("26011234");
const GPS_EPOCH = Date.UTC(1980, 0, 6);
const LEAP_MS = 18_000; // since 2017-01-01

describe("class B ping slots", () => {
  it("ping period: 32 slots at periodicity 0 to 4096 at 7", () => {
    assert.deepEqual(
      [0, 1, 7].map((p) => pingPeriod(p)),
      [32, 64, 4096],
    );
  });

  it("ping offset: AES-128 with a zero key of BeaconTime and DevAddr little-endian (node:crypto agrees)", () => {
    const beaconTime = 1_300_000_000 - (1_300_000_000 % 128);
    const block = Buffer.alloc(16);
    block.writeUInt32LE(beaconTime, 0);
    block.writeUInt32LE(0x26011234, 4);
    const cipher = createCipheriv("aes-128-ecb", Buffer.alloc(16), null);
    const rand = cipher.update(block);
    for (const period of [32, 4096]) {
      const expected = ((rand[0] ?? 0) + (rand[1] ?? 0) * 256) % period;
      assert.equal(pingOffset(beaconTime, devAddr, period), expected);
    }
    assert.notEqual(
      pingOffset(beaconTime, devAddr, 4096),
      pingOffset(beaconTime + 128, devAddr, 4096),
      "the offset changes with every beacon",
    );
  });

  it("the next slot is on the grid of its beacon, at or after the earliest time, within the period", () => {
    const now = Date.UTC(2026, 11, 5, 12, 0, 7);
    for (const periodicity of [0, 3, 7]) {
      const slot = nextPingSlot(devAddr, periodicity, now);
      assert.ok(slot.atMs >= now);
      const beaconUtc = slot.beaconTime * 1000 + GPS_EPOCH - LEAP_MS;
      assert.equal(slot.beaconTime % 128, 0);
      const inPeriod = slot.atMs - beaconUtc - BEACON_RESERVED_MS;
      assert.ok(inPeriod >= 0 && inPeriod < BEACON_PERIOD_MS - BEACON_RESERVED_MS);
      const period = pingPeriod(periodicity);
      const slotIndex = inPeriod / PING_SLOT_MS;
      assert.equal(slotIndex % period, pingOffset(slot.beaconTime, devAddr, period));
      // No earlier slot of the device at or after `now`.
      const previous = slot.atMs - period * PING_SLOT_MS;
      assert.ok(previous < now || previous < beaconUtc + BEACON_RESERVED_MS);
      assert.ok(slot.atMs - now <= 2 * BEACON_PERIOD_MS);
    }
  });

  it("the same slot when asked again before it opens (a task woken later finds it)", () => {
    const now = Date.UTC(2026, 11, 5, 12, 0, 7);
    const slot = nextPingSlot(devAddr, 7, now);
    assert.deepEqual(nextPingSlot(devAddr, 7, slot.atMs - 1), slot);
    assert.deepEqual(nextPingSlot(devAddr, 7, slot.atMs), slot);
    assert.ok(nextPingSlot(devAddr, 7, slot.atMs + 1).atMs > slot.atMs);
  });

  it("frequency: the device's own, the band's single one, or hopping by beacon and DevAddr", () => {
    const slot = { atMs: 0, beaconTime: 128 * 5 };
    assert.equal(pingSlotFrequency(869_000_000, [869_525_000], slot, devAddr), 869_000_000);
    assert.equal(pingSlotFrequency(0, [869_525_000], slot, devAddr), 869_525_000);
    const us = [923_300_000, 923_900_000, 924_500_000, 925_100_000];
    assert.equal(pingSlotFrequency(0, us, slot, devAddr), us[(5 + 0x26011234) % 4]);
    assert.equal(pingSlotFrequency(0, [], slot, devAddr), undefined);
  });
});
