/**
 * `AppAs`: the Application Server's traffic API for applications, with The Things Stack's
 * paths and rights — the downlink queue (`RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE` to push or
 * replace, `RIGHT_APPLICATION_TRAFFIC_READ` to list), simulated uplinks
 * (`RIGHT_APPLICATION_TRAFFIC_UP_WRITE`), trying payload formatters
 * (`RIGHT_APPLICATION_DEVICES_READ`) and the MQTT connection info (`RIGHT_APPLICATION_INFO`).
 */
import { clone, create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { checkId, endDeviceKeyOf } from "../../api/end-device-identifiers.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { errorNamespace } from "../../errors/index.ts";
import {
  type AppAs,
  DecodeDownlinkResponseSchema,
  DecodeUplinkResponseSchema,
  EncodeDownlinkResponseSchema,
  MQTTConnectionInfoSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_traffic_pb.js";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import {
  ApplicationDownlinkSchema,
  ApplicationDownlinksSchema,
  ApplicationUplinkSchema,
  type PayloadFormatter,
} from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import type { FormatterContext, PayloadFormatters } from "../formatters/payload-formatters.ts";
import { decodeUplinkInto } from "../uplinks/decode.ts";
import type { UplinkHandler } from "../uplinks/handler.ts";

const errors = errorNamespace("application-server/app-as");

export const errEncodeDownlink = errors.invalidArgument(
  "encode_downlink",
  "the downlink encoder failed: {errors}",
);
export const errDecodeDownlink = errors.invalidArgument(
  "decode_downlink",
  "the downlink decoder failed: {errors}",
);
export const errNoUplinkMessage = errors.invalidArgument(
  "no_uplink",
  "a simulated uplink needs `end_device_ids` and a message",
);

export interface AppAsOptions {
  queue: ApplicationDownlinkQueue;
  uplinks: Pick<UplinkHandler, "simulate">;
  formatters: PayloadFormatters;
  rights: RightsFetcher;
  /** `as.mqtt.public_address` (host:port); empty: no plain listener. */
  mqttPublicAddress: string;
  /** `as.mqtt.public_tls_address` (host:port); empty: no TLS listener. */
  mqttPublicTlsAddress: string;
  /** The tenant in MQTT user names (`{application_id}@{tenant}`); default `ttn`. */
  tenantId?: string;
}

export function appAsService(options: AppAsOptions): Partial<ServiceImpl<typeof AppAs>> {
  const { queue, formatters, rights } = options;
  const tenant = options.tenantId ?? "ttn";

  const require = (context: HandlerContext, applicationId: string, right: RightName) =>
    requireApplicationRights(rights, context.requestHeader.get("authorization"), applicationId, [
      right,
    ]);

  const formatterRun = async (
    context: HandlerContext,
    request: {
      endDeviceIds?: Parameters<typeof endDeviceKeyOf>[0];
      versionIds?: FormatterContext["versionIds"];
      formatter: PayloadFormatter;
      parameter: string;
    },
  ) => {
    const key = endDeviceKeyOf(request.endDeviceIds, "end_device_ids");
    await require(context, key.applicationId, "RIGHT_APPLICATION_DEVICES_READ");
    return {
      choice: { formatter: request.formatter, parameter: request.parameter },
      context: {
        endDeviceIds: request.endDeviceIds ?? create(EndDeviceIdentifiersSchema),
        ...(request.versionIds ? { versionIds: request.versionIds } : {}),
      },
    };
  };

  return {
    async downlinkQueuePush(request, context) {
      const key = endDeviceKeyOf(request.endDeviceIds, "end_device_ids");
      await require(context, key.applicationId, "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE");
      await queue.push(
        request.endDeviceIds ?? create(EndDeviceIdentifiersSchema),
        request.downlinks,
      );
      return {};
    },
    async downlinkQueueReplace(request, context) {
      const key = endDeviceKeyOf(request.endDeviceIds, "end_device_ids");
      await require(context, key.applicationId, "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE");
      await queue.replace(
        request.endDeviceIds ?? create(EndDeviceIdentifiersSchema),
        request.downlinks,
      );
      return {};
    },
    async downlinkQueueList(ids, context) {
      const key = endDeviceKeyOf(ids, "end_device_ids");
      await require(context, key.applicationId, "RIGHT_APPLICATION_TRAFFIC_READ");
      return create(ApplicationDownlinksSchema, { downlinks: await queue.list(ids) });
    },
    async getMQTTConnectionInfo(ids, context) {
      const applicationId = checkId("application_id", ids.applicationId);
      await require(context, applicationId, "RIGHT_APPLICATION_INFO");
      return create(MQTTConnectionInfoSchema, {
        publicAddress: options.mqttPublicAddress,
        publicTlsAddress: options.mqttPublicTlsAddress,
        username: `${applicationId}@${tenant}`,
      });
    },
    async simulateUplink(up, context) {
      if (!up.endDeviceIds || up.up.case === undefined) throw errNoUplinkMessage.create();
      const key = endDeviceKeyOf(up.endDeviceIds, "end_device_ids");
      await require(context, key.applicationId, "RIGHT_APPLICATION_TRAFFIC_UP_WRITE");
      await options.uplinks.simulate(up);
      return {};
    },
    async decodeUplink(request, context) {
      const run = await formatterRun(context, request);
      const uplink = clone(
        ApplicationUplinkSchema,
        request.uplink ?? create(ApplicationUplinkSchema),
      );
      const failure = await decodeUplinkInto(
        formatters,
        run.choice,
        uplink,
        run.context,
        new Date(),
      );
      if (failure) throw failure;
      return create(DecodeUplinkResponseSchema, { uplink });
    },
    async encodeDownlink(request, context) {
      const run = await formatterRun(context, request);
      const downlink = clone(
        ApplicationDownlinkSchema,
        request.downlink ?? create(ApplicationDownlinkSchema),
      );
      const result = await formatters.encodeDownlink(
        run.choice,
        {
          data: downlink.decodedPayload ?? {},
          ...(downlink.fPort > 0 ? { fPort: downlink.fPort } : {}),
        },
        run.context,
      );
      if (result.errors.length > 0 || !result.bytes)
        throw errEncodeDownlink.create({ errors: result.errors.join("; ") || "no bytes" });
      downlink.frmPayload = result.bytes;
      if (downlink.fPort === 0 && result.fPort !== undefined) downlink.fPort = result.fPort;
      downlink.decodedPayloadWarnings = result.warnings;
      return create(EncodeDownlinkResponseSchema, { downlink });
    },
    async decodeDownlink(request, context) {
      const run = await formatterRun(context, request);
      const downlink = clone(
        ApplicationDownlinkSchema,
        request.downlink ?? create(ApplicationDownlinkSchema),
      );
      const result = await formatters.decodeDownlink(
        run.choice,
        { bytes: downlink.frmPayload, fPort: downlink.fPort },
        run.context,
      );
      if (result.errors.length > 0 || !result.data)
        throw errDecodeDownlink.create({ errors: result.errors.join("; ") || "no data" });
      downlink.decodedPayload = result.data;
      downlink.decodedPayloadWarnings = result.warnings;
      return create(DecodeDownlinkResponseSchema, { downlink });
    },
  };
}
