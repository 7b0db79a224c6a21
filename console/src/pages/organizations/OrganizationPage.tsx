import {
  Alert,
  Button,
  Group,
  Loader,
  Stack,
  Tabs,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useNavigate, useParams } from "react-router";
import { api } from "../../api/client";
import { usePaged, useRequest } from "../../api/hooks";
import { useAction } from "../../api/use-action";
import { CopyValue, DateTime, ErrorAlert, PageHeader } from "../../components";
import { ConfirmButton } from "../../components/ConfirmAction";
import { ApiKeysPanel } from "../../components/entity-access/ApiKeysPanel";
import { CollaboratorsPanel } from "../../components/entity-access/CollaboratorsPanel";
import { RouteTabs } from "../../components/RouteTabs";
import { InfoTable } from "../gateways/InfoTable";
import { type Organization, organizationFields } from "./organization";

const tabs = [
  { value: "overview", label: "Overview" },
  { value: "members", label: "Members" },
  { value: "api-keys", label: "API keys" },
  { value: "settings", label: "Settings" },
] as const;

function OrganizationSettings({
  organization,
  onSaved,
}: {
  organization: Organization;
  onSaved: () => void;
}) {
  const id = organization.ids.organization_id;
  const navigate = useNavigate();
  const action = useAction();
  const form = useForm({
    initialValues: { name: organization.name ?? "", description: organization.description ?? "" },
    validate: {
      name: (name: string) => (name.length > 50 ? "At most 50 characters" : null),
      description: (text: string) => (text.length > 2000 ? "At most 2000 characters" : null),
    },
  });
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.put(`/organizations/${encodeURIComponent(id)}`, {
        organization: { ids: { organization_id: id }, ...values },
        field_mask: { paths: ["name", "description"] },
      });
      onSaved();
    }),
  );
  return (
    <Stack maw={640}>
      <Title order={3}>General settings</Title>
      {action.error !== undefined && (
        <ErrorAlert error={action.error} title="Could not save the organization" />
      )}
      {action.done && (
        <Alert color="green" title="Saved" withCloseButton onClose={action.reset}>
          The organization settings are saved.
        </Alert>
      )}
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Name" {...form.getInputProps("name")} />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            {...form.getInputProps("description")}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={action.busy}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
      <Title order={3} mt="xl">
        Delete organization
      </Title>
      <Group>
        <ConfirmButton
          label="Delete organization"
          title={`Delete ${id}?`}
          message="Members lose the rights they have through this organization. An administrator can restore it for a while."
          onConfirm={async () => {
            await api.del(`/organizations/${encodeURIComponent(id)}`);
            navigate("/organizations");
          }}
        />
      </Group>
    </Stack>
  );
}

function OrganizationOverview({ organization }: { organization: Organization }) {
  const id = organization.ids.organization_id;
  const members = usePaged(
    `/organizations/${encodeURIComponent(id)}/collaborators`,
    "collaborators",
    {
      limit: 1,
    },
  );
  const applications = usePaged(
    `/organizations/${encodeURIComponent(id)}/applications`,
    "applications",
    {
      limit: 1,
    },
  );
  const gateways = usePaged(`/organizations/${encodeURIComponent(id)}/gateways`, "gateways", {
    limit: 1,
  });
  const countOf = (list: { total: number; loading: boolean; error?: unknown }) =>
    list.error !== undefined ? "—" : list.loading ? "…" : String(list.total);
  return (
    <Stack maw={720}>
      <InfoTable
        label="Organization"
        rows={[
          ["Organization ID", <CopyValue key="id" value={id} />],
          ["Name", organization.name || null],
          ["Description", organization.description || null],
          ["Created", <DateTime key="c" value={organization.created_at} />],
          ["Members", countOf(members)],
          ["Applications", countOf(applications)],
          ["Gateways", countOf(gateways)],
        ]}
      />
    </Stack>
  );
}

/** One organization: overview, members, API keys and settings. */
export function OrganizationPage() {
  const params = useParams();
  const id = params.organizationId ?? "";
  const organization = useRequest<Organization>(`/organizations/${encodeURIComponent(id)}`, {
    field_mask: organizationFields.join(","),
  });
  const base = `/organizations/${encodeURIComponent(id)}`;
  const entity = { kind: "organizations", id } as const;
  const crumbs = [{ label: "Organizations", to: "/organizations" }, { label: id }];
  if (organization.loading && !organization.data)
    return <Loader aria-label="Loading organization" />;
  if (!organization.data)
    return (
      <Stack>
        <PageHeader title={id} breadcrumbs={crumbs} />
        <ErrorAlert error={organization.error} title="Could not load the organization" />
      </Stack>
    );
  const data = organization.data;
  return (
    <Stack>
      <PageHeader title={data.name || id} description={id} breadcrumbs={crumbs} />
      <RouteTabs base={base} tabs={tabs}>
        <Tabs.Panel value="overview" pt="md">
          <OrganizationOverview organization={data} />
        </Tabs.Panel>
        <Tabs.Panel value="members" pt="md">
          <CollaboratorsPanel entity={entity} />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="md">
          <ApiKeysPanel entity={entity} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <OrganizationSettings organization={data} onSaved={organization.reload} />
        </Tabs.Panel>
      </RouteTabs>
    </Stack>
  );
}
