import assert from "node:assert/strict";
import { it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { DataRateSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { uplinkAirtime } from "./airtime.ts";

it("is the LoRa time on air of the PHYPayload, unknown for other modulations", () => {
  const sf7 = create(DataRateSchema, {
    modulation: {
      case: "lora",
      value: { spreadingFactor: 7, bandwidth: 125_000, codingRate: "4/5" },
    },
  });
  // 13 bytes at SF7/125 kHz: 46.336 ms (the Semtech calculator's figure).
  const airtime = uplinkAirtime(sf7, 13);
  assert.equal(airtime?.seconds, 0n);
  assert.equal(airtime?.nanos, 46_336_000);
  assert.equal(uplinkAirtime(undefined, 13), undefined);
});
