/**
 * BeaconTimingReq (device-initiated, deprecated since LoRaWAN 1.0.3/1.1 in favour of
 * DeviceTimeReq): reported and not answered, as The Things Stack does.
 */
import { evtReceiveBeaconTimingRequest } from "./events.ts";
import type { MacHandler } from "./types.ts";
import { emit } from "./work.ts";

export const beaconTimingHandler: MacHandler = {
  cid: 0x12,
  name: "beacon_timing",
  onRequest: (work, command) => {
    emit(work, evtReceiveBeaconTimingRequest, command);
  },
};
