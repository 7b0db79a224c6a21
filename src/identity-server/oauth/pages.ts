// The server-rendered pages of the OAuth server: plain HTML, no scripts, every value escaped.

/** `value` safe inside HTML text and double-quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** Response headers of every page: no caching, no framing, nothing loaded from elsewhere. */
export const pageHeaders: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  "referrer-policy": "no-referrer",
};

const style =
  "body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}" +
  "label,input,button{display:block;width:100%;box-sizing:border-box;margin:.4rem 0}" +
  "input,button{padding:.5rem;font-size:1rem}.error{color:#b00020}";

/** A whole page around `body` (already HTML). */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>`;
}

export interface LoginPageOptions {
  action: string;
  clientName: string;
  username?: string;
  error?: string;
  /** Also offer signing in with a one-time login token (`login_token` field). */
  loginTokens?: boolean;
}

export function loginPage(options: LoginPageOptions): string {
  const error = options.error
    ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>`
    : "";
  return page(
    "Sign in",
    `<p>Sign in${options.clientName ? ` to continue to ${escapeHtml(options.clientName)}` : ""}.</p>
${error}<form method="post" action="${escapeHtml(options.action)}" autocomplete="on">
<label for="username">User ID or email address</label>
<input id="username" name="username" type="text" required autofocus autocomplete="username" value="${escapeHtml(options.username ?? "")}">
<label for="password">Password</label>
<input id="password" name="password" type="password" required autocomplete="current-password">
<button type="submit">Sign in</button>
</form>${
      options.loginTokens
        ? `
<form method="post" action="${escapeHtml(options.action)}" autocomplete="off">
<label for="login_token">Sign in with a login token</label>
<input id="login_token" name="login_token" type="password" required>
<button type="submit">Sign in with the token</button>
</form>`
        : ""
    }`,
  );
}

export interface ConsentPageOptions {
  action: string;
  clientName: string;
  userId: string;
  scopes: readonly string[];
}

export function consentPage(options: ConsentPageOptions): string {
  const scopes = options.scopes.length
    ? `<p>It asks for: ${options.scopes.map((scope) => `<code>${escapeHtml(scope)}</code>`).join(", ")}.</p>`
    : "";
  return page(
    "Authorize",
    `<p>${escapeHtml(options.clientName)} wants to access your account <strong>${escapeHtml(options.userId)}</strong>.</p>
${scopes}<form method="post" action="${escapeHtml(options.action)}">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** The logout confirmation; `form` is oidc-provider's hidden form (with its CSRF token). */
export function logoutPage(host: string, form: string): string {
  return page(
    "Sign out",
    `<p>Do you want to sign out of ${escapeHtml(host)}?</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button>`,
  );
}

export function loggedOutPage(clientName: string | undefined): string {
  return page(
    "Signed out",
    `<p>You are signed out${clientName ? ` of ${escapeHtml(clientName)}` : ""}.</p>`,
  );
}

/**
 * The page of the `code` redirect URI: the authorization code to copy into a CLI that has no
 * local callback (`lorastack login --callback=false`, as ttn-lw-cli's).
 */
export function authorizationCodePage(code: string): string {
  return page(
    "Authorization code",
    `<p>Copy this code and paste it into the command line that asked for it:</p>
<p><input id="code" type="text" readonly value="${escapeHtml(code)}" aria-label="Authorization code" size="48"></p>
<p>It works once, within a few minutes. You can close this page afterwards.</p>`,
  );
}

export function errorPage(title: string, details: Record<string, unknown>): string {
  const items = Object.entries(details)
    .filter(([, value]) => value !== undefined && value !== null && value !== "")
    .map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("\n");
  return page(title, `<dl>${items}</dl>`);
}

/** The page of a request refused by a rate limit (429): what happened and when to come back. */
export function tooManyRequestsPage(message: string): string {
  return page("Too many requests", `<p class="error" role="alert">${escapeHtml(message)}</p>`);
}
