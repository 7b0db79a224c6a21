/**
 * ResetInd (device-initiated, LoRaWAN 1.1 ABP devices): the device lost its MAC state, so the
 * Network Server resets its own to the initial state, keeps LoRaWAN 1.1, and confirms with
 * ResetConf (minor version 1). OTAA devices rejoin instead: their ResetInd is ignored.
 */
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { evtEnqueueResetConfirmation, evtReceiveResetIndication } from "./events.ts";
import type { MacHandler } from "./types.ts";
import { answer, emit } from "./work.ts";

export const resetHandler: MacHandler = {
  cid: 0x01,
  name: "reset",
  onRequest: (work, command) => {
    if (command.name !== "ResetInd") return;
    emit(work, evtReceiveResetIndication, command);
    if (work.context.supportsJoin) return;
    const fresh = work.context.initialState?.();
    if (fresh !== undefined) {
      // Answers queued earlier in this uplink stay: the device still expects them.
      fresh.queuedResponses = work.state.queuedResponses;
      work.state = fresh;
      work.effects.macStateReset = true;
    }
    work.state.lorawanVersion = MACVersion.MAC_V1_1;
    work.state.pendingRequests = [];
    answer(work, { cid: 0x01, name: "ResetConf", minorVersion: 1 }, evtEnqueueResetConfirmation);
  },
};
