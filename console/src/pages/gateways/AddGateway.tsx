import {
  Alert,
  Button,
  Checkbox,
  Fieldset,
  Group,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { usePaged } from "../../api/hooks";
import { useAuth } from "../../auth";
import { CopyValue, ErrorAlert, PageHeader } from "../../components";
import { download } from "./download";
import { FrequencyPlanSelect } from "./FrequencyPlanSelect";
import { antennasFor, coordinateError, type Gateway, idError, normalizeEui } from "./gateway";

type AddForm = {
  owner: string;
  gateway_id: string;
  eui: string;
  name: string;
  frequency_plan_id: string;
  latitude: string;
  longitude: string;
  altitude: string;
  require_authenticated_connection: boolean;
  lns_key: boolean;
};

/** The rights of the key a LoRa Basics Station gateway uses for its LNS connection (TTS: link). */
export const lnsKeyRights = ["RIGHT_GATEWAY_LINK"];

/** The `lns.key` file Basics Station reads: the HTTP authorization header it sends. */
export function lnsKeyFile(key: string): string {
  return `Authorization: Bearer ${key}\r\n`;
}

/** Registers a gateway (`POST /users/{me}/gateways`), optionally with an LNS API key shown once. */
export function AddGateway() {
  const { user } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [lnsKey, setLnsKey] = useState<{ gatewayId: string; key: string }>();
  const form = useForm<AddForm>({
    initialValues: {
      owner: "user",
      gateway_id: "",
      eui: "",
      name: "",
      frequency_plan_id: "",
      latitude: "",
      longitude: "",
      altitude: "",
      require_authenticated_connection: false,
      lns_key: false,
    },
    validate: {
      gateway_id: idError,
      eui: (eui) => (eui.trim() === "" || normalizeEui(eui) ? null : "16 hexadecimal digits"),
      name: (name) => (name.length > 50 ? "At most 50 characters" : null),
      frequency_plan_id: (plan) => (plan === "" ? "Pick a frequency plan" : null),
      latitude: (value) => coordinateError(value, -90, 90),
      longitude: (value) => coordinateError(value, -180, 180),
      altitude: (value) => coordinateError(value, -10_000, 100_000),
    },
  });

  // The gateway is created for the user or for one of their organizations (its owner).
  const organizations = usePaged<{ ids: { organization_id: string }; name?: string }>(
    `/users/${encodeURIComponent(user.user_id)}/organizations`,
    "organizations",
    { field_mask: "name", limit: 100 },
  );
  const owners = [
    { value: "user", label: `${user.user_id} (you)` },
    ...organizations.items.map((organization) => ({
      value: `organization:${organization.ids.organization_id}`,
      label: organization.name
        ? `${organization.name} (${organization.ids.organization_id})`
        : organization.ids.organization_id,
    })),
  ];

  const submit = form.onSubmit(async (values) => {
    setBusy(true);
    setError(undefined);
    const gatewayId = values.gateway_id;
    try {
      const eui = normalizeEui(values.eui);
      const gateway: Gateway = {
        ids: { gateway_id: gatewayId, ...(eui ? { eui } : {}) },
        name: values.name,
        frequency_plan_id: values.frequency_plan_id,
        frequency_plan_ids: [values.frequency_plan_id],
        require_authenticated_connection: values.require_authenticated_connection,
        antennas: antennasFor(values.latitude, values.longitude, values.altitude),
      };
      const organizationId = values.owner.startsWith("organization:")
        ? values.owner.slice("organization:".length)
        : undefined;
      if (organizationId === undefined)
        await api.post(`/users/${encodeURIComponent(user.user_id)}/gateways`, {
          gateway,
          collaborator: { user_ids: { user_id: user.user_id } },
        });
      else
        await api.post(`/organizations/${encodeURIComponent(organizationId)}/gateways`, {
          gateway,
          collaborator: { organization_ids: { organization_id: organizationId } },
        });
    } catch (caught) {
      setError(caught);
      setBusy(false);
      return;
    }
    if (values.lns_key) {
      try {
        const created = await api.post<{ key?: string }>(
          `/gateways/${encodeURIComponent(gatewayId)}/api-keys`,
          { name: "LNS key", rights: lnsKeyRights },
        );
        if (created.key) {
          setLnsKey({ gatewayId, key: created.key });
          setBusy(false);
          return;
        }
      } catch (caught) {
        setError(caught);
        setBusy(false);
        return;
      }
    }
    navigate(`/gateways/${encodeURIComponent(gatewayId)}`);
  });

  return (
    <Stack maw={720}>
      <PageHeader
        title="Register gateway"
        breadcrumbs={[{ label: "Gateways", to: "/gateways" }, { label: "Register" }]}
      />
      {error !== undefined && <ErrorAlert error={error} title="Could not register the gateway" />}
      <form onSubmit={submit}>
        <Stack>
          {owners.length > 1 && (
            <Select
              label="Owner"
              description="The account that gets all rights on the gateway"
              data={owners}
              allowDeselect={false}
              {...form.getInputProps("owner")}
            />
          )}
          <TextInput
            label="Gateway ID"
            required
            description="Lowercase letters, digits and dashes; cannot be changed later"
            placeholder="my-gateway"
            {...form.getInputProps("gateway_id")}
          />
          <TextInput
            label="Gateway EUI"
            description="The 64-bit EUI printed on the gateway (optional)"
            placeholder="00800000A0000F4D"
            ff="monospace"
            {...form.getInputProps("eui")}
          />
          <TextInput
            label="Gateway name"
            placeholder="Rooftop gateway"
            {...form.getInputProps("name")}
          />
          <FrequencyPlanSelect
            required
            value={form.values.frequency_plan_id}
            onChange={(value) => form.setFieldValue("frequency_plan_id", value)}
            error={form.errors.frequency_plan_id}
          />
          <Fieldset legend="Location (optional)">
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Latitude"
                placeholder="52.3676"
                inputMode="decimal"
                {...form.getInputProps("latitude")}
              />
              <TextInput
                label="Longitude"
                placeholder="4.9041"
                inputMode="decimal"
                {...form.getInputProps("longitude")}
              />
              <TextInput
                label="Altitude (m)"
                placeholder="10"
                inputMode="decimal"
                {...form.getInputProps("altitude")}
              />
            </SimpleGrid>
          </Fieldset>
          <Checkbox
            label="Require authenticated connection"
            description="Only accept connections that present a gateway API key (Basics Station, MQTT); UDP packet forwarders cannot"
            {...form.getInputProps("require_authenticated_connection", { type: "checkbox" })}
          />
          <Checkbox
            label="Generate API key for LNS"
            description="For LoRa Basics Station: a key with the link right, shown once after registration"
            {...form.getInputProps("lns_key", { type: "checkbox" })}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={busy}>
              Register gateway
            </Button>
          </Group>
        </Stack>
      </form>
      {lnsKey && (
        <Modal
          opened
          onClose={() => navigate(`/gateways/${encodeURIComponent(lnsKey.gatewayId)}`)}
          title="LNS API key"
          size="lg"
          closeOnClickOutside={false}
        >
          <Stack>
            <Alert color="yellow" title="Copy the key now">
              This is the only time the key is shown. Basics Station reads it from a file with the
              authorization header (<code>lns.key</code>).
            </Alert>
            <CopyValue value={lnsKey.key} />
            <Group justify="space-between">
              <Button
                variant="default"
                onClick={() => download("lns.key", lnsKeyFile(lnsKey.key), "text/plain")}
              >
                Download lns.key
              </Button>
              <Button onClick={() => navigate(`/gateways/${encodeURIComponent(lnsKey.gatewayId)}`)}>
                I have stored the key
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </Stack>
  );
}
