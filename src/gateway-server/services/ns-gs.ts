import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { Cluster } from "../../cluster/cluster.ts";
import { DefinedError } from "../../errors/index.ts";
import {
  type NsGs,
  NsGs as NsGsService,
  type ScheduleDownlinkErrorDetails,
  ScheduleDownlinkErrorDetailsSchema,
  type ScheduleDownlinkResponse,
} from "../../gen/ttn/lorawan/v3/gatewayserver_pb.js";
import type { DownlinkPath } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import type { DownlinkMessage } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import { type Connections, gatewayClaimId } from "../connections/connections.ts";
import {
  errInvalidUplinkToken,
  errNoDownlinkPaths,
  errNotConnected,
  errNotTxRequest,
  errSchedule,
  errSchedulePath,
} from "../errors.ts";
import { decodeUplinkToken, type UplinkTokenFields } from "../uplink-token.ts";

/** One path's error as it travels in `schedule`'s `path_errors` attribute. */
export interface PathError {
  namespace: string;
  name: string;
  message_format: string;
  attributes: Record<string, unknown>;
  code: string;
}

/**
 * `NsGs`: the Network Server's downlinks. Each path is tried in order: the gateway's
 * connection on this instance, else the instance holding the gateway's claim (the call is
 * routed there with that one path), else `not_connected`. When every path fails, the error is
 * `schedule` with each path's error in `path_errors`.
 */
export function nsGsService(options: {
  connections: Connections;
  cluster: Cluster;
}): Partial<ServiceImpl<typeof NsGsService>> {
  const { connections, cluster } = options;

  async function onPath(
    downlink: DownlinkMessage,
    path: DownlinkPath,
  ): Promise<ScheduleDownlinkResponse> {
    let gatewayId: string;
    let token: UplinkTokenFields | undefined;
    if (path.path.case === "uplinkToken") {
      token = decodeUplinkToken(path.path.value);
      if (!token) throw errInvalidUplinkToken.create();
      gatewayId = token.gatewayId;
    } else if (path.path.case === "fixed") {
      gatewayId = path.path.value.gatewayIds?.gatewayId ?? "";
    } else throw errNoDownlinkPaths.create();
    const local = connections.get(gatewayId);
    if (local?.isOpen) {
      try {
        return await local.scheduleDownlink(downlink, path, token);
      } catch (error) {
        throw errSchedulePath.create({ gateway_uid: gatewayId }, error);
      }
    }
    const holder = await cluster.claims.holder(gatewayClaimId(gatewayId));
    if (!holder || holder.instanceId === cluster.instanceId)
      throw errNotConnected.create({ gateway_uid: gatewayId });
    const request = downlink.settings.case === "request" ? downlink.settings.value : undefined;
    try {
      return await cluster
        .peerAt(holder.address)
        .client(NsGsService)
        .scheduleDownlink({
          ...downlink,
          settings: { case: "request", value: { ...request, downlinkPaths: [path] } as never },
        });
    } catch (error) {
      // The holder's own `schedule` error carries this path's error: pass that one on.
      const inner = pathErrorsOf(error)[0];
      if (inner) throw new PathFailure(inner);
      throw errSchedulePath.create({ gateway_uid: gatewayId }, error);
    }
  }

  return {
    async scheduleDownlink(downlink) {
      if (downlink.settings.case !== "request") throw errNotTxRequest.create();
      const paths = downlink.settings.value.downlinkPaths;
      if (paths.length === 0) throw errNoDownlinkPaths.create();
      const errors: PathError[] = [];
      for (const path of paths) {
        try {
          return await onPath(downlink, path);
        } catch (error) {
          errors.push(error instanceof PathFailure ? error.detail : pathErrorOf(error));
        }
      }
      throw errSchedule.create({ path_errors: errors });
    },
  } satisfies Partial<ServiceImpl<typeof NsGs>>;
}

/** A path error that came back from another instance already in its travelling form. */
class PathFailure extends Error {
  readonly detail: PathError;
  constructor(detail: PathError) {
    super(detail.name);
    this.detail = detail;
  }
}

function pathErrorOf(error: unknown): PathError {
  // The cause says why the path failed (too late, not connected, ...); report that.
  const defined =
    error instanceof DefinedError &&
    errSchedulePath.matches(error) &&
    error.cause instanceof DefinedError
      ? error.cause
      : error;
  if (defined instanceof DefinedError)
    return {
      namespace: defined.definition.namespace,
      name: defined.definition.name,
      message_format: defined.definition.messageFormat,
      attributes: plainAttributes(defined.attributes),
      code: defined.code,
    };
  return {
    namespace: "gateway-server",
    name: "unknown",
    message_format: String(error),
    attributes: {},
    code: "unknown",
  };
}

function plainAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes).filter(([, value]) =>
      ["string", "number", "boolean"].includes(typeof value),
    ),
  );
}

/** The `path_errors` of a `schedule` error (empty for any other error). */
export function pathErrorsOf(error: unknown): PathError[] {
  if (!errSchedule.matches(error)) return [];
  const errors = error.attributes.path_errors;
  return Array.isArray(errors) ? (errors as PathError[]) : [];
}

/** TTS's `ScheduleDownlinkErrorDetails` of a `schedule` error. */
export function scheduleDownlinkErrorDetails(error: unknown): ScheduleDownlinkErrorDetails {
  return create(ScheduleDownlinkErrorDetailsSchema, {
    pathErrors: pathErrorsOf(error).map((path) => ({
      namespace: path.namespace,
      name: path.name,
      messageFormat: path.message_format,
      attributes: path.attributes as never,
    })),
  });
}
