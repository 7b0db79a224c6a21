import type { Redactor } from "./section.ts";

/** A copy of the configuration that is safe to print: every secret leaf redacted. */
export function redactConfig(
  config: object,
  secrets: Readonly<Record<string, Redactor>>,
): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  for (const [path, redact] of Object.entries(secrets)) {
    const parts = path.split(".");
    let node = copy;
    for (const part of parts.slice(0, -1)) node = (node[part] ?? {}) as Record<string, unknown>;
    const leaf = parts.at(-1) as string;
    const value = node[leaf];
    if (typeof value === "string" && value !== "") node[leaf] = redact(value);
    else if (Array.isArray(value) && value.length > 0)
      node[leaf] = value.map((item) => redact(String(item)));
    else if (typeof value === "object" && value !== null) {
      // A map of secrets (key_vault.keys): names stay, values are redacted.
      node[leaf] = Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, redact(String(item))]),
      );
    }
  }
  return copy;
}

/** Query parameters whose values are secrets (`password`, `sslpassword`, `token`, ...). */
const secretParameter = /pass|secret|token|key|auth|credential/i;

/**
 * The `@` that ends a URI's userinfo: one followed by something that can be a host (a name,
 * an address or `[ipv6]`, a port) and then the end, a path, a query or a fragment.
 */
const userinfoEnd = /@(?=(?:\[[0-9A-Fa-f:.]*\]|[A-Za-z0-9._~%-]*)(?::\d*)?(?:[/?#]|$))/g;

/**
 * A URI that is safe to print: the password of its userinfo and the values of query
 * parameters that name a secret are `***`; everything else stays, so that the host, port,
 * database and options can still be read.
 *
 * The URI is not parsed with `URL`, because the URIs that need this most are those a parser
 * reads differently from the driver or refuses: a password with an unescaped `/`, `@` or `#`
 * (`postgres://u:pa/ss@db/x`). The userinfo is taken to end at the LAST `@` that is followed
 * by something that can be a host, so that an `@` in the password cannot end it early; an `@`
 * in the query can make more than the password disappear, never less.
 */
export function redactUri(uri: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(uri)?.[0] ?? "";
  let rest = uri.slice(scheme.length);
  let userinfo = "";
  if (scheme !== "") {
    let end = -1;
    for (const match of rest.matchAll(userinfoEnd)) end = match.index;
    if (end >= 0) {
      userinfo = rest.slice(0, end + 1);
      rest = rest.slice(end + 1);
    }
  }
  const colon = userinfo.indexOf(":");
  if (colon >= 0) userinfo = `${userinfo.slice(0, colon)}:***@`;
  const query = rest.indexOf("?");
  if (query >= 0) {
    const parameters = rest
      .slice(query + 1)
      .split("&")
      .map((parameter) => {
        const equals = parameter.indexOf("=");
        const name = equals >= 0 ? parameter.slice(0, equals) : parameter;
        return equals >= 0 && secretParameter.test(name) ? `${name}=***` : parameter;
      });
    rest = `${rest.slice(0, query + 1)}${parameters.join("&")}`;
  }
  return `${scheme}${userinfo}${rest}`;
}
