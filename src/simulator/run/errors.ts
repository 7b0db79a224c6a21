import { errorNamespace } from "../../errors/index.ts";

const define = errorNamespace("simulator/run");

/** A flag of `lorastack simulate` that cannot be used (exit code 2). */
export const errBadFlag = define.invalidArgument("bad_flag", "--{flag}: {reason}");

/** A `--devices-file` whose devices cannot be simulated (exit code 2). */
export const errBadDeviceList = define.invalidArgument(
  "bad_device_list",
  "--devices-file: {reason}",
);
