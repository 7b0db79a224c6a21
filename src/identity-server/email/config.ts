import { z } from "zod";
import { duration } from "../../config/index.ts";

/** A whole number leaf; text from the environment is accepted. */
function count(defaultValue: number, description: string) {
  return z
    .union([z.number(), z.string().regex(/^\d+$/, "expected a whole number").transform(Number)])
    .pipe(z.number().int().positive())
    .default(defaultValue)
    .describe(description);
}

/** `host:port` of an SMTP server, or "" for none. */
const smtpAddress = z
  .string()
  .refine((value) => value === "" || /^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:.]+\]:\d{1,5}$/.test(value), {
    message: 'expected "" or host:port, such as "smtp.example.com:587"',
  })
  .default("")
  .describe('SMTP server (host:port); "" writes e-mails to the log instead of sending them');

/**
 * The Identity Server's e-mail keys (The Things Stack's `is.email.*`): who sends, the network
 * named in messages and the SMTP server they go out through.
 */
export const emailConfigShape = {
  email: z
    .strictObject({
      sender_address: z
        .string()
        .regex(/^[^\s<>"]+@[^\s<>"]+$/, "expected an e-mail address")
        .default("lorastack@localhost")
        .describe("address e-mails are sent from"),
      sender_name: z
        .string()
        .regex(/^[^\r\n]*$/, "expected one line")
        .default("lorastack")
        .describe("name e-mails are sent from"),
      network: z
        .strictObject({
          name: z
            .string()
            .regex(/^[^\r\n]*$/, "expected one line")
            .default("lorastack")
            .describe("name of the network in e-mails"),
          identity_server_url: z
            .string()
            .default("")
            .describe("URL of the sign-in pages in e-mails; default the OAuth issuer"),
          console_url: z.string().default("").describe("URL of the Console in e-mails"),
        })
        .prefault({}),
      smtp: z
        .strictObject({
          address: smtpAddress,
          username: z.string().default("").describe("user name for AUTH (PLAIN or LOGIN)"),
          password: z.string().default("").describe("password for AUTH"),
          tls: z
            .enum(["starttls", "implicit", "none"])
            .default("starttls")
            .describe(
              "starttls: upgrade when the server offers it (required with a user name); implicit: TLS from the start (port 465); none: never",
            ),
          tls_ca: z
            .string()
            .default("")
            .describe("PEM file of certificate authorities to trust besides the system's"),
          connections: count(1, "e-mails sent at the same time"),
          timeout: duration("30s", "time allowed for each step of a conversation with the server"),
        })
        .prefault({}),
    })
    .prefault({}),
};

/** Secret keys of the section. */
export const emailConfigSecrets = { "email.smtp.password": () => "***" } as const;
