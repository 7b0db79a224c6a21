/**
 * DeviceModeInd (device-initiated, 1.1): the device switches between class A and class C. The
 * Network Server follows when the device supports the class asked for and confirms the class
 * it uses with DeviceModeConf.
 */
import { Class } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { DEVICE_MODE_CLASS_A, DEVICE_MODE_CLASS_C } from "../../lorawan/mac/index.ts";
import {
  evtClassASwitch,
  evtClassCSwitch,
  evtEnqueueDeviceModeConfirmation,
  evtReceiveDeviceModeIndication,
} from "./events.ts";
import type { MacHandler } from "./types.ts";
import { answer, emit } from "./work.ts";

export const deviceModeHandler: MacHandler = {
  cid: 0x20,
  name: "device_mode",
  onRequest: (work, command) => {
    if (command.name !== "DeviceModeInd") return;
    emit(work, evtReceiveDeviceModeIndication, command);
    const before = work.state.deviceClass;
    if (command.deviceClass === DEVICE_MODE_CLASS_A) work.state.deviceClass = Class.A;
    if (command.deviceClass === DEVICE_MODE_CLASS_C && work.context.supportsClassC === true) {
      work.state.deviceClass = Class.C;
    }
    if (work.state.deviceClass !== before) {
      emit(work, work.state.deviceClass === Class.C ? evtClassCSwitch : evtClassASwitch);
    }
    const deviceClass =
      work.state.deviceClass === Class.C ? DEVICE_MODE_CLASS_C : DEVICE_MODE_CLASS_A;
    answer(
      work,
      { cid: 0x20, name: "DeviceModeConf", deviceClass },
      evtEnqueueDeviceModeConfirmation,
    );
  },
};
