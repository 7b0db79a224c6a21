import { Button, Group, Paper, Stack, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { idError, idFromName, idMaxLength } from "../../components/ids.ts";
import { applicationPage } from "./context.ts";
import { ApiError, api, ErrorAlert, PageHeader, useAuth } from "./shell.ts";
import { monoInput } from "./styles.ts";

/** Creates an application owned by the signed-in user (ID checked as typed, TTS's rule). */
export function CreateApplication() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const [idTouched, setIdTouched] = useState(false);
  const form = useForm({
    mode: "controlled",
    initialValues: { application_id: "", name: "", description: "" },
    validateInputOnChange: ["application_id"],
    validate: {
      application_id: (value) => idError(value),
      name: (value) => (value.length > 50 ? "At most 50 characters" : null),
      description: (value) => (value.length > 2000 ? "At most 2000 characters" : null),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    try {
      await api.post(`/users/${encodeURIComponent(user.user_id)}/applications`, {
        application: {
          ids: { application_id: values.application_id },
          name: values.name,
          description: values.description,
        },
      });
      navigate(applicationPage(values.application_id));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 409)
        form.setFieldError("application_id", "An application with this ID exists already");
      else setError(caught);
    }
  });

  return (
    <Stack maw={640}>
      <PageHeader
        title="Create application"
        breadcrumbs={[{ label: "Applications", to: "/applications" }, { label: "Create" }]}
      />
      <Paper withBorder p="lg" radius="md">
        <form onSubmit={submit} noValidate>
          <Stack>
            {error ? <ErrorAlert error={error} title="Could not create the application" /> : null}
            <TextInput
              label="Application ID"
              description={`Lowercase letters, digits and hyphens; 3 to ${idMaxLength} characters. Cannot be changed later.`}
              required
              autoFocus
              styles={monoInput}
              maxLength={idMaxLength + 10}
              {...form.getInputProps("application_id")}
              onChange={(event) => {
                setIdTouched(true);
                form.setFieldValue("application_id", event.currentTarget.value);
              }}
            />
            <TextInput
              label="Name"
              placeholder="My application"
              {...form.getInputProps("name")}
              onChange={(event) => {
                const name = event.currentTarget.value;
                form.setFieldValue("name", name);
                if (!idTouched) form.setFieldValue("application_id", idFromName(name));
              }}
            />
            <Textarea
              label="Description"
              autosize
              minRows={2}
              {...form.getInputProps("description")}
            />
            <Group justify="flex-end">
              <Button variant="default" component={Link} to="/applications">
                Cancel
              </Button>
              <Button type="submit" loading={form.submitting}>
                Create application
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Stack>
  );
}
