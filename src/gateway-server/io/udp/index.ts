// The Semtech UDP packet forwarder frontend of the Gateway Server.
export { errConnectionExpired, errNoDownlinkPath } from "./errors.ts";
export { txAckResults, uplinkFromRxpk } from "./translate.ts";
export { udpFrontend, udpProtocol } from "./udp-frontend.ts";
