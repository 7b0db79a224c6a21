export {
  type Component,
  type ComponentContext,
  type ComponentDefinition,
  defineComponent,
} from "./component.ts";
export { errComponentNotBuilt, errComponentStart, errUnknownComponent } from "./errors.ts";
export { ComponentHost, type SharedContext } from "./host.ts";
export { resolveComponents } from "./resolve.ts";
