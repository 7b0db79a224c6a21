import { jsDeviceTable, jsSessionKeyTable } from "../../join-server/registry/tables.ts";
import { messageTableMigration } from "../message-store/spec.ts";
import type { Migration } from "./migration.ts";

/**
 * The Join Server's tables (src/join-server/registry/tables.ts): `js_end_devices` (its part of
 * each end device, keyed by application and device ID, found by `"<JOINEUI>:<DEVEUI>"`
 * (unique) and by DevEUI) and `js_session_keys` (the keys of recent sessions, keyed by
 * JoinEUI, DevEUI and session key ID). Keys are wrapped with a KEK in the message bytes.
 */
export const migration0010JoinServer: Migration = {
  name: "0010-join-server",
  async up(db, engine) {
    await messageTableMigration(jsDeviceTable)(db, engine);
    await messageTableMigration(jsSessionKeyTable)(db, engine);
  },
};
