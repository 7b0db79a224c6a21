// Semtech UDP packet forwarder protocol (versions 2 and 1): a pure codec, bytes in and out.
export { decodeBase64, encodeBase64 } from "./base64.ts";
export { type DataRate, formatDataRate, type Modulation, parseDataRate } from "./data-rate.ts";
export {
  decodeGatewayDatagram,
  type GatewayPacket,
  type PullData,
  type PushData,
  type TxAckPacket,
} from "./decode.ts";
export { DROP_REASONS, type Drop, type DropReason, type PartDrop } from "./drop-reasons.ts";
export {
  encodePullAck,
  encodePullResp,
  encodePushAck,
  MAX_PULL_RESP_LENGTH,
} from "./encode.ts";
export { errGatewayEui, errToken, errTxpkField } from "./errors.ts";
export { hertzToMegahertzText, megahertzToHertz } from "./frequency.ts";
export {
  encodePullData,
  encodePushData,
  encodeTxAck,
  rxpkJson,
  statJson,
} from "./gateway-encode.ts";
export {
  HEADER_LENGTH,
  type Header,
  PACKET_TYPE,
  type ProtocolVersion,
  readHeader,
  type UpstreamType,
} from "./header.ts";
export type { RxPacket, RxSignal } from "./rxpk.ts";
export type { GatewayStat, HardwareVersions } from "./stat.ts";
export { type StatusMaps, statusMaps } from "./status-metrics.ts";
export { formatCompactTime, formatExpandedTime, parseGatewayTime } from "./time.ts";
export { TX_ACK_ERRORS, TX_ACK_SUCCESS, type TxAck, type TxAckError } from "./tx-ack.ts";
export { formatTxpk, type TxPacket } from "./txpk.ts";
