/**
 * Copies of a device and of its MAC state for the pure MAC and downlink functions, which work
 * on a copy so that their input stays as it was. A MAC state's recent uplinks (up to 20 frames
 * with their gateways' metadata) are most of its size and are never changed in place — an
 * uplink appends a new record and drops the oldest — so the copies share the records and copy
 * only the list: copying a device costs a fraction of a deep clone on every uplink.
 */
import { clone } from "@bufbuild/protobuf";
import {
  type EndDevice,
  EndDeviceSchema,
  type MACState,
  MACStateSchema,
} from "../../gen/ttn/lorawan/v3/end_device_pb.js";

/** A deep copy of the MAC state whose recent uplink records are shared (see above). */
export function cloneMacState(state: MACState): MACState {
  const recent = state.recentUplinks;
  state.recentUplinks = [];
  try {
    const copy = clone(MACStateSchema, state);
    copy.recentUplinks = [...recent];
    return copy;
  } finally {
    state.recentUplinks = recent;
  }
}

/** A deep copy of the device whose MAC states' recent uplink records are shared (see above). */
export function cloneDevice(device: EndDevice): EndDevice {
  const current = device.macState?.recentUplinks;
  const pending = device.pendingMacState?.recentUplinks;
  if (device.macState) device.macState.recentUplinks = [];
  if (device.pendingMacState) device.pendingMacState.recentUplinks = [];
  try {
    const copy = clone(EndDeviceSchema, device);
    if (copy.macState && current) copy.macState.recentUplinks = [...current];
    if (copy.pendingMacState && pending) copy.pendingMacState.recentUplinks = [...pending];
    return copy;
  } finally {
    if (device.macState && current) device.macState.recentUplinks = current;
    if (device.pendingMacState && pending) device.pendingMacState.recentUplinks = pending;
  }
}
