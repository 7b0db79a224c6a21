export { isPbkdf2Hash, verifyPbkdf2 } from "../../auth/pbkdf2.ts";
export {
  errCommonPassword,
  errPasswordContainsUserId,
  errPasswordDigits,
  errPasswordMaxLength,
  errPasswordMinLength,
  errPasswordSpecial,
  errPasswordUppercase,
} from "./errors.ts";
export {
  hashPassword,
  passwordNeedsRehash,
  upgradedPasswordHash,
  verifyPassword,
} from "./hash.ts";
export { defaultPasswordPolicy, type PasswordPolicy, validatePassword } from "./policy.ts";
