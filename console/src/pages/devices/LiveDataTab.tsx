import type { TabProps } from "./DevicePage.tsx";
import { EventsView } from "./shell.ts";

/** The device's events as they happen: uplinks, joins, downlinks, MAC commands. */
export function LiveDataTab({ appId, deviceId }: TabProps) {
  return (
    <EventsView
      identifiers={[
        { device_ids: { device_id: deviceId, application_ids: { application_id: appId } } },
      ]}
      tail={50}
    />
  );
}
