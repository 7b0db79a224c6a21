export { emailMaxLength, isValidEmail, validateEmail } from "./email.ts";
export { errForbiddenId, errInvalidEmail, errInvalidId } from "./errors.ts";
export {
  type IdKind,
  idFields,
  idMaxLength,
  idPattern,
  isValidId,
  validateId,
} from "./id.ts";
export {
  checkIdNotReserved,
  isReservedId,
  type ReservableKind,
  reservedIds,
} from "./reserved.ts";
