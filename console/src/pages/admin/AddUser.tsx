import { Button, Checkbox, Group, PasswordInput, Select, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { useAction } from "../../api/use-action";
import { ErrorAlert, PageHeader } from "../../components";
import { idError } from "../../components/ids";
import { emailError, states } from "./user";

/** Creates a user as an admin (`POST /users`). */
export function AddUser() {
  const navigate = useNavigate();
  const action = useAction();
  const form = useForm({
    initialValues: {
      user_id: "",
      name: "",
      primary_email_address: "",
      password: "",
      confirm: "",
      state: "STATE_APPROVED",
      admin: false,
    },
    validate: {
      user_id: idError,
      primary_email_address: emailError,
      password: (password: string) => (password.length < 8 ? "At least 8 characters" : null),
      confirm: (confirm: string, values: { password: string }) =>
        confirm === values.password ? null : "The passwords differ",
    },
  });
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.post("/users", {
        user: {
          ids: { user_id: values.user_id },
          name: values.name,
          primary_email_address: values.primary_email_address.trim(),
          password: values.password,
          state: values.state,
          admin: values.admin,
        },
      });
      navigate(`/admin/users/${encodeURIComponent(values.user_id)}`);
    }),
  );
  return (
    <Stack maw={640}>
      <PageHeader
        title="Create user"
        breadcrumbs={[{ label: "Users", to: "/admin/users" }, { label: "Create" }]}
      />
      {action.error !== undefined && (
        <ErrorAlert error={action.error} title="Could not create the user" />
      )}
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label="User ID"
            required
            placeholder="alice"
            {...form.getInputProps("user_id")}
          />
          <TextInput label="Name" placeholder="Alice" {...form.getInputProps("name")} />
          <TextInput
            label="E-mail address"
            required
            type="email"
            {...form.getInputProps("primary_email_address")}
          />
          <PasswordInput label="Password" required {...form.getInputProps("password")} />
          <PasswordInput label="Confirm password" required {...form.getInputProps("confirm")} />
          <Select
            label="State"
            data={states}
            allowDeselect={false}
            {...form.getInputProps("state")}
          />
          <Checkbox label="Administrator" {...form.getInputProps("admin", { type: "checkbox" })} />
          <Group justify="flex-end">
            <Button type="submit" loading={action.busy}>
              Create user
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
