import { AreaHeading } from "../../app/AreaHeading";
import { useAuth } from "../../auth";

/** The Overview's first version: a welcome to the signed-in user. */
export function OverviewHeading() {
  const { user } = useAuth();
  return <AreaHeading title="Overview" description={`Welcome, ${user.name || user.user_id}.`} />;
}
