/**
 * RekeyInd (device-initiated, LoRaWAN 1.1 OTAA devices): the first uplink of the session the
 * device derived in the last join; the pending session becomes the active one (the caller does
 * it on `effects.activatePendingSession`) and the Network Server confirms with RekeyConf,
 * the smaller of the device's minor version and 1. ABP devices have no session to switch to.
 */
import { evtEnqueueRekeyConfirmation, evtReceiveRekeyIndication } from "./events.ts";
import type { MacHandler } from "./types.ts";
import { answer, emit } from "./work.ts";

export const rekeyHandler: MacHandler = {
  cid: 0x0b,
  name: "rekey",
  onRequest: (work, command) => {
    if (command.name !== "RekeyInd") return;
    emit(work, evtReceiveRekeyIndication, command);
    if (!work.context.supportsJoin) return;
    work.effects.activatePendingSession = true;
    work.state.pendingJoinRequest = undefined;
    const minorVersion = Math.min(command.minorVersion, 1);
    answer(work, { cid: 0x0b, name: "RekeyConf", minorVersion }, evtEnqueueRekeyConfirmation);
  },
};
