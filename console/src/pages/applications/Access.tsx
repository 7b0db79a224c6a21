import { ApiKeysPanel } from "../../components/entity-access/ApiKeysPanel.tsx";
import { CollaboratorsPanel } from "../../components/entity-access/CollaboratorsPanel.tsx";
import type { EntityRef } from "../../components/entity-access/entity.ts";
import { useApplication } from "./context.ts";

function useEntity(): EntityRef {
  const { appId } = useApplication();
  return { kind: "applications", id: appId };
}

/** The users and organizations with rights on the application. */
export function Collaborators() {
  return <CollaboratorsPanel entity={useEntity()} />;
}

/** The application's API keys. */
export function ApiKeys() {
  return <ApiKeysPanel entity={useEntity()} />;
}
