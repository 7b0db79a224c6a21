/** The frame side of a device moved to the simulator; re-exported for the tests that use it. */
export * from "../../src/simulator/device/virtual-device.ts";
