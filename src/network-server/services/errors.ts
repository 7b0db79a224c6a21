import { errorNamespace } from "../../errors/index.ts";

// The public registry's refusals, with The Things Stack's names: its Network Server's
// (`invalid_field_value`, `invalid_field_mask`, `no_join_eui`, `no_dev_eui`) and its request
// validator's (`field_mask_paths`, namespace `validator`), which refuses paths another registry
// keeps.
const networkServer = errorNamespace("networkserver");

export const errInvalidFieldValue = networkServer.invalidArgument(
  "invalid_field_value",
  "invalid value of field `{field}`",
);
/** A Set whose field mask lacks a field the change needs, or names one it may not change. */
export const errInvalidFieldMask = networkServer.invalidArgument(
  "invalid_field_mask",
  "invalid field mask: {reason} `{fields}`",
);
export const errNoJoinEui = networkServer.invalidArgument("no_join_eui", "no JoinEUI specified");
export const errNoDevEui = networkServer.invalidArgument("no_dev_eui", "no DevEUI specified");
export const errBatchSize = networkServer.invalidArgument(
  "batch_size",
  "between 1 and 20 devices may be deleted at once, not {count}",
);

export { errForbiddenFieldMaskPaths } from "../../api/validator-errors.ts";
