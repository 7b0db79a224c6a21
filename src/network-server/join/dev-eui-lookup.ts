/**
 * Rejoin-requests of types 0 and 2 name the device by DevEUI alone (with the home NetID). The
 * Network Server's registry indexes JoinEUI and DevEUI together (`euis`, `"<JOINEUI>:<DEVEUI>"`);
 * this lookup reads the devices of one DevEUI from that column. A rejoin is rare (at most one per
 * 2^4 uplinks of a device, RejoinParamSetupReq), so a scan of the index by suffix is affordable;
 * a `dev_eui` column would make it a point lookup.
 */
import { sql } from "kysely";
import { formatHex } from "../../lorawan/types/index.ts";
import type { Database } from "../../storage/database.ts";
import type { DeviceKey } from "../registry/registry.ts";

export interface DevEuiLookup {
  /** The keys of the devices (OTAA) registered with this DevEUI, under any JoinEUI. */
  keysByDevEui(devEui: Uint8Array): Promise<DeviceKey[]>;
}

/** The lookup over the registry's table `ns_end_devices` (migration 0011). */
export function sqlDevEuiLookup(database: Pick<Database, "db">): DevEuiLookup {
  return {
    async keysByDevEui(devEui) {
      // Hex digits only: nothing in the pattern is a LIKE wildcard.
      const pattern = `%:${formatHex(devEui)}`;
      const result = await sql<{ application_id: string; device_id: string }>`
        select application_id, device_id from ns_end_devices where euis like ${pattern}
      `.execute(database.db);
      return result.rows.map((row) => ({
        applicationId: row.application_id,
        deviceId: row.device_id,
      }));
    },
  };
}
