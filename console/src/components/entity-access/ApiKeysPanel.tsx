import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconKey, IconPlus } from "@tabler/icons-react";
import { useState } from "react";
import { api } from "../../api/client.ts";
import { usePaged } from "../../api/hooks.ts";
import { listShows } from "../../api/list-shows";
import { useAction } from "../../api/use-action";
import { ConfirmButton } from "../ConfirmAction.tsx";
import { CopyValue } from "../CopyValue.tsx";
import { DateTime } from "../DateTime.tsx";
import { EmptyState } from "../EmptyState.tsx";
import { ErrorAlert } from "../ErrorAlert.tsx";
import { type EntityRef, entityPath, kindNoun } from "./entity.ts";
import { RightsPicker } from "./RightsPicker.tsx";
import { rightNames, summarizeRights } from "./rights.ts";

/** An API key as TTS lists it (the secret `key` only in the create response). */
export type ApiKey = {
  id: string;
  key?: string;
  name?: string;
  rights?: string[];
  created_at?: string;
  updated_at?: string;
  expires_at?: string;
};

export type ApiKeysPanelProps = { entity: EntityRef };

type KeyForm = { name: string; rights: string[]; expires: string };

/** `YYYY-MM-DD` from a date input → RFC 3339 at the end of that day (UTC), or undefined. */
export function expiryTimestamp(date: string): string | undefined {
  if (date === "") return undefined;
  const parsed = new Date(`${date}T23:59:59Z`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

function validateKey(values: KeyForm, creating: boolean) {
  const expiry = expiryTimestamp(values.expires);
  return {
    name: values.name.length > 50 ? "At most 50 characters" : null,
    rights: values.rights.length === 0 ? "Pick at least one right" : null,
    expires:
      values.expires !== "" && expiry === undefined
        ? "Not a date"
        : creating && expiry !== undefined && new Date(expiry) < new Date()
          ? "The expiry date is in the past"
          : null,
  };
}

function useKeyForm(initialValues: KeyForm, creating: boolean) {
  return useForm<KeyForm>({ initialValues, validate: (values) => validateKey(values, creating) });
}

function KeyFormFields({
  entity,
  form,
}: {
  entity: EntityRef;
  form: ReturnType<typeof useKeyForm>;
}) {
  return (
    <>
      <TextInput label="Name" placeholder="My API key" {...form.getInputProps("name")} />
      <TextInput
        label="Expiry date"
        description="Optional: the key stops working after this day"
        type="date"
        {...form.getInputProps("expires")}
      />
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
    </>
  );
}

function CreateKeyModal({
  entity,
  opened,
  onClose,
  onCreated,
}: {
  entity: EntityRef;
  opened: boolean;
  onClose: () => void;
  onCreated: (key: ApiKey) => void;
}) {
  const action = useAction();
  const form = useKeyForm({ name: "", rights: [], expires: "" }, true);
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      const created = await api.post<ApiKey>(`${entityPath(entity)}/api-keys`, {
        name: values.name,
        rights: values.rights,
        expires_at: expiryTimestamp(values.expires),
      });
      form.reset();
      onCreated(created);
    }),
  );
  return (
    <Modal opened={opened} onClose={onClose} title="Add API key" size="lg">
      <form onSubmit={submit}>
        <Stack>
          {action.error !== undefined && (
            <ErrorAlert error={action.error} title="Could not create the key" />
          )}
          <KeyFormFields entity={entity} form={form} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={action.busy}>
              Create API key
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function EditKeyModal({
  entity,
  apiKey,
  onClose,
  onSaved,
}: {
  entity: EntityRef;
  apiKey: ApiKey;
  onClose: () => void;
  onSaved: () => void;
}) {
  const action = useAction();
  const form = useKeyForm(
    {
      name: apiKey.name ?? "",
      rights: rightNames(apiKey.rights),
      expires: apiKey.expires_at?.slice(0, 10) ?? "",
    },
    false,
  );
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.put(`${entityPath(entity)}/api-keys/${encodeURIComponent(apiKey.id)}`, {
        api_key: {
          id: apiKey.id,
          name: values.name,
          rights: values.rights,
          expires_at: expiryTimestamp(values.expires),
        },
        field_mask: { paths: ["name", "rights", "expires_at"] },
      });
      onSaved();
    }),
  );
  return (
    <Modal opened onClose={onClose} title={`Edit API key ${apiKey.id}`} size="lg">
      <form onSubmit={submit}>
        <Stack>
          {action.error !== undefined && (
            <ErrorAlert error={action.error} title="Could not save the key" />
          )}
          <KeyFormFields entity={entity} form={form} />
          <Group justify="space-between">
            <ConfirmButton
              label="Delete API key"
              title="Delete this API key?"
              message="Programs using this key lose access immediately. This cannot be undone."
              onConfirm={async () => {
                await api.del(`${entityPath(entity)}/api-keys/${encodeURIComponent(apiKey.id)}`);
                onSaved();
              }}
            />
            <Group>
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit" loading={action.busy}>
                Save API key
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** Shows a newly created key once, with a copy button and a warning that it is not shown again. */
function CreatedKeyModal({ apiKey, onClose }: { apiKey: ApiKey; onClose: () => void }) {
  return (
    <Modal opened onClose={onClose} title="API key created" size="lg" closeOnClickOutside={false}>
      <Stack>
        <Alert color="yellow" title="Copy the key now">
          This is the only time the key is shown. Store it somewhere safe: it cannot be retrieved
          later.
        </Alert>
        <CopyValue value={apiKey.key ?? ""} />
        <Group justify="flex-end">
          <Button onClick={onClose}>I have copied the key</Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** Lists, creates, edits and deletes the API keys of an entity (`/<kind>/<id>/api-keys`). */
export function ApiKeysPanel({ entity }: ApiKeysPanelProps) {
  const keys = usePaged<ApiKey>(`${entityPath(entity)}/api-keys`, "api_keys");
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<ApiKey>();
  const [editing, setEditing] = useState<ApiKey>();

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={3}>API keys</Title>
        <Button leftSection={<IconPlus size={16} />} onClick={() => setCreating(true)}>
          Add API key
        </Button>
      </Group>
      {keys.error !== undefined && (
        <ErrorAlert error={keys.error} title="Could not list API keys" />
      )}
      {listShows(keys) === "empty" ? (
        <EmptyState
          title="No API keys"
          description={`API keys let programs act on this ${kindNoun(entity.kind)} with the rights you give them.`}
        />
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table highlightOnHover verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>ID</Table.Th>
                <Table.Th>Name</Table.Th>
                <Table.Th>Rights</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.items.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <IconKey size={14} aria-hidden />
                      <Text ff="monospace" size="sm">
                        {key.id}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>{key.name || <Text c="dimmed">—</Text>}</Table.Td>
                  <Table.Td>
                    <Badge variant="light">{summarizeRights(rightNames(key.rights))}</Badge>
                  </Table.Td>
                  <Table.Td>
                    {key.expires_at ? (
                      <DateTime value={key.expires_at} />
                    ) : (
                      <Text c="dimmed">Never</Text>
                    )}
                  </Table.Td>
                  <Table.Td>{key.created_at && <DateTime value={key.created_at} />}</Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      aria-label={`Edit API key ${key.name || key.id}`}
                      onClick={() => setEditing(key)}
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
      <CreateKeyModal
        entity={entity}
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(key) => {
          setCreating(false);
          setCreated(key);
          keys.reload();
        }}
      />
      {created && <CreatedKeyModal apiKey={created} onClose={() => setCreated(undefined)} />}
      {editing && (
        <EditKeyModal
          entity={entity}
          apiKey={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            keys.reload();
          }}
        />
      )}
    </Stack>
  );
}
