import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("gateway-protocols/semtech-udp");

// Only encoding throws: what we send must be right, whereas what gateways send is dropped by
// reason (drop-reasons.ts) without an error.

export const errToken = errors.invalidArgument(
  "token_invalid",
  "token {token} is not an integer in 0..65535",
);
export const errTxpkField = errors.invalidArgument(
  "txpk_field_invalid",
  "txpk field `{field}` is invalid: {value} ({expected})",
);
export const errGatewayEui = errors.invalidArgument(
  "gateway_eui_invalid",
  "gateway EUI `{gateway_eui}` is not 16 hex digits",
);
