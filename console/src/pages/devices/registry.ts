/**
 * An end device across The Things Stack's four registries: the CLI's own logic
 * (src/cli/devices/device-calls.ts, which needs nothing of Node), called with the shell's `api`
 * (console/src/api/client.ts), whose errors carry the HTTP `status` the calls look for.
 */

export {
  CreateDeviceError,
  createDevice,
  type DeviceApi,
  type DeviceJson,
  deleteDevice,
  getDevice,
  updateDevice,
} from "../../../../src/cli/devices/device-calls.ts";
export { getPath, setPath } from "../../../../src/cli/devices/device-flags.ts";
