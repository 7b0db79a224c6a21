/**
 * What the Join Server does for Network and Application Servers, whichever way they reach it:
 * the cluster's NsJs and AsJs services, or LoRaWAN Backend Interfaces (src/interop/). One
 * implementation (`join/handle-join.ts`); the transports only translate.
 */
import type { JoinRequest, JoinResponse } from "../gen/ttn/lorawan/v3/join_pb.js";
import type {
  AppSKeyResponse,
  NwkSKeysResponse,
  SessionKeyRequest,
} from "../gen/ttn/lorawan/v3/joinserver_pb.js";

/** Who asks. */
export type JoinOrigin =
  /** A Network or Application Server of this cluster (authenticated with a cluster key). */
  | { kind: "cluster" }
  /**
   * A Backend Interfaces sender, authenticated by its client certificate: a Network Server
   * (its NetID; a join is served only when it is the device's home NetID) or an Application
   * Server (its AS-ID).
   */
  | { kind: "interop"; netId?: Uint8Array; asId?: string };

/** A device's home network, for Backend Interfaces' HomeNSReq. */
export interface HomeNetwork {
  /** The device's home NetID (3 bytes), `net_id` of its registration. */
  netId: Uint8Array;
  /** Its Network Server, `network_server_address` of its registration ("" when unset). */
  networkServerAddress: string;
}

export interface JoinHandler {
  /**
   * Accepts a join-request (or a 1.1 rejoin-request): checks the MIC and the DevNonce (or
   * RJcount), stores the next JoinNonce, derives the session keys, stores them, and returns
   * the encrypted join-accept with the network session keys wrapped for the Network Server and
   * the AppSKey wrapped for the Application Server. Publishes `js.join.accept` or
   * `js.join.reject`; throws the Join Server's defined errors (src/join-server/errors.ts).
   */
  handleJoin(request: JoinRequest, origin: JoinOrigin): Promise<JoinResponse>;
  /** The network session keys of a session, wrapped for the Network Server. */
  getNwkSKeys(request: SessionKeyRequest, origin: JoinOrigin): Promise<NwkSKeysResponse>;
  /** The AppSKey of a session, wrapped for the Application Server. */
  getAppSKey(request: SessionKeyRequest, origin: JoinOrigin): Promise<AppSKeyResponse>;
  /** The home network of a device; throws `errDeviceNotFound`. */
  homeNetwork(joinEui: Uint8Array, devEui: Uint8Array): Promise<HomeNetwork>;
}
