import { errorNamespace } from "../../errors/index.ts";

const define = errorNamespace("simulator/device");

export const errNoJoinRequest = define.failedPrecondition(
  "no_join_request",
  "a join-accept arrived but the device sent no join-request",
);
export const errNotJoinAccept = define.invalidArgument(
  "not_join_accept",
  "not a join-accept: MHDR {mhdr}",
);
export const errJoinAcceptMic = define.unauthenticated(
  "join_accept_mic",
  "the join-accept's MIC does not verify",
);
export const errNotDataDownlink = define.invalidArgument(
  "not_data_downlink",
  "not a data downlink: {m_type}",
);
export const errDownlinkMic = define.unauthenticated(
  "downlink_mic",
  "the downlink's MIC does not verify (FCnt {f_cnt})",
);
export const errNoSession = define.failedPrecondition("no_session", "the device has no session");
export const errProfile = define.invalidArgument(
  "profile",
  "device `{device_id}`: {field} {problem}",
);
