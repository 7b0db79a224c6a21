import { z } from "zod";
import {
  boolean,
  type ConfigSection,
  duration,
  number,
  type SectionValues,
} from "../config/index.ts";
import { kekLabel } from "../key-vault/config.ts";

/** The default and the ceiling of `as.formatters.max_parameter_length` (TTS's 40 KiB is too tight). */
const DEFAULT_MAX_PARAMETER_LENGTH = 65_536;

/**
 * The Application Server's configuration keys (`as.*`), after The Things Stack's `as.*`: the
 * KEK of AppSKeys at rest, what users are told to connect to over MQTT, the limits of payload
 * formatter scripts and the delivery of webhooks. The MQTT listeners themselves are the
 * shared `mqtt.listen` and `mqtt.listen_tls`.
 */
export const applicationServerConfig = {
  shape: {
    as: z
      .strictObject({
        device_kek_label: kekLabel(
          "KEK (key vault label) that wraps AppSKeys at rest; empty: the key vault's default",
        ),
        mqtt: z
          .strictObject({
            public_address: z
              .string()
              .default("")
              .describe(
                'MQTT address users are told (mqtt-connection-info), "host:port"; empty: this host and mqtt.listen',
              ),
            public_tls_address: z
              .string()
              .default("")
              .describe(
                'MQTT over TLS address users are told, "host:port"; empty: this host and mqtt.listen_tls',
              ),
            session_message_ttl: duration(
              "24h",
              "with Redis: a message queued for a disconnected MQTT session (clean session off, QoS 1) is kept this long, and a session disconnected this long is ended",
            ),
            max_session_messages: number(z.number().int().min(1).max(100_000))
              .default(1000)
              .describe(
                "with Redis: messages queued per disconnected MQTT session at most (the oldest are dropped)",
              ),
          })
          .prefault({}),
        formatters: z
          .strictObject({
            memory_limit_mb: number(z.number().int().min(8).max(4096))
              .default(32)
              .describe("memory of the sandbox that runs payload formatter scripts, in MiB"),
            timeout: duration("100ms", "a payload formatter script runs this long at most"),
            max_parameter_length: number(
              z
                .number()
                .int()
                .min(1)
                .max(16 * 1024 * 1024),
            )
              .default(DEFAULT_MAX_PARAMETER_LENGTH)
              .describe("longest payload formatter script (formatter parameter), in bytes"),
          })
          .prefault({}),
        pubsub: z
          .strictObject({
            reconnect_interval: duration(
              "5s",
              "a pub/sub's unreachable broker is tried again this often",
            ),
            connect_timeout: duration(
              "10s",
              "how long a pub/sub waits for its broker to accept it",
            ),
            buffer_size: number(z.number().int().min(0).max(1_000_000))
              .default(1000)
              .describe(
                "messages kept per pub/sub while its broker is unreachable (the oldest dropped beyond)",
              ),
            max_in_flight: number(z.number().int().min(1).max(65_535))
              .default(100)
              .describe("messages a pub/sub sends before their acknowledgments"),
            max_downlink_message_size: number(
              z
                .number()
                .int()
                .min(64)
                .max(16 * 1024 * 1024),
            )
              .default(65_536)
              .describe("largest downlink message a pub/sub takes from its broker, in bytes"),
          })
          .prefault({}),
        storage: z
          .strictObject({
            enabled: boolean(
              true,
              "keep the applications' messages for the storage integration (packages/storage)",
            ),
            retention: duration("720h", "stored messages are deleted after this long"),
            sweep_interval: duration("1h", "expired stored messages are deleted this often"),
            commit_interval: duration(
              "5ms",
              "messages to store wait this long for others to share their database transaction",
            ),
            max_batch: number(z.number().int().min(1).max(10_000))
              .default(200)
              .describe("messages stored in one transaction at most"),
          })
          .prefault({}),
        webhooks: z
          .strictObject({
            timeout: duration("5s", "a webhook request is given up after this long"),
            unhealthy_attempts_threshold: number(z.number().int().min(1).max(1000))
              .default(5)
              .describe("failed deliveries in a row after which a webhook is suspended"),
            unhealthy_retry_interval: duration(
              "1m",
              "a suspended webhook is tried again after this long",
            ),
            downlinks: z
              .strictObject({
                public_address: z
                  .string()
                  .default("")
                  .describe(
                    "public URL of the API (http://host:port/api/v3) that webhook receivers call back for downlinks (X-Downlink-Push, X-Downlink-Replace); empty: localhost and http.listen",
                  ),
              })
              .prefault({}),
          })
          .prefault({}),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `as` section. */
export type ApplicationServerConfig = SectionValues<typeof applicationServerConfig>;
