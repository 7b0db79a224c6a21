import { z } from "zod";
import { type ConfigSection, duration, list, number, type SectionValues } from "../config/index.ts";
import { kekLabel } from "../key-vault/config.ts";

const netId = z.string().regex(/^[0-9a-fA-F]{6}$/, { message: "a NetID is 6 hexadecimal digits" });
const prefix = z.string().regex(/^[0-9a-fA-F]{8}\/(?:[0-9]|[12][0-9]|3[0-2])$/, {
  message: 'a DevAddr prefix is "DevAddr/length": 8 hexadecimal digits, "/", 0 to 32 bits',
});
/**
 * The MAC settings of devices that have none of their own (TTS `ns.default-mac-settings.*`),
 * with The Things Stack's defaults.
 */
const defaultMacSettings = z
  .strictObject({
    adr_margin: number(z.number().min(0).max(100))
      .default(15)
      .describe("ADR margin in dB kept above the demodulation floor"),
    desired_rx1_delay: number(z.number().int().min(1).max(15))
      .default(5)
      .describe("RX1 delay in seconds the Network Server moves devices to (RXTimingSetupReq)"),
    class_b_timeout: duration(
      "10m",
      "how long a class B device may take to answer a confirmed downlink or MAC request",
    ),
    class_c_timeout: duration(
      "5m",
      "how long a class C device may take to answer a confirmed downlink or MAC request",
    ),
    status_time_periodicity: duration(
      "24h",
      "a DevStatusReq is sent this long after the last device status; 0 disables",
    ),
    status_count_periodicity: number(z.number().int().min(0))
      .default(200)
      .describe("a DevStatusReq is sent after this many uplinks since the last status; 0 disables"),
  })
  .prefault({});

/**
 * The Network Server's configuration keys (`ns.*`), as The Things Stack's `ns.*`: its NetID and
 * DevAddr ranges, the uplink deduplication windows, the default MAC settings and the key
 * encryption key that wraps session keys at rest.
 */
export const networkServerConfig = {
  shape: {
    ns: z
      .strictObject({
        net_id: netId.default("000000").describe("NetID of this network (6 hexadecimal digits)"),
        dev_addr_prefixes: list(
          prefix,
          "DevAddr ranges (DevAddr/length) devices get addresses from; each inside the NetID's range; empty: the NetID's whole range",
        ),
        deduplication_window: duration(
          "200ms",
          "receptions of one uplink by several gateways are collected for this long",
        ),
        cooldown_window: duration(
          "1s",
          "receptions of an uplink arriving this long after its deduplication window are late duplicates, not a new uplink",
        ),
        default_mac_settings: defaultMacSettings,
        device_store: z
          .strictObject({
            commit_interval: duration(
              "2ms",
              "uplink state changes wait this long for others to share their database transaction (group commit)",
            ),
            max_batch: number(z.number().int().min(1).max(10_000))
              .default(1000)
              .describe("device changes written in one transaction at most"),
            resync_interval: duration(
              "5m",
              "the in-memory DevAddr index is rebuilt from the database this often; 0 disables",
            ),
            max_cached_devices: number(z.number().int().min(0))
              .default(100_000)
              .describe("devices kept decoded in memory for the uplink path at most"),
          })
          .prefault({}),
        last_seen: z
          .strictObject({
            flush_interval: duration(
              "10s",
              "devices' last-seen times are sent to the Identity Server this often (one batch call)",
            ),
            max_pending: number(z.number().int().min(1).max(10_000_000))
              .default(100_000)
              .describe(
                "devices whose last-seen time waits for the Identity Server at most; beyond, the earliest noted are dropped",
              ),
          })
          .prefault({}),
        downlink_queue_capacity: number(z.number().int().min(1).max(100_000))
          .default(10_000)
          .describe("application downlinks queued per session at most"),
        downlink_window_margin: duration(
          "200ms",
          "a receive window is only used when it opens at least this long after scheduling starts",
        ),
        device_kek_label: kekLabel(
          "KEK (key vault label) that wraps session keys at rest; empty: the key vault's default",
        ),
      })
      .prefault({}),
  },
} satisfies ConfigSection;

/** The validated `ns` section. */
export type NetworkServerConfig = SectionValues<typeof networkServerConfig>;
