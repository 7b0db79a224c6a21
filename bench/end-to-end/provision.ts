/**
 * Registration through the API, as an operator's script would do it: the application, its
 * integration key, the gateways, and every device in the four registries (Identity, Join,
 * Network and Application Servers), many requests in flight at once. There is no bulk
 * endpoint; the rate reached is reported.
 */
import { createAdmin } from "../../test/harness/identity-admin.ts";
import type { LorastackProcess } from "../../test/harness/lorastack-process.ts";
import { restOk } from "../../test/harness/rest-client.ts";
import type { BenchDevice } from "./frames.ts";

export const APPLICATION_ID = "bench";
export const JOIN_EUI = "70B3D57ED0000B00";
export const FREQUENCY_PLAN = "EU_863_870_TTN";
/** Requests in flight while registering devices. */
const CONCURRENCY = 32;

/** What provisioning gives the load generator. */
export interface Provisioned {
  /** The application's key for MQTT (traffic read). */
  integrationKey: string;
  /** Devices registered per second (four registries each). */
  devicesPerSecond: number;
}

/** Registers the application, gateways and devices; calls `progress` with devices done. */
export async function provision(
  stack: LorastackProcess,
  gatewayEuis: readonly string[],
  devices: readonly BenchDevice[],
  progress: (done: number) => void,
): Promise<Provisioned> {
  const adminKey = await createAdmin(stack.dataDir);
  const api = (method: string, path: string, body?: unknown) =>
    restOk(stack.httpUrl, method, path, { key: adminKey, body });
  await api("POST", "/users/admin/applications", {
    application: { ids: { application_id: APPLICATION_ID } },
  });
  const created = await api("POST", `/applications/${APPLICATION_ID}/api-keys`, {
    name: "bench",
    rights: ["RIGHT_APPLICATION_TRAFFIC_READ", "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
  });
  for (const [index, eui] of gatewayEuis.entries()) {
    await api("POST", "/users/admin/gateways", {
      gateway: {
        ids: { gateway_id: `bench-gw-${index}`, eui },
        frequency_plan_ids: [FREQUENCY_PLAN],
        // The benchmark measures how many downlinks the stack schedules in time, not the
        // airtime EU868's duty cycle leaves three gateways (about 1 % of what is asked).
        enforce_duty_cycle: false,
      },
    });
  }
  const start = performance.now();
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < devices.length) {
      const device = devices[next++] as BenchDevice;
      await registerDevice(api, device);
      progress(++done);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return {
    integrationKey: created.key as string,
    devicesPerSecond: devices.length / ((performance.now() - start) / 1000),
  };
}

type Api = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** An OTAA device of LoRaWAN 1.0.3, class A, in the four registries. */
async function registerDevice(api: Api, device: BenchDevice): Promise<void> {
  const app = APPLICATION_ID;
  const ids = {
    device_id: device.deviceId,
    application_ids: { application_id: app },
    join_eui: JOIN_EUI,
    dev_eui: device.devEui,
  };
  const idPaths = ["ids.join_eui", "ids.dev_eui"];
  const path = `applications/${app}/devices/${device.deviceId}`;
  await api("POST", `/applications/${app}/devices`, { end_device: { ids } });
  // The other three registries are independent of each other: registered at once.
  await Promise.all([
    api("PUT", `/js/${path}`, {
      end_device: { ids, root_keys: { app_key: { key: device.appKey } } },
      field_mask: { paths: [...idPaths, "root_keys.app_key.key"] },
    }),
    api("PUT", `/ns/${path}`, {
      end_device: {
        ids,
        frequency_plan_id: FREQUENCY_PLAN,
        lorawan_version: "MAC_V1_0_3",
        lorawan_phy_version: "PHY_V1_0_3_REV_A",
        supports_join: true,
      },
      field_mask: {
        paths: [
          ...idPaths,
          "frequency_plan_id",
          "lorawan_version",
          "lorawan_phy_version",
          "supports_join",
        ],
      },
    }),
    api("PUT", `/as/${path}`, { end_device: { ids }, field_mask: { paths: idPaths } }),
  ]);
}
