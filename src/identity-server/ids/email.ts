import { errInvalidEmail } from "./errors.ts";

// The "valid e-mail address" of the WHATWG HTML standard (what <input type=email> accepts),
// which is also what The Things Stack checks: a practical subset of RFC 5322 without
// comments, quoted local parts or IP literals. RFC 5321 caps an address at 254 characters.
const emailPattern =
  /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** The longest email address accepted. */
export const emailMaxLength = 254;

/** Whether `email` is a valid email address. */
export function isValidEmail(email: string): boolean {
  return email.length <= emailMaxLength && emailPattern.test(email);
}

/** Throws `invalid_email` (invalid argument) naming `field` unless `email` is valid. */
export function validateEmail(email: string, field = "primary_email_address"): void {
  if (!isValidEmail(email)) throw errInvalidEmail.create({ field, value: email });
}
