import { errorNamespace } from "../../errors/index.ts";

const errors = errorNamespace("network-server/adr");

/** The MAC state names a data rate the band does not define: the state is corrupt, skip ADR. */
export const errUnknownDataRate = errors.failedPrecondition(
  "unknown_data_rate",
  "data rate index {data_rate_index} is not defined in band `{band_id}`",
);
