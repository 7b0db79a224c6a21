import { defineEvent, jsonData } from "./definition.ts";

/**
 * The first event of every stream, sent once the stream is subscribed (so a client knows, and
 * HTTP headers go out at once). As in The Things Stack it is visible to the stream's caller
 * only, and its data is the list of event names the stream's `names` filter selected.
 */
export const evtStreamStart = defineEvent("events.stream.start", {
  description: "event stream started",
  visibility: [],
  dataType: jsonData<string[]>(),
});
