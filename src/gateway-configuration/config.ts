import { z } from "zod";
import type { ConfigSection, SectionValues } from "../config/index.ts";

/** The Gateway Configuration Server's configuration keys: `gcs.*`. */
export const gatewayConfigurationConfig = {
  shape: {
    gcs: z
      .strictObject({
        gateway_server_address: z
          .string()
          .default("")
          .describe(
            "Gateway Server address (host or host:port) written into global_conf.json for gateways that have no gateway_server_address; empty for this host's name and UDP port 1700",
          ),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `gcs` section. */
export type GatewayConfigurationConfig = SectionValues<typeof gatewayConfigurationConfig>;
