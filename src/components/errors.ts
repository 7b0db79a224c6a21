import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("components");

export const errUnknownComponent = errors.invalidArgument(
  "unknown_component",
  "unknown component `{name}`; known components: {known}",
);
export const errComponentNotBuilt = errors.unimplemented(
  "component_not_built",
  "component `{name}` ({title}) is not built in this version of lorastack",
);
export const errComponentStart = errors.internal(
  "component_start",
  "component `{name}` failed to start: {reason}",
);
