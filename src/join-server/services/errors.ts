import { errorNamespace } from "../../errors/index.ts";

// The public registry's refusals, with The Things Stack's names: its Join Server's
// (`no_join_eui`, `no_dev_eui`, `field_value`; `unknown_join_eui` is in ../errors.ts) and its request validator's
// (`field_mask_paths`, namespace `validator`), which refuses paths another registry keeps.
const joinServer = errorNamespace("joinserver");

export const errNoJoinEui = joinServer.invalidArgument("no_join_eui", "no JoinEUI specified");
export const errNoDevEui = joinServer.invalidArgument("no_dev_eui", "no DevEUI specified");
export const errFieldValue = joinServer.invalidArgument(
  "field_value",
  "invalid value of field `{field}`",
);
/** A JoinEUI or DevEUI that differs from the registered device's: they cannot change. */
export const errEuiChanged = joinServer.invalidArgument(
  "eui_changed",
  "`{field}` of end device `{application_id}.{device_id}` is `{stored}` and cannot change",
);
export const errBatchSize = joinServer.invalidArgument(
  "batch_size",
  "between 1 and 20 devices may be deleted at once, not {count}",
);

export { errForbiddenFieldMaskPaths } from "../../api/validator-errors.ts";
