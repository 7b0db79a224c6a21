import { Anchor, Button, Group, Pagination, Stack, Table, Text, TextInput } from "@mantine/core";
import { IconPlus, IconSearch } from "@tabler/icons-react";
import { Link } from "react-router";
import { applicationPage } from "./context.ts";
import { Problem } from "./Problem.tsx";
import { DateTime, EmptyState, PageHeader, useSearchedList } from "./shell.ts";
import type { Application } from "./types.ts";

export const pageSize = 20;
const fields = "name,description,created_at";

/** The applications the user can see: searchable by ID and name, paged. */
export function ApplicationsList() {
  const list = useSearchedList<Application>("/applications", "applications", {
    field_mask: fields,
    order: "application_id",
    limit: pageSize,
  });
  const create = (
    <Button component={Link} to="/applications/add" leftSection={<IconPlus size={16} />}>
      Create application
    </Button>
  );

  return (
    <Stack>
      <PageHeader
        title="Applications"
        description="Applications group end devices and send their data to integrations."
        actions={create}
      />
      <TextInput
        label="Search applications"
        placeholder="ID or name"
        leftSection={<IconSearch size={16} />}
        value={list.search}
        onChange={(event) => list.setSearch(event.currentTarget.value)}
        maw={420}
      />
      {list.shows === "error" ? (
        <Problem error={list.error} what="the applications" />
      ) : list.shows === "no-match" ? (
        <EmptyState
          title="No applications match"
          description={`No application ID or name contains “${list.query}”.`}
        />
      ) : list.shows === "empty" ? (
        <EmptyState
          title="No applications yet"
          description="Create an application to register end devices and receive their data."
          action={create}
        />
      ) : (
        <>
          <Table.ScrollContainer minWidth={480}>
            <Table highlightOnHover verticalSpacing="sm" aria-label="Applications">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>ID</Table.Th>
                  <Table.Th>Name</Table.Th>
                  <Table.Th visibleFrom="sm">Description</Table.Th>
                  <Table.Th>Created</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.items.map((application) => (
                  <Table.Tr key={application.ids.application_id}>
                    <Table.Td>
                      <Anchor
                        component={Link}
                        to={applicationPage(application.ids.application_id)}
                        ff="monospace"
                      >
                        {application.ids.application_id}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{application.name || <Text c="dimmed">—</Text>}</Table.Td>
                    <Table.Td visibleFrom="sm">
                      <Text size="sm" lineClamp={1}>
                        {application.description}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {application.created_at ? <DateTime value={application.created_at} /> : null}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {list.total} application{list.total === 1 ? "" : "s"}
            </Text>
            {list.pages > 1 ? (
              <Pagination
                total={list.pages}
                value={list.page}
                onChange={list.setPage}
                getControlProps={(control) => ({ "aria-label": `${control} page` })}
              />
            ) : null}
          </Group>
        </>
      )}
    </Stack>
  );
}
