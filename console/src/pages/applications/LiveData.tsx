import { useApplication } from "./context.ts";
import { EventsView } from "./shell.ts";

/** The application's events as they happen (uplinks, joins, downlinks of its devices). */
export function LiveData() {
  const { appId } = useApplication();
  return <EventsView identifiers={[{ application_ids: { application_id: appId } }]} tail={50} />;
}
