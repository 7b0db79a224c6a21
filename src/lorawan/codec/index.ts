export { decodeCfList, encodeCfList } from "./cf-list.ts";
export { DATA_FRAME_MIN_LENGTH } from "./data-frame.ts";
export { decodePhyPayload } from "./decode.ts";
export { encodePhyPayload } from "./encode.ts";
export {
  errCfListType,
  errField,
  errFOptsTooLong,
  errFOptsWithFPort0,
  errFrmPayloadWithoutFPort,
  errMajor,
  errMType,
  errNotBytes,
  errRejoinType,
  errTooShort,
  errWrongLength,
} from "./errors.ts";
export type {
  CfList,
  CfListChannelMasks,
  CfListFrequencies,
  DataFrame,
  DlSettings,
  DownlinkDataFrame,
  DownlinkFCtrl,
  JoinAcceptFrame,
  JoinAcceptPayload,
  JoinRequestFrame,
  MType,
  PhyPayload,
  ProprietaryFrame,
  RejoinRequest1Frame,
  RejoinRequest02Frame,
  RejoinRequestFrame,
  UplinkDataFrame,
  UplinkFCtrl,
} from "./frame.ts";
export {
  JOIN_ACCEPT_LENGTH,
  JOIN_ACCEPT_WITH_CF_LIST_LENGTH,
} from "./join-accept.ts";
export {
  decodeJoinAcceptPayload,
  encodeJoinAcceptPayload,
  JOIN_ACCEPT_PAYLOAD_LENGTH,
} from "./join-accept-payload.ts";
export { JOIN_REQUEST_LENGTH } from "./join-request.ts";
export { mhdrByte, mTypeOfMhdr, mTypesByCode } from "./mhdr.ts";
export { REJOIN_REQUEST_1_LENGTH, REJOIN_REQUEST_02_LENGTH } from "./rejoin-request.ts";
