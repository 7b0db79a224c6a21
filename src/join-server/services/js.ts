import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  GetDefaultJoinEUIResponseSchema,
  type JoinEUIPrefix,
  JoinEUIPrefixesSchema,
  type Js,
} from "../../gen/ttn/lorawan/v3/joinserver_pb.js";

/**
 * `Js`: the JoinEUI ranges this Join Server serves (`js.join_eui_prefixes`) and the JoinEUI
 * for new devices (`js.default_join_eui`). Configuration, not secrets: no rights needed.
 */
export function jsService(options: {
  joinEuiPrefixes: readonly JoinEUIPrefix[];
  defaultJoinEui: Uint8Array;
}): Partial<ServiceImpl<typeof Js>> {
  return {
    async getJoinEUIPrefixes() {
      return create(JoinEUIPrefixesSchema, { prefixes: [...options.joinEuiPrefixes] });
    },
    async getDefaultJoinEUI() {
      return create(GetDefaultJoinEUIResponseSchema, { joinEui: options.defaultJoinEui });
    },
  };
}
