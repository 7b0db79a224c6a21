import { Stack, Table, Text, Title } from "@mantine/core";
import { api } from "../../api/client";
import { usePaged } from "../../api/hooks";
import { listShows } from "../../api/list-shows";
import { DateTime, EmptyState, ErrorAlert } from "../../components";
import { ConfirmButton } from "../../components/ConfirmAction";

type Session = {
  session_id: string;
  created_at?: string;
  updated_at?: string;
  expires_at?: string;
};

/** The user's sign-in sessions with the Identity Server (`/users/{id}/sessions`), each revocable. */
export function SessionsPanel({ userId }: { userId: string }) {
  const base = `/users/${encodeURIComponent(userId)}/sessions`;
  const list = usePaged<Session>(base, "sessions", { limit: 50 });
  return (
    <Stack>
      <Title order={3}>Sessions</Title>
      <Text size="sm" c="dimmed">
        Where you are signed in to the account pages. Revoking a session signs that browser out.
      </Text>
      {list.error !== undefined && (
        <ErrorAlert error={list.error} title="Could not list sessions" />
      )}
      {listShows(list) === "empty" ? (
        <EmptyState title="No sessions" />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="sm" aria-label="Sessions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Session</Table.Th>
                <Table.Th>Started</Table.Th>
                <Table.Th>Last active</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((session) => (
                <Table.Tr key={session.session_id}>
                  <Table.Td>
                    <Text ff="monospace" size="sm">
                      {session.session_id.slice(0, 12)}…
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={session.created_at} />
                  </Table.Td>
                  <Table.Td>
                    <DateTime value={session.updated_at} />
                  </Table.Td>
                  <Table.Td>
                    {session.expires_at ? <DateTime value={session.expires_at} /> : "—"}
                  </Table.Td>
                  <Table.Td>
                    <ConfirmButton
                      size="xs"
                      label="Revoke session"
                      aria-label={`Revoke session ${session.session_id.slice(0, 12)}`}
                      title="Revoke this session?"
                      message="That browser is signed out of the account pages."
                      onConfirm={async () => {
                        await api.del(`${base}/${encodeURIComponent(session.session_id)}`);
                        list.reload();
                      }}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
