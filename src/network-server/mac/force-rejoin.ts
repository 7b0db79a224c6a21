/**
 * ForceRejoinReq (1.1): sent only when the operator asks for it (the downlink context carries
 * the request); the device answers with a rejoin-request, not with a MAC command.
 */
import { MACVersion } from "../../gen/ttn/lorawan/v3/lorawan_pb.js";
import { versionAtLeast } from "./commands.ts";
import { evtEnqueueForceRejoinRequest } from "./events.ts";
import type { MacHandler } from "./types.ts";

export const forceRejoinHandler: MacHandler = {
  cid: 0x0e,
  name: "force_rejoin",
  requestEvent: evtEnqueueForceRejoinRequest,
  needs: (state, context) => {
    if (context.forceRejoin === undefined || !versionAtLeast(state, MACVersion.MAC_V1_1)) return [];
    return [{ cid: 0x0e, name: "ForceRejoinReq", ...context.forceRejoin }];
  },
};
