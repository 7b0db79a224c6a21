import { z } from "zod";
import type { ConfigSection, SectionValues } from "../config/index.ts";

const eui = z.string().regex(/^[0-9a-fA-F]{16}$/, { message: "an EUI is 16 hexadecimal digits" });
const prefix = z.string().regex(/^[0-9a-fA-F]{16}\/(?:[0-9]|[1-5][0-9]|6[0-4])$/, {
  message: 'a JoinEUI prefix is "EUI/length": 16 hexadecimal digits, "/", 0 to 64 bits',
});
const label = z.string().regex(/^$|^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
  message:
    "a key label is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
});
/** A list from YAML, or comma separated from the environment and flags. */
const list = (item: z.ZodString) =>
  z
    .union([
      z.array(z.string()),
      z.string().transform((text) =>
        text
          .split(",")
          .map((part) => part.trim())
          .filter(Boolean),
      ),
    ])
    .pipe(z.array(item));

/**
 * The Join Server's configuration keys (`js.*`), as The Things Stack's `js.*`: the JoinEUIs it
 * serves, and the key encryption keys (labels of the key vault) that wrap root and session keys
 * at rest and the session keys it hands to Network and Application Servers.
 */
export const joinServerConfig = {
  shape: {
    js: z
      .strictObject({
        join_eui_prefixes: list(prefix)
          .default(["0000000000000000/0"])
          .describe("JoinEUI ranges this Join Server serves (EUI/length; TTS js.join-eui-prefix)"),
        default_join_eui: eui
          .default("0000000000000000")
          .describe("JoinEUI suggested for new devices (GET /api/v3/js/default_join_eui)"),
        device_kek_label: label
          .default("")
          .describe(
            "KEK (key vault label) that wraps root and session keys at rest; empty: the key vault's default",
          ),
        network_server_kek_label: label
          .default("")
          .describe(
            "KEK that wraps network session keys for Network Servers when the device names none; empty: the key vault's default",
          ),
        application_server_kek_label: label
          .default("")
          .describe(
            "KEK that wraps AppSKeys for Application Servers when the device names none; empty: the key vault's default",
          ),
        session_key_history: z
          .union([z.number(), z.string().regex(/^\d+$/).transform(Number)])
          .pipe(z.number().int().min(1).max(1000))
          .default(10)
          .describe("session keys kept per device, to be fetched again by session key ID"),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `js` section. */
export type JoinServerConfig = SectionValues<typeof joinServerConfig>;
