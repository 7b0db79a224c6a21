export { type ErrorCode, errorCodes } from "./codes.ts";
export {
  DefinedError,
  type ErrorAttributes,
  ErrorDefinition,
  errorNamespace,
  formatMessage,
  registeredErrors,
} from "./definition.ts";
