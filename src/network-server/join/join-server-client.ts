/**
 * How the Network Server reaches the Join Server of a join-request, as The Things Stack does:
 * the cluster's Join Server first (`NsJs.HandleJoin`, in this process or a configured peer);
 * when there is none, or it does not know the device or JoinEUI, the external Join Server
 * configured for the JoinEUI (`interop.join_servers`) through LoRaWAN Backend Interfaces.
 * Each attempt publishes `ns.up.join.cluster.*` or `ns.up.join.interop.*`.
 */
import { create } from "@bufbuild/protobuf";
import { errorDetailsMessage } from "../../api/error-details.ts";
import { asDefinedError } from "../../api/errors.ts";
import type { Cluster } from "../../cluster/cluster.ts";
import type { DefinedError } from "../../errors/index.ts";
import type { EntityRef, EventBus, EventDefinition } from "../../events/index.ts";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import {
  type JoinRequest,
  type JoinResponse,
  JoinResponseSchema,
} from "../../gen/ttn/lorawan/v3/join_pb.js";
import { NsJs } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { InteropClient } from "../../interop/client.ts";
import type { Logger } from "../../log/logger.ts";
import { formatHex } from "../../lorawan/types/index.ts";
import { errJoinServerNotFound } from "./errors.ts";
import {
  evtClusterJoinAttempt,
  evtClusterJoinFail,
  evtClusterJoinSuccess,
  evtInteropJoinAttempt,
  evtInteropJoinFail,
  evtInteropJoinSuccess,
} from "./events.ts";

export interface JoinServerClient {
  /**
   * The Join Server's answer to `request` (join-accept and session keys, wrapped as the Join
   * Server wraps them); throws the Join Server's error, or `join_server_not_found`.
   * `identifiers`: the device the attempt events are about.
   */
  handleJoin(
    request: JoinRequest,
    joinEui: Uint8Array,
    identifiers?: readonly EntityRef[],
  ): Promise<JoinResponse>;
}

export interface JoinServerClientOptions {
  /** The cluster whose `js` peer is tried first. */
  cluster: Pick<Cluster, "peer">;
  /** The Backend Interfaces client of `interop.join_servers`; absent: no external Join Servers. */
  interop?: Pick<InteropClient, "handleJoin" | "joinServerFor">;
  events: EventBus;
  logger: Logger;
}

interface Route {
  attempt: EventDefinition<JoinRequest>;
  success: EventDefinition<JoinResponse>;
  fail: EventDefinition<ErrorDetails>;
}

const routes = {
  cluster: {
    attempt: evtClusterJoinAttempt,
    success: evtClusterJoinSuccess,
    fail: evtClusterJoinFail,
  },
  interop: {
    attempt: evtInteropJoinAttempt,
    success: evtInteropJoinSuccess,
    fail: evtInteropJoinFail,
  },
} satisfies Record<string, Route>;

/**
 * Errors that say "not this Join Server's device": the next Join Server is tried. The Things
 * Stack moves on after NotFound; our Join Server refuses JoinEUIs it does not serve with
 * `unknown_join_eui`, which means the same here.
 */
function notServedHere(error: DefinedError): boolean {
  return error.code === "not_found" || error.definition.name === "unknown_join_eui";
}

/** The answer without its session keys, for events (The Things Stack's joinResponseWithoutKeys). */
function withoutKeys(response: JoinResponse): JoinResponse {
  return create(JoinResponseSchema, {
    rawPayload: response.rawPayload,
    sessionKeys: { sessionKeyId: response.sessionKeys?.sessionKeyId ?? new Uint8Array() },
    lifetime: response.lifetime,
    correlationIds: response.correlationIds,
  });
}

export function createJoinServerClient(options: JoinServerClientOptions): JoinServerClient {
  const { cluster, interop, events, logger } = options;

  /** The cluster's Join Server, or `undefined` when no `js` peer is in this process or configured. */
  function clusterJoinServer(): ((request: JoinRequest) => Promise<JoinResponse>) | undefined {
    try {
      const client = cluster.peer("js").client(NsJs);
      return (request) => client.handleJoin(request);
    } catch (error) {
      logger.debug({ err: error }, "no cluster Join Server");
      return undefined;
    }
  }

  /** One attempt; `undefined` when that Join Server does not serve the device (try the next). */
  async function attempt(
    route: Route,
    send: (request: JoinRequest) => Promise<JoinResponse>,
    request: JoinRequest,
    identifiers: readonly EntityRef[],
  ): Promise<JoinResponse | undefined> {
    const correlationIds = request.correlationIds;
    events.publish(route.attempt, { identifiers, data: request, correlationIds });
    try {
      const response = await send(request);
      events.publish(route.success, { identifiers, data: withoutKeys(response), correlationIds });
      return response;
    } catch (error) {
      const defined = asDefinedError(error);
      events.publish(route.fail, {
        identifiers,
        data: errorDetailsMessage(defined, correlationIds[0] ?? ""),
        correlationIds,
      });
      if (notServedHere(defined)) return undefined;
      throw defined;
    }
  }

  return {
    async handleJoin(request, joinEui, identifiers = []) {
      const local = clusterJoinServer();
      if (local) {
        const response = await attempt(routes.cluster, local, request, identifiers);
        if (response) return response;
      }
      if (interop?.joinServerFor(joinEui)) {
        const send = (message: JoinRequest) => interop.handleJoin(message);
        const response = await attempt(routes.interop, send, request, identifiers);
        if (response) return response;
      }
      throw errJoinServerNotFound.create({ join_eui: formatHex(joinEui) });
    },
  };
}
