export { type ErrorCode, errorCodes } from "./codes.ts";
export {
  DefinedError,
  type DefinitionOptions,
  type ErrorAttributes,
  ErrorDefinition,
  errorNamespace,
  findErrorDefinition,
  formatMessage,
  registeredErrors,
} from "./definition.ts";
