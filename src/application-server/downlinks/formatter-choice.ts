/**
 * Which payload formatter applies to an end device: its own `formatters` when it has them, the
 * application link's `default_formatters` otherwise (as The Things Stack: a device's formatters
 * override the application's as a whole, per direction).
 */
import { create } from "@bufbuild/protobuf";
import type { ApplicationLink } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import type { EndDevice } from "../../gen/ttn/lorawan/v3/end_device_pb.js";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  type MessagePayloadFormatters,
  PayloadFormatter,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { FormatterChoice, FormatterContext } from "../formatters/payload-formatters.ts";

function formattersOf(
  device: EndDevice | undefined,
  link: ApplicationLink | undefined,
): MessagePayloadFormatters | undefined {
  return device?.formatters ?? link?.defaultFormatters;
}

/** The uplink formatter, or `undefined` when none applies. */
export function uplinkFormatter(
  device: EndDevice | undefined,
  link: ApplicationLink | undefined,
): FormatterChoice | undefined {
  const formatters = formattersOf(device, link);
  if (!formatters || formatters.upFormatter === PayloadFormatter.FORMATTER_NONE) return undefined;
  return { formatter: formatters.upFormatter, parameter: formatters.upFormatterParameter };
}

/** The downlink formatter, or `undefined` when none applies. */
export function downlinkFormatter(
  device: EndDevice | undefined,
  link: ApplicationLink | undefined,
): FormatterChoice | undefined {
  const formatters = formattersOf(device, link);
  if (!formatters || formatters.downFormatter === PayloadFormatter.FORMATTER_NONE) return undefined;
  return { formatter: formatters.downFormatter, parameter: formatters.downFormatterParameter };
}

/** What the formatters are told about the device. */
export function formatterContext(device: EndDevice): FormatterContext {
  return {
    endDeviceIds: device.ids ?? create(EndDeviceIdentifiersSchema),
    ...(device.versionIds ? { versionIds: device.versionIds } : {}),
  };
}

/**
 * Whether frame payloads stay encrypted: the device's override, then the application link's
 * setting, then the device's deprecated flag.
 */
export function skipsPayloadCrypto(
  device: EndDevice | undefined,
  link: ApplicationLink | undefined,
): boolean {
  const override = device?.skipPayloadCryptoOverride;
  if (override !== undefined) return override;
  if (link?.skipPayloadCrypto !== undefined) return link.skipPayloadCrypto;
  return device?.skipPayloadCrypto ?? false;
}
