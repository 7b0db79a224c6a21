import { Button, Group, Paper, Stack, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useNavigate } from "react-router";
import { idError } from "../../components/ids.ts";
import { applicationPath, useApplication } from "./context.ts";
import { KeyValueEditor } from "./KeyValueEditor.tsx";
import { type KeyValueRow, mapOf, rowsOf } from "./key-values.ts";
import { api, ConfirmButton, ErrorAlert } from "./shell.ts";
import { monoInput } from "./styles.ts";

interface SettingsValues {
  name: string;
  description: string;
  attributes: KeyValueRow[];
}

/** The application's name, description and attributes; deleting it. */
export function GeneralSettings() {
  const { appId, application, reload } = useApplication();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const form = useForm<SettingsValues>({
    mode: "controlled",
    initialValues: {
      name: application.name ?? "",
      description: application.description ?? "",
      attributes: rowsOf(application.attributes),
    },
    validate: {
      name: (value) => (value.length > 50 ? "At most 50 characters" : null),
      description: (value) => (value.length > 2000 ? "At most 2000 characters" : null),
      attributes: (rows) => {
        const result = mapOf(rows);
        if ("error" in result) return result.error;
        for (const key of Object.keys(result.map)) {
          const problem = idError(key);
          if (problem) return `Attribute key "${key}": ${problem}`;
        }
        return null;
      },
    },
  });

  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    const attributes = mapOf(values.attributes);
    if ("error" in attributes) return;
    try {
      await api.put(applicationPath(appId), {
        application: {
          ids: { application_id: appId },
          name: values.name,
          description: values.description,
          attributes: attributes.map,
        },
        field_mask: { paths: ["name", "description", "attributes"] },
      });
      notifications.show({ color: "green", message: "Application saved" });
      form.resetDirty();
      reload();
    } catch (caught) {
      setError(caught);
    }
  });

  return (
    <Stack maw={720}>
      <Paper withBorder p="lg" radius="md">
        <form onSubmit={submit} noValidate>
          <Stack>
            <Title order={3} size="h4">
              General settings
            </Title>
            {error ? <ErrorAlert error={error} title="Could not save the application" /> : null}
            <TextInput label="Application ID" value={appId} disabled styles={monoInput} />
            <TextInput label="Name" {...form.getInputProps("name")} />
            <Textarea
              label="Description"
              autosize
              minRows={2}
              {...form.getInputProps("description")}
            />
            <KeyValueEditor
              noun="Attribute"
              label="Attributes"
              rows={form.values.attributes}
              onChange={(rows) => form.setFieldValue("attributes", rows)}
              error={typeof form.errors.attributes === "string" ? form.errors.attributes : null}
              keyPlaceholder="key (like an ID: a-z, 0-9, -)"
              valuePlaceholder="value"
            />
            <Group justify="flex-end">
              <Button type="submit" loading={form.submitting} disabled={!form.isDirty()}>
                Save changes
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Paper
        withBorder
        p="lg"
        radius="md"
        style={{ borderColor: "var(--mantine-color-red-outline)" }}
      >
        <Stack>
          <Title order={3} size="h4">
            Delete application
          </Title>
          <Text size="sm">
            Only an application without end devices can be deleted: delete its end devices first. An
            administrator can restore a deleted application for a while; its ID stays taken.
          </Text>
          <Group>
            <ConfirmButton
              label="Delete application"
              variant="outline"
              title="Delete application"
              message={`This deletes the application ${appId}. Type its ID to confirm.`}
              typeToConfirm={appId}
              onConfirm={async () => {
                await api.del(applicationPath(appId));
                notifications.show({ message: `Application ${appId} deleted` });
                navigate("/applications");
              }}
            />
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
