/**
 * PingSlotInfoReq (device-initiated, class B): the device tells its ping slot periodicity; the
 * Network Server keeps it and acknowledges with PingSlotInfoAns.
 */
import { create } from "@bufbuild/protobuf";
import { PingSlotPeriodValueSchema } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { evtEnqueuePingSlotInfoAnswer, evtReceivePingSlotInfoRequest } from "./events.ts";
import type { MacHandler } from "./types.ts";
import { answer, emit } from "./work.ts";

export const pingSlotInfoHandler: MacHandler = {
  cid: 0x10,
  name: "ping_slot_info",
  onRequest: (work, command) => {
    if (command.name !== "PingSlotInfoReq") return;
    emit(work, evtReceivePingSlotInfoRequest, command);
    work.state.pingSlotPeriodicity = create(PingSlotPeriodValueSchema, {
      value: command.periodicity,
    });
    answer(work, { cid: 0x10, name: "PingSlotInfoAns" }, evtEnqueuePingSlotInfoAnswer);
  },
};
