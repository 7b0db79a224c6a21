import { useEffect, useState } from "react";
import { streamEvents } from "../../api/events.ts";
import { laterOf } from "./times.ts";

/** The events that are the application's traffic: every uplink the Application Server forwards. */
export const activityEventNames = ["/^as\\.up\\./"];

/**
 * When the application's end devices were last heard of: the newest uplink event (the last one
 * stored, then each as it happens), kept up to date while the page is open.
 */
export function useLastActivity(appId: string): string | undefined {
  const [last, setLast] = useState<string>();
  useEffect(() => {
    setLast(undefined);
    const controller = new AbortController();
    void streamEvents(
      {
        identifiers: [{ application_ids: { application_id: appId } }],
        names: activityEventNames,
        tail: 1,
      },
      (event) => {
        // The stream's own events (`events.stream.start`) pass every name filter.
        if (event.name.startsWith("as.up.")) setLast((current) => laterOf(current, event.time));
      },
      controller.signal,
    );
    return () => controller.abort();
  }, [appId]);
  return last;
}
