/**
 * Refusals of The Things Stack's request validator (namespace `validator`), shared by the
 * component registries: one definition per name in the process.
 */
import { errorNamespace } from "../errors/index.ts";

const validator = errorNamespace("validator");

/** A field mask names paths that this registry does not keep (another component's). */
export const errForbiddenFieldMaskPaths = validator.invalidArgument(
  "field_mask_paths",
  "forbidden path(s) in field mask: {forbidden_paths}",
);
