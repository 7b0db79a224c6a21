import {
  Anchor,
  Badge,
  Button,
  Group,
  Pagination,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
} from "@mantine/core";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";
import { useSearchedList } from "../../api/searched-list";
import { DateTime, EmptyState, ErrorAlert, PageHeader } from "../../components";
import { stateColor, stateLabel, type User, userFields } from "./user";

const pageSize = 20;

/** All users (admins only): search, deleted users, and a link to edit each. */
export function UsersList() {
  const [which, setWhich] = useState<"active" | "deleted">("active");
  const deleted = which === "deleted";
  const list = useSearchedList<User>("/users", "users", {
    field_mask: userFields.join(","),
    limit: pageSize,
    order: "user_id",
    ...(deleted ? { deleted: true } : {}),
  });
  return (
    <Stack>
      <PageHeader
        title="Users"
        description="Every account of this network: approve, suspend, promote or delete."
        breadcrumbs={[{ label: "Admin" }, { label: "Users" }]}
        actions={
          <Button component={Link} to="/admin/users/add" leftSection={<IconPlus size={16} />}>
            Create user
          </Button>
        }
      />
      <Group align="flex-end">
        <TextInput
          label="Search users"
          placeholder="ID, name or e-mail"
          leftSection={<IconSearch size={16} />}
          value={list.search}
          onChange={(event) => list.setSearch(event.currentTarget.value)}
          w={320}
        />
        <SegmentedControl
          aria-label="Show users"
          value={which}
          onChange={(value) => setWhich(value === "deleted" ? "deleted" : "active")}
          data={[
            { value: "active", label: "Active" },
            { value: "deleted", label: "Deleted" },
          ]}
        />
      </Group>
      {list.error !== undefined && <ErrorAlert error={list.error} title="Could not list users" />}
      {list.shows === "empty" || list.shows === "no-match" ? (
        <EmptyState title={deleted ? "No deleted users" : "No users match"} />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>E-mail</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>{deleted ? "Deleted" : "Created"}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((user) => {
                const id = user.ids.user_id;
                return (
                  <Table.Tr key={id}>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Anchor
                          component={Link}
                          to={`/admin/users/${encodeURIComponent(id)}`}
                          ff="monospace"
                          size="sm"
                        >
                          {id}
                        </Anchor>
                        {user.admin && (
                          <Badge size="xs" variant="outline">
                            Admin
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{user.name || <Text c="dimmed">—</Text>}</Table.Td>
                    <Table.Td>{user.primary_email_address}</Table.Td>
                    <Table.Td>
                      <Badge color={stateColor(user.state)} variant="light">
                        {stateLabel(user.state)}
                      </Badge>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={deleted ? user.deleted_at : user.created_at} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.pages > 1 && (
        <Group justify="flex-end">
          <Pagination
            total={list.pages}
            value={list.page}
            onChange={list.setPage}
            aria-label="User pages"
          />
        </Group>
      )}
    </Stack>
  );
}
