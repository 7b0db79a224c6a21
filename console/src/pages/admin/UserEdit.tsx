import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Loader,
  Select,
  Stack,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useNavigate, useParams } from "react-router";
import { api } from "../../api/client";
import { useRequest } from "../../api/hooks";
import { useAction } from "../../api/use-action";
import { useAuth } from "../../auth";
import { DateTime, ErrorAlert, PageHeader } from "../../components";
import { ConfirmButton } from "../../components/ConfirmAction";
import {
  emailError,
  stateColor,
  stateLabel,
  stateName,
  states,
  type User,
  userFields,
} from "./user";

function EditForm({ user, onSaved }: { user: User; onSaved: () => void }) {
  const id = user.ids.user_id;
  const { user: me } = useAuth();
  const action = useAction();
  const form = useForm({
    initialValues: {
      name: user.name ?? "",
      primary_email_address: user.primary_email_address ?? "",
      state: stateName(user.state),
      state_description: user.state_description ?? "",
      admin: user.admin ?? false,
    },
    validate: { primary_email_address: emailError },
  });
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.put(`/users/${encodeURIComponent(id)}`, {
        user: {
          ids: { user_id: id },
          ...values,
          primary_email_address: values.primary_email_address.trim(),
        },
        field_mask: {
          paths: ["name", "primary_email_address", "state", "state_description", "admin"],
        },
      });
      onSaved();
    }),
  );
  return (
    <form onSubmit={submit}>
      <Stack>
        {action.error !== undefined && (
          <ErrorAlert error={action.error} title="Could not save the user" />
        )}
        {action.done && (
          <Alert color="green" title="Saved" withCloseButton onClose={action.reset}>
            The user is saved.
          </Alert>
        )}
        <TextInput label="Name" {...form.getInputProps("name")} />
        <TextInput
          label="E-mail address"
          type="email"
          {...form.getInputProps("primary_email_address")}
        />
        <Select
          label="State"
          data={states}
          allowDeselect={false}
          {...form.getInputProps("state")}
        />
        <Textarea
          label="State description"
          description="Why the account is in this state (shown to the user)"
          autosize
          {...form.getInputProps("state_description")}
        />
        <Checkbox
          label="Administrator"
          disabled={id === me.user_id}
          description={id === me.user_id ? "You cannot remove your own admin status" : undefined}
          {...form.getInputProps("admin", { type: "checkbox" })}
        />
        <Group justify="flex-end">
          <Button type="submit" loading={action.busy}>
            Save user
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

/** One user, as an admin: profile, state (approve/reject/suspend), admin flag, delete/restore. */
export function UserEdit() {
  const id = useParams().userId ?? "";
  const navigate = useNavigate();
  const { user: me } = useAuth();
  const active = useRequest<User>(`/users/${encodeURIComponent(id)}`, {
    field_mask: userFields.join(","),
  });
  // A deleted user is not found by Get; look it up among the deleted ones instead.
  const notFound = (active.error as { status?: number } | undefined)?.status === 404;
  const deleted = useRequest<{ users?: User[] }>(notFound ? "/search/users" : null, {
    query: id,
    deleted: true,
    field_mask: userFields.join(","),
  });
  const deletedUser = deleted.data?.users?.find((user) => user.ids?.user_id === id);
  const crumbs = [{ label: "Users", to: "/admin/users" }, { label: id }];
  if (active.loading && !active.data) return <Loader aria-label="Loading user" />;
  if (deletedUser)
    return (
      <Stack maw={640}>
        <PageHeader title={deletedUser.name || id} description={id} breadcrumbs={crumbs} />
        <Alert color="yellow" title="Deleted user">
          This user was deleted <DateTime value={deletedUser.deleted_at} />. Restoring gives the
          account back with its entities.
        </Alert>
        <Group>
          <ConfirmButton
            label="Restore user"
            color="blue"
            variant="filled"
            title={`Restore ${id}?`}
            message="The user can sign in again and gets their applications, gateways and organizations back."
            onConfirm={async () => {
              await api.post(`/users/${encodeURIComponent(id)}/restore`);
              active.reload();
            }}
          />
        </Group>
      </Stack>
    );
  if (!active.data)
    return (
      <Stack>
        <PageHeader title={id} breadcrumbs={crumbs} />
        {deleted.loading ? (
          <Loader aria-label="Looking for the user" />
        ) : (
          <ErrorAlert error={active.error} title="Could not load the user" />
        )}
      </Stack>
    );
  const user = active.data;
  return (
    <Stack maw={640}>
      <PageHeader
        title={user.name || id}
        description={
          <Group gap="xs">
            <span>{id}</span>
            <Badge color={stateColor(user.state)} variant="light">
              {stateLabel(user.state)}
            </Badge>
            {user.admin && <Badge variant="outline">Admin</Badge>}
          </Group>
        }
        breadcrumbs={crumbs}
      />
      <EditForm user={user} onSaved={active.reload} />
      <Title order={3} mt="xl">
        Delete user
      </Title>
      <Group>
        <ConfirmButton
          label="Delete user"
          disabled={id === me.user_id}
          title={`Delete ${id}?`}
          message="The user can no longer sign in; an admin can restore the account for a while."
          onConfirm={async () => {
            await api.del(`/users/${encodeURIComponent(id)}`);
            navigate("/admin/users");
          }}
        />
      </Group>
    </Stack>
  );
}
