import {
  Alert,
  Button,
  Checkbox,
  Group,
  Loader,
  PasswordInput,
  Stack,
  Tabs,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { api } from "../../api/client";
import { useRequest } from "../../api/hooks";
import { useAction } from "../../api/use-action";
import { useAuth } from "../../auth";
import { ErrorAlert, PageHeader } from "../../components";
import { ApiKeysPanel } from "../../components/entity-access/ApiKeysPanel";
import { RouteTabs } from "../../components/RouteTabs";
import { emailError, type User } from "../admin/user";
import { AuthorizationsPanel } from "./AuthorizationsPanel";
import { SessionsPanel } from "./SessionsPanel";

const tabs = [
  { value: "profile", label: "Profile" },
  { value: "password", label: "Password" },
  { value: "api-keys", label: "API keys" },
  { value: "sessions", label: "Sessions" },
  { value: "authorizations", label: "Authorized clients" },
] as const;

function ProfileForm({ user, onSaved }: { user: User; onSaved: () => void }) {
  const id = user.ids.user_id;
  const action = useAction();
  const form = useForm({
    initialValues: {
      name: user.name ?? "",
      primary_email_address: user.primary_email_address ?? "",
    },
    validate: {
      name: (name: string) => (name.length > 50 ? "At most 50 characters" : null),
      primary_email_address: emailError,
    },
  });
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.put(`/users/${encodeURIComponent(id)}`, {
        user: {
          ids: { user_id: id },
          name: values.name,
          primary_email_address: values.primary_email_address.trim(),
        },
        field_mask: { paths: ["name", "primary_email_address"] },
      });
      onSaved();
    }),
  );
  const emailChanged =
    form.values.primary_email_address.trim() !== (user.primary_email_address ?? "");
  return (
    <form onSubmit={submit}>
      <Stack maw={560}>
        <Title order={3}>Profile</Title>
        {action.error !== undefined && (
          <ErrorAlert error={action.error} title="Could not save your profile" />
        )}
        {action.done && (
          <Alert color="green" title="Saved" withCloseButton onClose={action.reset}>
            Your profile is saved.
          </Alert>
        )}
        <TextInput label="User ID" value={id} readOnly disabled />
        <TextInput label="Name" {...form.getInputProps("name")} />
        <TextInput
          label="E-mail address"
          type="email"
          description={
            emailChanged
              ? "A changed address has to be validated again"
              : user.primary_email_address_validated_at
                ? "Validated"
                : "Not validated yet"
          }
          {...form.getInputProps("primary_email_address")}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={action.busy}>
            Save profile
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function PasswordForm({ userId }: { userId: string }) {
  const action = useAction();
  const form = useForm({
    initialValues: { old: "", new: "", confirm: "", revoke_all_access: true },
    validate: {
      old: (old: string) => (old === "" ? "Required" : null),
      new: (password: string) => (password.length < 8 ? "At least 8 characters" : null),
      confirm: (confirm: string, values: { new: string }) =>
        confirm === values.new ? null : "The passwords differ",
    },
  });
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.put(`/users/${encodeURIComponent(userId)}/password`, {
        old: values.old,
        new: values.new,
        revoke_all_access: values.revoke_all_access,
      });
      form.reset();
    }),
  );
  return (
    <form onSubmit={submit}>
      <Stack maw={560}>
        <Title order={3}>Change password</Title>
        {action.error !== undefined && (
          <ErrorAlert error={action.error} title="Could not change your password" />
        )}
        {action.done && (
          <Alert color="green" title="Password changed" withCloseButton onClose={action.reset}>
            Use the new password the next time you sign in.
          </Alert>
        )}
        <PasswordInput
          label="Current password"
          autoComplete="current-password"
          {...form.getInputProps("old")}
        />
        <PasswordInput
          label="New password"
          autoComplete="new-password"
          {...form.getInputProps("new")}
        />
        <PasswordInput
          label="Confirm new password"
          autoComplete="new-password"
          {...form.getInputProps("confirm")}
        />
        <Checkbox
          label="Sign out everywhere else"
          description="Revokes the access of your other sessions and authorized clients"
          {...form.getInputProps("revoke_all_access", { type: "checkbox" })}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={action.busy}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** The signed-in user's own settings: profile, password, API keys, sessions and OAuth clients. */
export function UserSettings() {
  const { user: me, reload } = useAuth();
  const profile = useRequest<User>(`/users/${encodeURIComponent(me.user_id)}`, {
    field_mask: "name,primary_email_address,primary_email_address_validated_at,updated_at",
  });
  return (
    <Stack>
      <PageHeader title="User settings" description={me.user_id} />
      <RouteTabs base="/user" tabs={tabs}>
        <Tabs.Panel value="profile" pt="md">
          {profile.data ? (
            <ProfileForm
              user={profile.data}
              onSaved={() => {
                profile.reload();
                reload();
              }}
            />
          ) : profile.error !== undefined ? (
            <ErrorAlert error={profile.error} title="Could not load your profile" />
          ) : (
            <Loader aria-label="Loading profile" />
          )}
        </Tabs.Panel>
        <Tabs.Panel value="password" pt="md">
          <PasswordForm userId={me.user_id} />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="md">
          <ApiKeysPanel entity={{ kind: "users", id: me.user_id }} />
        </Tabs.Panel>
        <Tabs.Panel value="sessions" pt="md">
          <SessionsPanel userId={me.user_id} />
        </Tabs.Panel>
        <Tabs.Panel value="authorizations" pt="md">
          <AuthorizationsPanel userId={me.user_id} />
        </Tabs.Panel>
      </RouteTabs>
    </Stack>
  );
}
