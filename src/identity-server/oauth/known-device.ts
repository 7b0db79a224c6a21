import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** The cookie that marks a browser as having signed in to an account. */
export const knownDeviceCookieName = "lorastack_known_device";

/** How long a browser stays known after its last sign-in. */
const lifetimeSeconds = 90 * 24 * 60 * 60;

export interface KnownDeviceOptions {
  /** The OAuth cookie keys: the first signs, all verify (rotation). */
  keys: readonly string[];
  /** The cookie's path: the sign-in pages. */
  path: string;
  /** Sent over HTTPS only (an https issuer). */
  secure: boolean;
  now: () => Date;
}

interface DeviceClaims {
  /** The account the browser signed in to. */
  a: string;
  /** The browser's random id. */
  d: string;
  /** Expiry, Unix seconds. */
  e: number;
}

/**
 * The known-device id that `cookieHeader` (a request's Cookie header) shows for `account`, or
 * `undefined`: no cookie, a bad signature, another account or expired. The cookie is signed
 * (HMAC-SHA256 with the cookie keys), so it cannot be made without signing in.
 */
export function knownDevice(
  options: KnownDeviceOptions,
  cookieHeader: string | undefined,
  account: string,
): string | undefined {
  const value = readCookie(cookieHeader, knownDeviceCookieName);
  if (!value || value.length > 1024) return undefined;
  const [body = "", signature = ""] = value.split(".");
  const given = Buffer.from(signature, "base64url");
  const valid = options.keys.some((key) => {
    const expected = sign(key, body);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) return undefined;
  let claims: Partial<DeviceClaims>;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as Partial<DeviceClaims>;
  } catch {
    return undefined;
  }
  if (claims.a !== account || typeof claims.d !== "string" || typeof claims.e !== "number")
    return undefined;
  if (claims.e * 1000 <= options.now().getTime()) return undefined;
  return claims.d;
}

/**
 * The Set-Cookie value that marks this browser as known to `account`, keeping `device` (the id
 * it already had) or making a new one.
 */
export function knownDeviceCookie(
  options: KnownDeviceOptions,
  account: string,
  device: string = randomBytes(16).toString("base64url"),
): string {
  const claims: DeviceClaims = {
    a: account,
    d: device,
    e: Math.floor(options.now().getTime() / 1000) + lifetimeSeconds,
  };
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const [key = ""] = options.keys;
  const value = `${body}.${sign(key, body).toString("base64url")}`;
  return [
    `${knownDeviceCookieName}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${lifetimeSeconds}`,
    "HttpOnly",
    "SameSite=Strict",
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

function sign(key: string, body: string): Buffer {
  return createHmac("sha256", key).update(`known-device\0${body}`).digest();
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}
