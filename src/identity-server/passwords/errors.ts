import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("identity-server/passwords");

// The names are those The Things Stack gives the same password rules, so scripts that look
// at `details[].name` keep working; `{n}` is the limit of the rule.

/** Shorter than the policy's minimum length. */
export const errPasswordMinLength = errors.invalidArgument(
  "password_strength_min_length",
  "password must be at least {n} characters long",
);
/** Longer than the policy's maximum length. */
export const errPasswordMaxLength = errors.invalidArgument(
  "password_strength_max_length",
  "password must be at most {n} characters long",
);
/** Fewer upper-case letters than the policy asks for. */
export const errPasswordUppercase = errors.invalidArgument(
  "password_strength_uppercase",
  "password must contain at least {n} upper-case letter(s)",
);
/** Fewer digits than the policy asks for. */
export const errPasswordDigits = errors.invalidArgument(
  "password_strength_digits",
  "password must contain at least {n} digit(s)",
);
/** Fewer special characters than the policy asks for. */
export const errPasswordSpecial = errors.invalidArgument(
  "password_strength_special",
  "password must contain at least {n} special character(s)",
);
/** The password contains the user ID (when the policy rejects that). */
export const errPasswordContainsUserId = errors.invalidArgument(
  "password_contains_user_id",
  "password must not contain the user ID",
);
/** The password is on the policy's list of common passwords. */
export const errCommonPassword = errors.invalidArgument(
  "common_password",
  "password is too common",
);
