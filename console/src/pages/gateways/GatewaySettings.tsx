import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  SimpleGrid,
  Stack,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { useAction } from "../../api/use-action";
import { ErrorAlert } from "../../components";
import { ConfirmButton } from "../../components/ConfirmAction";
import { FrequencyPlanSelect } from "./FrequencyPlanSelect";
import {
  antennasFor,
  coordinateError,
  frequencyPlansOf,
  type Gateway,
  locationOf,
} from "./gateway";

type SettingsForm = {
  name: string;
  description: string;
  frequency_plan_id: string;
  gateway_server_address: string;
  latitude: string;
  longitude: string;
  altitude: string;
  require_authenticated_connection: boolean;
  status_public: boolean;
  location_public: boolean;
};

const paths = [
  "name",
  "description",
  "frequency_plan_id",
  "frequency_plan_ids",
  "gateway_server_address",
  "antennas",
  "require_authenticated_connection",
  "status_public",
  "location_public",
];

/** The gateway's general settings (`PUT /gateways/{id}` with a field mask) and its deletion. */
export function GatewaySettings({ gateway, onSaved }: { gateway: Gateway; onSaved: () => void }) {
  const navigate = useNavigate();
  const id = gateway.ids.gateway_id;
  const location = locationOf(gateway);
  const action = useAction();
  const form = useForm<SettingsForm>({
    initialValues: {
      name: gateway.name ?? "",
      description: gateway.description ?? "",
      frequency_plan_id: frequencyPlansOf(gateway)[0] ?? "",
      gateway_server_address: gateway.gateway_server_address ?? "",
      latitude: location?.latitude?.toString() ?? "",
      longitude: location?.longitude?.toString() ?? "",
      altitude: location?.altitude?.toString() ?? "",
      require_authenticated_connection: gateway.require_authenticated_connection ?? false,
      status_public: gateway.status_public ?? false,
      location_public: gateway.location_public ?? false,
    },
    validate: {
      name: (name) => (name.length > 50 ? "At most 50 characters" : null),
      description: (text) => (text.length > 2000 ? "At most 2000 characters" : null),
      frequency_plan_id: (plan) => (plan === "" ? "Pick a frequency plan" : null),
      latitude: (value) => coordinateError(value, -90, 90),
      longitude: (value) => coordinateError(value, -180, 180),
      altitude: (value) => coordinateError(value, -10_000, 100_000),
    },
  });
  const submit = form.onSubmit((values) =>
    action.run(async () => {
      await api.put(`/gateways/${encodeURIComponent(id)}`, {
        gateway: {
          ids: { gateway_id: id },
          name: values.name,
          description: values.description,
          frequency_plan_id: values.frequency_plan_id,
          frequency_plan_ids: [values.frequency_plan_id],
          gateway_server_address: values.gateway_server_address.trim(),
          antennas: antennasFor(values.latitude, values.longitude, values.altitude),
          require_authenticated_connection: values.require_authenticated_connection,
          status_public: values.status_public,
          location_public: values.location_public,
        },
        field_mask: { paths },
      });
      form.resetDirty();
      onSaved();
    }),
  );
  return (
    <Stack maw={720}>
      <Title order={3}>General settings</Title>
      {action.error !== undefined && (
        <ErrorAlert error={action.error} title="Could not save the gateway" />
      )}
      {action.done && (
        <Alert color="green" title="Saved" withCloseButton onClose={action.reset}>
          The gateway settings are saved.
        </Alert>
      )}
      <form onSubmit={submit}>
        <Stack>
          <TextInput label="Gateway name" {...form.getInputProps("name")} />
          <TextInput label="Description" {...form.getInputProps("description")} />
          <FrequencyPlanSelect
            required
            value={form.values.frequency_plan_id}
            onChange={(value) => form.setFieldValue("frequency_plan_id", value)}
            error={form.errors.frequency_plan_id}
          />
          <TextInput
            label="Gateway Server address"
            description="Where the gateway connects (host[:port]); empty for this server"
            {...form.getInputProps("gateway_server_address")}
          />
          <Fieldset legend="Location">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput label="Latitude" inputMode="decimal" {...form.getInputProps("latitude")} />
              <TextInput
                label="Longitude"
                inputMode="decimal"
                {...form.getInputProps("longitude")}
              />
              <TextInput
                label="Altitude (m)"
                inputMode="decimal"
                {...form.getInputProps("altitude")}
              />
            </SimpleGrid>
          </Fieldset>
          <Checkbox
            label="Require authenticated connection"
            {...form.getInputProps("require_authenticated_connection", { type: "checkbox" })}
          />
          <Checkbox
            label="Public status"
            {...form.getInputProps("status_public", { type: "checkbox" })}
          />
          <Checkbox
            label="Public location"
            {...form.getInputProps("location_public", { type: "checkbox" })}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={action.busy}>
              Save changes
            </Button>
          </Group>
        </Stack>
      </form>
      <Title order={3} mt="xl">
        Delete gateway
      </Title>
      <Group>
        <ConfirmButton
          label="Delete gateway"
          title={`Delete ${id}?`}
          message="The gateway is deleted with its API keys and collaborators; an administrator can restore it for a while."
          onConfirm={async () => {
            await api.del(`/gateways/${encodeURIComponent(id)}`);
            navigate("/gateways");
          }}
        />
      </Group>
    </Stack>
  );
}
