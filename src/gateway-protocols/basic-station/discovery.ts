/**
 * Discovery (`/router-info`): station sends `{"router": <id>}` and is told where its LNS
 * traffic endpoint is. The answer is The Things Stack's: the router echoed in id6 form,
 * `muxs` `muxs-::0`, and `uri` `<ws|wss>://<host>/traffic/eui-<EUI>`.
 */
import { type Drop, drop } from "./drop-reasons.ts";
import { isJsonObject } from "./fields.ts";
import { parseJson, stringifyJson } from "./lossless-json.ts";
import { formatHexEui, formatId6, parseStationEui } from "./station-id.ts";

/** The path prefix of the traffic endpoint; the gateway's EUI follows as `eui-<EUI>`. */
export const TRAFFIC_PATH_PREFIX = "/traffic/";

/** The muxs id TTS answers (the id6 of EUI 0 with the `muxs` prefix). */
export const MUXS_ID = "muxs-::0";

export type RouterInfoRequest = { readonly ok: true; readonly eui: Uint8Array } | Drop;

/**
 * Parses the router-info request. The zero EUI is refused (`bad_field`), as TTS refuses an
 * empty gateway EUI.
 */
export function parseRouterInfoRequest(text: string): RouterInfoRequest {
  const object = parseJson(text);
  if (!isJsonObject(object)) return drop("not_json");
  const eui = parseStationEui(object.router);
  if (eui === undefined || eui.every((byte) => byte === 0)) return drop("bad_field", "router");
  return { ok: true, eui };
}

/** The traffic path of a gateway: `/traffic/eui-0016C001FFFE0001`. */
export function trafficPath(eui: Uint8Array): string {
  return `${TRAFFIC_PATH_PREFIX}eui-${formatHexEui(eui)}`;
}

/**
 * The EUI in a traffic path (`/traffic/eui-<EUI>` or, as station accepts any path,
 * `/traffic/<id>` with any station id form); undefined when the path names none.
 */
export function parseTrafficPath(path: string): Uint8Array | undefined {
  if (!path.startsWith(TRAFFIC_PATH_PREFIX)) return undefined;
  let id = path.slice(TRAFFIC_PATH_PREFIX.length);
  if (id.startsWith("eui-")) id = id.slice(4);
  return id.length === 0 ? undefined : parseStationEui(id);
}

export interface RouterInfoAnswer {
  readonly eui: Uint8Array;
  /** `ws` or `wss`. */
  readonly scheme: "ws" | "wss";
  /** `host[:port]` the station should connect to. */
  readonly host: string;
}

/** The successful router-info answer. */
export function encodeRouterInfoResponse(answer: RouterInfoAnswer): string {
  return stringifyJson({
    router: formatId6(answer.eui),
    muxs: MUXS_ID,
    uri: `${answer.scheme}://${answer.host}${trafficPath(answer.eui)}`,
  });
}

/** The router-info error answer; station logs `error` and retries later. */
export function encodeRouterInfoError(message: string, eui?: Uint8Array): string {
  return stringifyJson(
    eui === undefined ? { error: message } : { router: formatId6(eui), error: message },
  );
}
