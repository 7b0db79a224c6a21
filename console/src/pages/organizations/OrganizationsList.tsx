import { Anchor, Button, Group, Pagination, Stack, Table, Text } from "@mantine/core";
import { IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";
import { usePaged } from "../../api/hooks";
import { listShows, pagesOf } from "../../api/list-shows";
import { DateTime, EmptyState, ErrorAlert, PageHeader } from "../../components";
import { type Organization, organizationFields } from "./organization";

const pageSize = 20;

/** The organizations the caller is a member of (all of them for an admin). */
export function OrganizationsList() {
  const list = usePaged<Organization>("/organizations", "organizations", {
    field_mask: organizationFields.join(","),
    limit: pageSize,
    order: "organization_id",
  });
  return (
    <Stack>
      <PageHeader
        title="Organizations"
        description="Groups of users that own applications and gateways together."
        actions={
          <Button component={Link} to="/organizations/add" leftSection={<IconPlus size={16} />}>
            Create organization
          </Button>
        }
      />
      {list.error !== undefined && (
        <ErrorAlert error={list.error} title="Could not list organizations" />
      )}
      {listShows(list) === "empty" ? (
        <EmptyState
          title="No organizations yet"
          description="Create an organization to share applications and gateways with a team."
          action={
            <Button component={Link} to="/organizations/add">
              Create organization
            </Button>
          }
        />
      ) : (
        <Table.ScrollContainer minWidth={520}>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Organizations">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Description</Table.Th>
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.items.map((organization) => {
                const id = organization.ids.organization_id;
                return (
                  <Table.Tr key={id}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={`/organizations/${encodeURIComponent(id)}`}
                        ff="monospace"
                        size="sm"
                      >
                        {id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{organization.name || <Text c="dimmed">—</Text>}</Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1}>
                        {organization.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <DateTime value={organization.created_at} />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.total > pageSize && (
        <Group justify="flex-end">
          <Pagination
            total={pagesOf(list.total, pageSize)}
            value={list.page}
            onChange={list.setPage}
            aria-label="Organization pages"
          />
        </Group>
      )}
    </Stack>
  );
}
