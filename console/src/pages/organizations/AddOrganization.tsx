import { Button, Group, Stack, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { useAction } from "../../api/use-action";
import { useAuth } from "../../auth";
import { ErrorAlert, PageHeader } from "../../components";
import { idError } from "../../components/ids";

/** Creates an organization owned by the caller (`POST /users/{me}/organizations`). */
export function AddOrganization() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const action = useAction();
  const form = useForm({
    initialValues: { organization_id: "", name: "", description: "" },
    validate: {
      organization_id: idError,
      name: (name: string) => (name.length > 50 ? "At most 50 characters" : null),
      description: (text: string) => (text.length > 2000 ? "At most 2000 characters" : null),
    },
  });
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.post(`/users/${encodeURIComponent(user.user_id)}/organizations`, {
        organization: {
          ids: { organization_id: values.organization_id },
          name: values.name,
          description: values.description,
        },
        collaborator: { user_ids: { user_id: user.user_id } },
      });
      navigate(`/organizations/${encodeURIComponent(values.organization_id)}`);
    }),
  );
  return (
    <Stack maw={640}>
      <PageHeader
        title="Create organization"
        breadcrumbs={[{ label: "Organizations", to: "/organizations" }, { label: "Create" }]}
      />
      {action.error !== undefined && (
        <ErrorAlert error={action.error} title="Could not create the organization" />
      )}
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="Organization ID"
            required
            description="Lowercase letters, digits and dashes; cannot be changed later"
            placeholder="my-team"
            {...form.getInputProps("organization_id")}
          />
          <TextInput label="Name" placeholder="My team" {...form.getInputProps("name")} />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            {...form.getInputProps("description")}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={action.busy}>
              Create organization
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
