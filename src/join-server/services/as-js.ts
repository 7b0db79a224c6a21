/**
 * `AsJs`: the Join Server's service for the cluster's Application Servers (registered
 * internal: callers present a cluster key). The AppSKey of a session, by session key ID.
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { AsJs } from "../../gen/ttn/lorawan/v3/joinserver_pb.js";
import type { JoinHandler, JoinOrigin } from "../join-handler.ts";

const cluster: JoinOrigin = { kind: "cluster" };

export function asJsService(handler: JoinHandler): ServiceImpl<typeof AsJs> {
  return {
    getAppSKey: (request) => handler.getAppSKey(request, cluster),
  };
}
