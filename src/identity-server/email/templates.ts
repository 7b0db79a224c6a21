/**
 * The texts of the e-mails the Identity Server sends (The Things Stack sends the same kinds:
 * temporary_password, login_token, invitation, validate, password_changed), in plain text.
 */

/** What every e-mail may mention: the network and where to go. */
export interface EmailNetwork {
  name: string;
  /** The sign-in pages (the OAuth server), without a trailing slash. */
  identityServerUrl: string;
  consoleUrl: string;
}

/** Subject and text of one e-mail. */
export interface EmailContent {
  subject: string;
  text: string;
}

/** A duration as people say it: `1 hour`, `7 days`, `90 minutes`. */
export function describeDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "minute"],
    [1000, "second"],
  ];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) {
      const count = ms / size;
      return `${count} ${unit}${count === 1 ? "" : "s"}`;
    }
  }
  return `${Math.ceil(ms / 1000)} seconds`;
}

function greeting(name: string | undefined): string {
  return name ? `Dear ${name},` : "Hello,";
}

function signature(network: EmailNetwork): string {
  return `--\n${network.name}`;
}

export function temporaryPasswordEmail(
  network: EmailNetwork,
  data: { userId: string; name?: string; password: string; ttlMs: number },
): EmailContent {
  return {
    subject: "Your temporary password",
    text: `${greeting(data.name)}

A temporary password was requested for your user ${data.userId} on ${network.name}.

Temporary password: ${data.password}

Use it as your old password to choose a new one. It expires in ${describeDuration(data.ttlMs)}.
If you did not ask for it, you can ignore this e-mail: your password stays as it is.

${signature(network)}
`,
  };
}

export function loginTokenEmail(
  network: EmailNetwork,
  data: { userId: string; name?: string; token: string; ttlMs: number },
): EmailContent {
  return {
    subject: "Your login token",
    text: `${greeting(data.name)}

A login token was requested for your user ${data.userId} on ${network.name}.

Login token: ${data.token}

Sign in at ${network.identityServerUrl} with "Sign in with a login token" and this token. It
works once and expires in ${describeDuration(data.ttlMs)}.
If you did not ask for it, you can ignore this e-mail.

${signature(network)}
`,
  };
}

export function invitationEmail(
  network: EmailNetwork,
  data: { token: string; ttlMs: number; sentBy?: string },
): EmailContent {
  const by = data.sentBy ? ` by ${data.sentBy}` : "";
  const console = network.consoleUrl ? ` in the Console (${network.consoleUrl}) or` : "";
  return {
    subject: `You are invited to join ${network.name}`,
    text: `Hello,

You were invited${by} to register a user on ${network.name}.

Invitation token: ${data.token}

Register${console} through the API (POST /api/v3/users with "invitation_token"). The invitation
expires in ${describeDuration(data.ttlMs)}.

${signature(network)}
`,
  };
}

export function validateEmail(
  network: EmailNetwork,
  data: { entity: string; id: string; token: string; ttlMs: number; name?: string },
): EmailContent {
  return {
    subject: "Please confirm your e-mail address",
    text: `${greeting(data.name)}

Please confirm that this e-mail address belongs to ${data.entity} on ${network.name}.

Reference: ${data.id}
Confirmation token: ${data.token}

Confirm with PATCH /api/v3/email/validation and {"id": "<reference>", "token": "<token>"} (or
in the Console). The token expires in ${describeDuration(data.ttlMs)}.

${signature(network)}
`,
  };
}

export function passwordChangedEmail(
  network: EmailNetwork,
  data: { userId: string; name?: string },
): EmailContent {
  return {
    subject: "Your password was changed",
    text: `${greeting(data.name)}

The password of your user ${data.userId} on ${network.name} was changed.
If you did not do this, contact the administrators of ${network.name} at once.

${signature(network)}
`,
  };
}
