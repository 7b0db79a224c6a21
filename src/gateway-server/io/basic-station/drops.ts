/**
 * What the Basics Station frontend drops and why, beyond the codec's frame reasons
 * (`dropReasons` of src/gateway-protocols/basic-station): counted in
 * `lorastack_gs_drops_total{reason="basic_station_<reason>"}`, never an error per frame.
 */
export const frontendDropReasons = {
  binary_frame: "station speaks text frames only",
  frame_too_large: "the frame exceeds the frontend's maximum message size (the socket is closed)",
  backlog: "too many frames arrived before the gateway's connection was set up",
  data_rate: "the uplink's data rate index is not one of the band's",
  dntxed_unknown: "a dntxed names no downlink sent on this connection",
  not_ready: "the frame arrived before the connection was set up and was refused",
  router_info: "the router-info request is not a station id",
  traffic_path: "the traffic path names no gateway EUI",
  no_auth: "the station presented no credentials and unauthenticated stations are not allowed",
  internal: "handling the frame failed unexpectedly (logged)",
} as const;
export type FrontendDropReason = keyof typeof frontendDropReasons;

/** Where drops are counted: `lorastack_gs_drops_total`. */
export interface DropCounter {
  inc(labels: { reason: string }): void;
}
