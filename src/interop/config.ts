/**
 * The `interop` section: the Backend Interfaces listeners, the CAs that authenticate senders,
 * and the external Join Servers our Network Server asks for devices of their JoinEUIs.
 */
import { z } from "zod";
import { type ConfigSection, listen, type SectionValues } from "../config/index.ts";

const prefix = z.string().regex(/^[0-9a-fA-F]{16}\/(?:[0-9]|[1-5][0-9]|6[0-4])$/, {
  message: 'a JoinEUI prefix is "EUI/length": 16 hexadecimal digits, "/", 0 to 64 bits',
});

const joinServer = z.strictObject({
  join_euis: z.array(prefix).min(1).describe("JoinEUI ranges the Join Server serves"),
  url: z
    .string()
    .regex(/^https?:\/\/\S+$/, { message: "expected an http:// or https:// URL" })
    .describe("where JoinReq messages are posted"),
  protocol_version: z.enum(["1.0", "1.1"]).default("1.1"),
  sender_id: z
    .string()
    .regex(/^[0-9a-fA-F]{6}$/, { message: "expected our NetID: 6 hexadecimal digits" })
    .describe("our NetID, the SenderID of our messages"),
  tls: z
    .strictObject({
      ca: z.string().default("").describe("PEM file of the CA of the Join Server's certificate"),
      certificate: z.string().default("").describe("PEM file of our client certificate"),
      key: z.string().default("").describe("PEM file of our client certificate's key"),
    })
    .prefault({})
    .refine((tls) => (tls.certificate === "") === (tls.key === ""), {
      message: "expected both tls.certificate and tls.key, or neither",
    }),
});

/** An external Join Server, as configured. */
export type ExternalJoinServer = z.output<typeof joinServer>;

export const interopConfig = {
  shape: {
    interop: z
      .strictObject({
        listen: listen(":1886", "LoRaWAN Backend Interfaces (plain)"),
        listen_tls: listen(
          ":8886",
          "LoRaWAN Backend Interfaces (TLS; starts only when tls.certificate and tls.key are set)",
        ),
        sender_client_ca: z
          .strictObject({
            directory: z
              .string()
              .default("")
              .describe(
                "folder of <SenderID>.pem files: the CA of each sender's client certificates (NetID in hex or AS-ID)",
              ),
          })
          .prefault({}),
        join_servers: z
          // From the environment or a flag the list comes as JSON text.
          .unknown()
          .transform((value, ctx) => {
            if (typeof value !== "string") return value;
            if (value.trim() === "") return [];
            try {
              return JSON.parse(value) as unknown;
            } catch {
              ctx.addIssue({ code: "custom", message: "expected a JSON list of Join Servers" });
              return z.NEVER;
            }
          })
          .pipe(z.array(joinServer))
          .default([])
          .describe(
            "external Join Servers: [{join_euis: [EUI/len], url, protocol_version, sender_id, tls: {ca, certificate, key}}] (JSON from the environment)",
          ),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `interop` section. */
export type InteropConfig = SectionValues<typeof interopConfig>;
