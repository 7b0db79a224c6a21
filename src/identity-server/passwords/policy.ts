import {
  errCommonPassword,
  errPasswordContainsUserId,
  errPasswordDigits,
  errPasswordMaxLength,
  errPasswordMinLength,
  errPasswordSpecial,
  errPasswordUppercase,
} from "./errors.ts";

/** Requirements for new passwords. */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly maxLength: number;
  readonly minUppercase: number;
  readonly minDigits: number;
  readonly minSpecial: number;
  /** Reject passwords that contain the user ID (case-insensitive). */
  readonly rejectUserId: boolean;
  /** Lower-case passwords to reject as too common; none by default. */
  readonly commonPasswords?: ReadonlySet<string>;
}

/**
 * The Things Stack's default requirements: 8 to 1000 long, at least one upper-case letter
 * and one digit, no special character required, user ID and common passwords allowed.
 */
export const defaultPasswordPolicy: PasswordPolicy = {
  minLength: 8,
  maxLength: 1000,
  minUppercase: 1,
  minDigits: 1,
  minSpecial: 0,
  rejectUserId: false,
};

const upper = /^\p{Lu}$/u;
const digit = /^\p{Nd}$/u;
const letterOrNumber = /^[\p{L}\p{N}]$/u;

/**
 * Throws an `invalid_argument` error naming the first rule of `policy` that `password`
 * breaks. Length is counted in UTF-8 bytes, as The Things Stack does, so the same passwords
 * pass; letters and digits are counted per Unicode character. A character that is neither
 * a letter nor a number (a space too) is special.
 */
export function validatePassword(
  password: string,
  options: { policy?: PasswordPolicy; userId?: string } = {},
): void {
  const policy = options.policy ?? defaultPasswordPolicy;
  const length = Buffer.byteLength(password, "utf8");
  if (length < policy.minLength) throw errPasswordMinLength.create({ n: policy.minLength });
  if (length > policy.maxLength) throw errPasswordMaxLength.create({ n: policy.maxLength });
  let uppercase = 0;
  let digits = 0;
  let special = 0;
  for (const char of password) {
    if (upper.test(char)) uppercase++;
    else if (digit.test(char)) digits++;
    else if (!letterOrNumber.test(char)) special++;
  }
  if (uppercase < policy.minUppercase)
    throw errPasswordUppercase.create({ n: policy.minUppercase });
  if (digits < policy.minDigits) throw errPasswordDigits.create({ n: policy.minDigits });
  if (special < policy.minSpecial) throw errPasswordSpecial.create({ n: policy.minSpecial });
  const lower = password.toLowerCase();
  if (policy.rejectUserId && options.userId && lower.includes(options.userId.toLowerCase())) {
    throw errPasswordContainsUserId.create();
  }
  if (policy.commonPasswords?.has(lower)) throw errCommonPassword.create();
}
