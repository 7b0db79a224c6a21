import { errorNamespace } from "../../errors/index.ts";

const define = errorNamespace("lorawan/band");

export const errBandNotFound = define.notFound(
  "band_not_found",
  "band `{band_id}` is not defined for regional parameters version `{version}`",
);
export const errUnsupportedChMaskCntl = define.invalidArgument(
  "unsupported_ch_mask_cntl",
  "ChMaskCntl {ch_mask_cntl} is reserved for band `{band_id}` in version `{version}`",
);
export const errInvalidChannelCount = define.invalidArgument(
  "invalid_channel_count",
  "band `{band_id}` needs {expected} channels in a channel set, got {actual}",
);
export const errChannelNotDefined = define.invalidArgument(
  "channel_not_defined",
  "ChMask enables channel {channel}, which is not defined",
);
export const errInvalidChMask = define.invalidArgument(
  "invalid_ch_mask",
  "ChMask {ch_mask} is not a 16-bit value",
);
export const errCfListNotSupported = define.failedPrecondition(
  "cf_list_not_supported",
  "band `{band_id}` in version `{version}` has no CFList of type {type}",
);
export const errTooManyCfListFrequencies = define.invalidArgument(
  "too_many_cf_list_frequencies",
  "a CFList holds at most 5 frequencies, got {count}",
);
export const errInvalidCfListFrequency = define.invalidArgument(
  "invalid_cf_list_frequency",
  "frequency {frequency} Hz is not a multiple of {step} Hz below {max} Hz",
);
export const errInvalidCfList = define.invalidArgument(
  "invalid_cf_list",
  "a CFList is 16 bytes, got {length}",
);
export const errUnknownCfListType = define.invalidArgument(
  "unknown_cf_list_type",
  "CFListType {type} is not known for band `{band_id}`",
);
