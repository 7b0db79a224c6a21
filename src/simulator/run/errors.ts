import { errorNamespace } from "../../errors/index.ts";

const define = errorNamespace("simulator/run");

/** A flag of `lorastack simulate` that cannot be used (exit code 2). */
export const errBadFlag = define.invalidArgument("bad_flag", "--{flag}: {reason}");
