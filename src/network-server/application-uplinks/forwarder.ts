/**
 * How the Network Server hands messages of end devices (uplinks, join-accepts, downlink
 * results) to the Application Server: `NsAs.HandleUplink` through the cluster's peers.
 */
import type { ApplicationUp } from "../../gen/ttn/lorawan/v3/messages_pb.js";

export interface ApplicationUplinkForwarder {
  /**
   * Hands the messages to the Application Server: resolves once it took them, or once they wait
   * durably for it (it is unreachable); rejects only when neither could be done.
   */
  forward(ups: readonly ApplicationUp[]): Promise<void>;
}
