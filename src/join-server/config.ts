import { z } from "zod";
import { type ConfigSection, list, number, type SectionValues } from "../config/index.ts";
import { kekLabel } from "../key-vault/config.ts";

const eui = z.string().regex(/^[0-9a-fA-F]{16}$/, { message: "an EUI is 16 hexadecimal digits" });
const prefix = z.string().regex(/^[0-9a-fA-F]{16}\/(?:[0-9]|[1-5][0-9]|6[0-4])$/, {
  message: 'a JoinEUI prefix is "EUI/length": 16 hexadecimal digits, "/", 0 to 64 bits',
});
/**
 * The Join Server's configuration keys (`js.*`), as The Things Stack's `js.*`: the JoinEUIs it
 * serves, and the key encryption keys (labels of the key vault) that wrap root and session keys
 * at rest and the session keys it hands to Network and Application Servers.
 */
export const joinServerConfig = {
  shape: {
    js: z
      .strictObject({
        join_eui_prefixes: list(
          prefix,
          "JoinEUI ranges this Join Server serves (EUI/length; TTS js.join-eui-prefix)",
          ["0000000000000000/0"],
        ),
        default_join_eui: eui
          .default("0000000000000000")
          .describe("JoinEUI suggested for new devices (GET /api/v3/js/default_join_eui)"),
        device_kek_label: kekLabel(
          "KEK (key vault label) that wraps root and session keys at rest; empty: the key vault's default",
        ),
        network_server_kek_label: kekLabel(
          "KEK that wraps network session keys for Network Servers when the device names none; empty: the key vault's default",
        ),
        application_server_kek_label: kekLabel(
          "KEK that wraps AppSKeys for Application Servers when the device names none; empty: the key vault's default",
        ),
        session_key_history: number(z.number().int().min(1).max(1000))
          .default(10)
          .describe("session keys kept per device, to be fetched again by session key ID"),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `js` section. */
export type JoinServerConfig = SectionValues<typeof joinServerConfig>;
