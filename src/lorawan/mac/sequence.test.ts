import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { DefinedError } from "../../errors/index.ts";
import {
  errCidMismatch,
  errInvalidField,
  errInvalidInput,
  errProprietaryCommand,
  errTruncatedCommand,
  errUnknownCommand,
  errUnknownCommandName,
} from "./errors.ts";
import {
  decodeMacCommands,
  decodeMacCommandsLenient,
  encodeMacCommands,
  macCommandLength,
} from "./sequence.ts";
import type { MacCommand } from "./table.ts";
import { downlinkCommand, fromHex, uplinkCommand } from "./testing.ts";
import type { MacDirection } from "./types.ts";

describe("MAC command sequences", () => {
  it("decodes an uplink FOpts sequence", () => {
    const bytes = fromHex(
      "03 07" + // LinkADRAns: PowerACK=1 DataRateACK=1 ChannelMaskACK=1
        "06 FF 3F" + // DevStatusAns: Battery=255, SNR=0x3F (-1)
        "02" + // LinkCheckReq
        "0D", // DeviceTimeReq
    );
    const commands = decodeMacCommands(bytes, "uplink");
    assert.deepEqual(commands, [
      { cid: 0x03, name: "LinkADRAns", powerAck: true, dataRateAck: true, channelMaskAck: true },
      { cid: 0x06, name: "DevStatusAns", battery: 255, margin: -1 },
      { cid: 0x02, name: "LinkCheckReq" },
      { cid: 0x0d, name: "DeviceTimeReq" },
    ]);
    assert.deepEqual(encodeMacCommands(commands, "uplink"), bytes);
  });

  it("decodes a downlink FPort 0 sequence", () => {
    const bytes = fromHex(
      "03 52 0700 01" + // LinkADRReq: DR5 TXPower2 ChMask 0x0007 NbTrans 1
        "0D D2029649 80" + // DeviceTimeAns: 1234567890 s + 128/256 s
        "02 14 03" + // LinkCheckAns: Margin 20, GwCnt 3
        "06", // DevStatusReq
    );
    const commands = decodeMacCommands(bytes, "downlink");
    assert.deepEqual(
      commands.map((c) => c.name),
      ["LinkADRReq", "DeviceTimeAns", "LinkCheckAns", "DevStatusReq"],
    );
    assert.deepEqual(encodeMacCommands(commands, "downlink"), bytes);
  });

  it("decodes nothing from no bytes", () => {
    assert.deepEqual(decodeMacCommands(new Uint8Array(0), "uplink"), []);
    assert.deepEqual(encodeMacCommands([], "downlink"), new Uint8Array(0));
  });

  it("stops at an unknown CID, naming it and its offset", () => {
    // 0x00 and 0x14-0x1F, 0x21-0x7F are RFU; 0x40-0x46 are the Relay (TS011) commands.
    const unknown = [0x00, 0x14, 0x1f, 0x21, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x7f];
    for (const direction of ["uplink", "downlink"] as const) {
      for (const cid of unknown) {
        // LinkCheckReq/DevStatusReq (empty) first, so the unknown CID sits at offset 1.
        const first = direction === "uplink" ? 0x02 : 0x06;
        assert.throws(
          () => decodeMacCommands(Uint8Array.of(first, cid, 0, 0, 0, 0), direction),
          (err) =>
            errUnknownCommand.matches(err) &&
            err.attributes.cid === cid &&
            err.attributes.offset === 1 &&
            err.attributes.direction === direction &&
            err.message.includes(`0x${cid.toString(16).toUpperCase().padStart(2, "0")}`),
        );
      }
    }
  });

  it("stops at a proprietary CID: its length is unknown", () => {
    for (const cid of [0x80, 0xa5, 0xff]) {
      assert.throws(
        () => decodeMacCommands(Uint8Array.of(cid, 1, 2), "uplink"),
        (err) => errProprietaryCommand.matches(err) && err.attributes.cid === cid,
      );
    }
  });

  it("stops at a truncated command, naming it, its offset and the missing length", () => {
    assert.throws(
      () => decodeMacCommands(fromHex("03 52 07"), "downlink"),
      (err) =>
        errTruncatedCommand.matches(err) &&
        err.attributes.name === "LinkADRReq" &&
        err.attributes.offset === 0 &&
        err.attributes.length === 4 &&
        err.attributes.available === 2,
    );
    // LinkCheckAns (3 bytes) then a DeviceTimeAns cut after one of its five payload bytes.
    assert.throws(
      () => decodeMacCommands(fromHex("02 14 03 0D D2"), "downlink"),
      (err) =>
        errTruncatedCommand.matches(err) &&
        err.attributes.cid === 0x0d &&
        err.attributes.offset === 3 &&
        err.attributes.available === 1,
    );
  });

  it("leniently keeps the valid prefix with the error", () => {
    const result = decodeMacCommandsLenient(fromHex("03 07 02 40 01"), "uplink");
    assert.deepEqual(result.commands, [
      { cid: 0x03, name: "LinkADRAns", powerAck: true, dataRateAck: true, channelMaskAck: true },
      { cid: 0x02, name: "LinkCheckReq" },
    ]);
    assert.equal(result.consumed, 3);
    assert.ok(errUnknownCommand.matches(result.error));
    assert.equal(result.error.attributes.offset, 3);

    const complete = decodeMacCommandsLenient(fromHex("03 07"), "uplink");
    assert.equal(complete.error, undefined);
    assert.equal(complete.consumed, 2);
  });

  it("refuses commands it cannot encode in the direction", () => {
    assert.throws(
      () =>
        encodeMacCommands(
          [
            {
              cid: 0x03,
              name: "LinkADRAns",
              powerAck: true,
              dataRateAck: true,
              channelMaskAck: true,
            },
          ],
          "downlink" as MacDirection,
        ),
      (err) => errUnknownCommandName.matches(err) && err.attributes.name === "LinkADRAns",
    );
    assert.throws(
      () => encodeMacCommands([{ cid: 0x99, name: "Nope" } as unknown as MacCommand], "uplink"),
      (err) => errUnknownCommandName.matches(err),
    );
    assert.throws(
      () =>
        encodeMacCommands([{ cid: 0x04, name: "LinkCheckReq" } as unknown as MacCommand], "uplink"),
      (err) => errCidMismatch.matches(err),
    );
    assert.throws(
      () => encodeMacCommands([null as unknown as MacCommand], "uplink"),
      (err) => errUnknownCommandName.matches(err),
    );
  });

  it("refuses bad input with typed errors", () => {
    assert.throws(
      () => decodeMacCommands(new Uint8Array(0), "sideways" as MacDirection),
      (err) => errInvalidInput.matches(err),
    );
    assert.throws(
      () => decodeMacCommands([2] as unknown as Uint8Array, "uplink"),
      (err) => errInvalidInput.matches(err),
    );
    assert.throws(
      () => encodeMacCommands([], "sideways" as MacDirection),
      (err) => errInvalidInput.matches(err),
    );
  });

  it("tells the wire length of a command", () => {
    assert.equal(macCommandLength({ cid: 0x02, name: "LinkCheckReq" }, "uplink"), 1);
    assert.equal(
      macCommandLength(
        { cid: 0x0d, name: "DeviceTimeAns", gpsSeconds: 0, fractionalSecond: 0 },
        "downlink",
      ),
      6,
    );
  });

  it("round-trips uplink sequences", () => {
    fc.assert(
      fc.property(fc.array(uplinkCommand, { maxLength: 12 }), (commands) => {
        const bytes = encodeMacCommands(commands, "uplink");
        assert.deepEqual(decodeMacCommands(bytes, "uplink"), commands);
      }),
      { numRuns: 1000 },
    );
  });

  it("round-trips downlink sequences", () => {
    fc.assert(
      fc.property(fc.array(downlinkCommand, { maxLength: 12 }), (commands) => {
        const bytes = encodeMacCommands(commands, "downlink");
        assert.deepEqual(decodeMacCommands(bytes, "downlink"), commands);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("MAC command decoding of arbitrary bytes", () => {
  const direction = fc.constantFrom<MacDirection>("uplink", "downlink");

  /** Decodes `bytes`; returns the commands or the DefinedError, and fails on anything else. */
  function decodeOrDefinedError(bytes: Uint8Array, dir: MacDirection): MacCommand[] | DefinedError {
    try {
      return decodeMacCommands(bytes, dir);
    } catch (err) {
      assert.ok(err instanceof DefinedError, `untyped exception: ${String(err)}`);
      return err;
    }
  }

  it("gives commands or a DefinedError for 100,000 random byte strings", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), direction, (bytes, dir) => {
        decodeOrDefinedError(bytes, dir);
      }),
      { numRuns: 100_000 },
    );
  });

  // Random bytes mostly stop at the first byte; these start commands with known CIDs so the
  // parser goes deep, and check the lenient parse and re-encoding against the strict one.
  const knownCid = fc.constantFrom(
    0x01,
    0x02,
    0x03,
    0x04,
    0x05,
    0x06,
    0x07,
    0x08,
    0x09,
    0x0a,
    0x0b,
    0x0c,
    0x0d,
    0x0e,
    0x0f,
    0x10,
    0x11,
    0x12,
    0x13,
    0x20,
  );
  const chunk = fc
    .tuple(
      fc.oneof({ weight: 9, arbitrary: knownCid }, { weight: 1, arbitrary: fc.nat(255) }),
      fc.uint8Array({ maxLength: 5 }),
    )
    .map(([cid, payload]) => Uint8Array.of(cid, ...payload));
  const likelyCommands = fc
    .array(chunk, { maxLength: 8 })
    .map((chunks) => Uint8Array.from(chunks.flatMap((c) => [...c])));

  it("parses command-like bytes consistently (strict, lenient, re-encoded)", () => {
    fc.assert(
      fc.property(likelyCommands, direction, (bytes, dir) => {
        const strict = decodeOrDefinedError(bytes, dir);
        const lenient = decodeMacCommandsLenient(bytes, dir);
        if (strict instanceof DefinedError) {
          assert.ok(lenient.error !== undefined);
          assert.equal(lenient.error.definition, strict.definition);
          assert.deepEqual(lenient.error.attributes, strict.attributes);
          assert.deepEqual(
            decodeMacCommands(bytes.subarray(0, lenient.consumed), dir),
            lenient.commands,
          );
          return;
        }
        assert.equal(lenient.error, undefined);
        assert.deepEqual(lenient.commands, strict);
        assert.equal(lenient.consumed, bytes.length);
        // Re-encoding drops RFU bits; it may refuse reserved values, and only with a typed error.
        let reencoded: Uint8Array;
        try {
          reencoded = encodeMacCommands(strict, dir);
        } catch (err) {
          assert.ok(errInvalidField.matches(err), `unexpected ${String(err)}`);
          return;
        }
        assert.equal(reencoded.length, bytes.length);
        assert.deepEqual(decodeMacCommands(reencoded, dir), strict);
      }),
      { numRuns: 10_000 },
    );
  });
});
