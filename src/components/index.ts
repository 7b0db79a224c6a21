export { componentCatalog } from "./catalog.ts";
export type { Component, ComponentContext, ComponentDefinition } from "./component.ts";
export { errComponentNotBuilt, errComponentStart, errUnknownComponent } from "./errors.ts";
export { ComponentHost } from "./host.ts";
export { resolveComponents } from "./resolve.ts";
