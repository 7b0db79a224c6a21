import {
  Autocomplete,
  Badge,
  Button,
  Group,
  Modal,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDebouncedValue } from "@mantine/hooks";
import { IconBuilding, IconPlus, IconUser } from "@tabler/icons-react";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { usePaged, useRequest } from "../../api/hooks.ts";
import { listShows } from "../../api/list-shows";
import { useAction } from "../../api/use-action";
import { ConfirmButton } from "../ConfirmAction.tsx";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorAlert } from "../ErrorAlert.tsx";
import {
  type Account,
  type AccountIds,
  accountOf,
  accountPath,
  type Collaborator,
  idsOf,
  isValidId,
} from "./collaborators.ts";
import { collaboratorKinds, type EntityRef, entityPath, kindNoun } from "./entity.ts";
import { RightsPicker } from "./RightsPicker.tsx";
import { rightNames, summarizeRights } from "./rights.ts";

export type CollaboratorsPanelProps = { entity: EntityRef };

type CollaboratorForm = { type: "user" | "organization"; id: string; rights: string[] };

function useCollaboratorForm(initialValues: CollaboratorForm) {
  return useForm<CollaboratorForm>({
    initialValues,
    validate: {
      id: (id) => (isValidId(id) ? null : "Lowercase letters, digits and dashes, 3 to 36"),
      rights: (rights) => (rights.length === 0 ? "Pick at least one right" : null),
    },
  });
}

function AccountSuggestions({
  entity,
  form,
}: {
  entity: EntityRef;
  form: ReturnType<typeof useCollaboratorForm>;
}) {
  const [query] = useDebouncedValue(form.values.id, 250);
  const search = useRequest<{ account_ids?: AccountIds[] }>(
    query.length >= 2 ? `${entityPath(entity)}/collaborators/search` : null,
    { query, complement_collaborators: "true", only_users: String(form.values.type === "user") },
  );
  const options = (search.data?.account_ids ?? [])
    .map(accountOf)
    .filter((account): account is Account => account?.type === form.values.type)
    .map((account) => account.id);
  return (
    <Autocomplete
      label={form.values.type === "user" ? "User ID" : "Organization ID"}
      placeholder={form.values.type === "user" ? "alice" : "my-organization"}
      data={options}
      {...form.getInputProps("id")}
    />
  );
}

function CollaboratorModal({
  entity,
  existing,
  onClose,
  onSaved,
}: {
  entity: EntityRef;
  existing?: { account: Account; rights: string[] };
  onClose: () => void;
  onSaved: () => void;
}) {
  const kinds = collaboratorKinds(entity.kind);
  const action = useAction();
  const form = useCollaboratorForm({
    type: existing?.account.type ?? "user",
    id: existing?.account.id ?? "",
    rights: existing?.rights ?? [],
  });
  const noun = entity.kind === "organizations" ? "member" : "collaborator";
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.put(`${entityPath(entity)}/collaborators`, {
        collaborator: { ids: idsOf({ type: values.type, id: values.id }), rights: values.rights },
      });
      onSaved();
    }),
  );
  return (
    <Modal
      opened
      onClose={onClose}
      size="lg"
      title={existing ? `Edit ${noun} ${existing.account.id}` : `Add ${noun}`}
    >
      <form onSubmit={submit}>
        <Stack>
          {action.error !== undefined && (
            <ErrorAlert error={action.error} title={`Could not save the ${noun}`} />
          )}
          {!existing && kinds.length > 1 && (
            <SegmentedControl
              aria-label="Collaborator type"
              data={[
                { value: "user", label: "User" },
                { value: "organization", label: "Organization" },
              ]}
              {...form.getInputProps("type")}
            />
          )}
          {existing ? (
            <Text size="sm">
              {existing.account.type === "user" ? "User" : "Organization"}{" "}
              <Text span ff="monospace">
                {existing.account.id}
              </Text>
            </Text>
          ) : (
            <AccountSuggestions entity={entity} form={form} />
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Rights
            </Text>
            <RightsPicker
              entity={entity}
              value={form.values.rights}
              onChange={(rights) => form.setFieldValue("rights", rights)}
              error={typeof form.errors.rights === "string" ? form.errors.rights : undefined}
            />
          </Stack>
          <Group justify="space-between">
            {existing ? (
              <ConfirmButton
                label={`Remove ${noun}`}
                title={`Remove ${existing.account.id}?`}
                message={`${existing.account.id} loses every right on this ${kindNoun(entity.kind)}.`}
                onConfirm={async () => {
                  await api.del(
                    `${entityPath(entity)}/collaborators/${accountPath(existing.account)}`,
                  );
                  onSaved();
                }}
              />
            ) : (
              <span />
            )}
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={action.busy}>
                {existing ? `Save ${noun}` : `Add ${noun}`}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/**
 * Lists, adds, edits and removes the collaborators (users and organizations) of an entity, or
 * the members of an organization (`/<kind>/<id>/collaborators`).
 */
export function CollaboratorsPanel({ entity }: CollaboratorsPanelProps) {
  const list = usePaged<Collaborator>(`${entityPath(entity)}/collaborators`, "collaborators");
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<{ account: Account; rights: string[] }>();
  const members = entity.kind === "organizations";
  const noun = members ? "member" : "collaborator";
  const rows = list.items.flatMap((item) => {
    const account = accountOf(item.ids);
    return account ? [{ account, rights: rightNames(item.rights) }] : [];
  });

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>{members ? "Members" : "Collaborators"}</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setAdding(true)}>
          Add {noun}
        </Button>
      </Group>
      {list.error !== undefined && (
        <ErrorAlert error={list.error} title={`Could not list the ${noun}s`} />
      )}
      {listShows({ ...list, items: rows }) === "empty" ? (
        <EmptyState
          title={`No ${noun}s`}
          description={`Add users who may manage this ${kindNoun(entity.kind)}.`}
        />
      ) : (
        <Table.ScrollContainer minWidth={420}>
          <Table highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Rights</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((row) => (
                <Table.Tr key={`${row.account.type}/${row.account.id}`}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      {row.account.type === "user" ? (
                        <IconUser size={14} aria-hidden />
                      ) : (
                        <IconBuilding size={14} aria-hidden />
                      )}
                      <Text ff="monospace" size="sm">
                        {row.account.id}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>{row.account.type === "user" ? "User" : "Organization"}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{summarizeRights(row.rights)}</Badge>
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      aria-label={`Edit ${noun} ${row.account.id}`}
                      onClick={() => setEditing(row)}
                    >
                      Edit
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {adding && (
        <CollaboratorModal
          entity={entity}
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            list.reload();
          }}
        />
      )}
      {editing && (
        <CollaboratorModal
          entity={entity}
          existing={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            list.reload();
          }}
        />
      )}
    </Stack>
  );
}
