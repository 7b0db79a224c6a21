import { Badge, Stack, Table, Text, Title } from "@mantine/core";
import { api } from "../../api/client";
import { usePaged } from "../../api/hooks";
import { listShows } from "../../api/list-shows";
import { DateTime, EmptyState, ErrorAlert } from "../../components";
import { ConfirmButton } from "../../components/ConfirmAction";
import { rightNames, summarizeRights } from "../../components/entity-access/rights";

type Authorization = {
  client_ids?: { client_id?: string };
  rights?: string[];
  created_at?: string;
  updated_at?: string;
};

/** The OAuth clients the user authorized (`/users/{id}/authorizations`), each revocable. */
export function AuthorizationsPanel({ userId }: { userId: string }) {
  const base = `/users/${encodeURIComponent(userId)}/authorizations`;
  const list = usePaged<Authorization>(base, "authorizations", { limit: 50 });
  const rows = list.items.filter(
    (item): item is Authorization & { client_ids: { client_id: string } } =>
      typeof item.client_ids?.client_id === "string",
  );
  return (
    <Stack>
      <Title order={3}>Authorized clients</Title>
      <Text size="sm" c="dimmed">
        Programs you allowed to act on your behalf. Revoking one ends all of its access tokens.
      </Text>
      {list.error !== undefined && (
        <ErrorAlert error={list.error} title="Could not list authorized clients" />
      )}
      {listShows({ ...list, items: rows }) === "empty" ? (
        <EmptyState title="No authorized clients" />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table verticalSpacing="sm" aria-label="Authorized clients">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Client</Table.Th>
                <Table.Th>Rights</Table.Th>
                <Table.Th>Authorized</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((item) => {
                const clientId = item.client_ids.client_id;
                return (
                  <Table.Tr key={clientId}>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {clientId}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light">{summarizeRights(rightNames(item.rights))}</Badge>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={item.created_at} />
                    </Table.Td>
                    <Table.Td>
                      <ConfirmButton
                        size="xs"
                        label="Revoke"
                        aria-label={`Revoke ${clientId}`}
                        title={`Revoke ${clientId}?`}
                        message={
                          clientId === "console"
                            ? "This is the Console you are using: you will be signed out."
                            : `${clientId} loses access to your account until you authorize it again.`
                        }
                        onConfirm={async () => {
                          await api.del(`${base}/${encodeURIComponent(clientId)}`);
                          list.reload();
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
