import {
  ActionIcon,
  Button,
  Group,
  Loader,
  Paper,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useNavigate } from "react-router";
import { idError } from "../../components/ids.ts";
import { type KeyValueRow, mapOf, rowsOf } from "../applications/key-values.ts";
import type { TabProps } from "./DevicePage.tsx";
import { devicesPage } from "./paths.ts";
import { useFrequencyPlans } from "./plans.ts";
import { deleteDevice, updateDevice } from "./registry.ts";
import { api, ConfirmButton, ErrorAlert } from "./shell.ts";
import { useDevice } from "./use-device.ts";

interface SettingsValues {
  name: string;
  description: string;
  attributes: KeyValueRow[];
  frequencyPlanId: string;
}

/** Name, description, attributes and frequency plan; and deleting the device. */
export function SettingsTab({ appId, deviceId, onChanged }: TabProps) {
  const state = useDevice(appId, deviceId, [
    "name",
    "description",
    "attributes",
    "frequency_plan_id",
  ]);
  const plans = useFrequencyPlans();
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>(null);
  const form = useForm<SettingsValues>({
    mode: "controlled",
    initialValues: { name: "", description: "", attributes: [], frequencyPlanId: "" },
    validate: {
      name: (value) => (value.length > 50 ? "At most 50 characters" : null),
      description: (value) => (value.length > 2000 ? "At most 2000 characters" : null),
      attributes: {
        key: idError,
      },
    },
  });
  const device = state.device;
  useEffect(() => {
    if (!device) return;
    const values = {
      name: String(device.name ?? ""),
      description: String(device.description ?? ""),
      attributes: rowsOf(device.attributes as Record<string, string> | undefined),
      frequencyPlanId: String(device.frequency_plan_id ?? ""),
    };
    form.setValues(values);
    form.resetDirty(values);
  }, [device, form.setValues, form.resetDirty]);

  if (state.error)
    return <ErrorAlert error={state.error} title="The end device could not be loaded" />;
  if (!device) return <Loader aria-label="Loading the settings" />;

  const save = form.onSubmit(async (values) => {
    setError(null);
    const paths = ["name", "description", "attributes"];
    if (values.frequencyPlanId && values.frequencyPlanId !== device.frequency_plan_id)
      paths.push("frequency_plan_id");
    const attributes = mapOf(values.attributes);
    if ("error" in attributes) return setError(new Error(`Attributes: ${attributes.error}`));
    try {
      await updateDevice(
        api,
        {
          ids: device.ids,
          name: values.name,
          description: values.description,
          attributes: attributes.map,
          frequency_plan_id: values.frequencyPlanId,
        },
        paths,
      );
      notifications.show({ color: "green", title: "End device saved", message: deviceId });
      state.reload();
      onChanged();
    } catch (caught) {
      setError(caught);
    }
  });

  return (
    <Stack maw={760}>
      <Paper withBorder p="md">
        <form onSubmit={save} aria-label="General settings">
          <Stack>
            <Title order={3} size="h4">
              General settings
            </Title>
            <TextInput label="Name" {...form.getInputProps("name")} />
            <Textarea
              label="Description"
              autosize
              minRows={2}
              {...form.getInputProps("description")}
            />
            <Select
              label="Frequency plan"
              data={plans.options}
              searchable
              allowDeselect={false}
              {...form.getInputProps("frequencyPlanId")}
            />
            <Stack gap="xs">
              <Text size="sm" fw={500}>
                Attributes
              </Text>
              {form.values.attributes.map((_, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
                <Group key={index} align="flex-start" wrap="nowrap">
                  <TextInput
                    aria-label={`Attribute key ${index + 1}`}
                    placeholder="Key"
                    style={{ flex: 1 }}
                    {...form.getInputProps(`attributes.${index}.key`)}
                  />
                  <TextInput
                    aria-label={`Attribute value ${index + 1}`}
                    placeholder="Value"
                    style={{ flex: 1 }}
                    {...form.getInputProps(`attributes.${index}.value`)}
                  />
                  <ActionIcon
                    variant="subtle"
                    color="red"
                    size="lg"
                    aria-label={`Remove attribute ${index + 1}`}
                    onClick={() => form.removeListItem("attributes", index)}
                  >
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              ))}
              <Group>
                <Button
                  variant="default"
                  size="xs"
                  leftSection={<IconPlus size={14} />}
                  onClick={() => form.insertListItem("attributes", { key: "", value: "" })}
                >
                  Add attribute
                </Button>
              </Group>
            </Stack>
            {error ? <ErrorAlert error={error} title="The end device was not saved" /> : null}
            <Group>
              <Button type="submit" loading={form.submitting}>
                Save changes
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={3} size="h4">
            Delete end device
          </Title>
          <Text size="sm">
            The end device is removed from every server, with its keys and session. It cannot be
            undone.
          </Text>
          <Group>
            <ConfirmButton
              label="Delete end device"
              title="Delete this end device?"
              message={
                <>
                  Type <b>{deviceId}</b> to confirm.
                </>
              }
              typeToConfirm={deviceId}
              typeLabel="End device ID to confirm"
              errorTitle="The end device was not deleted"
              onConfirm={async () => {
                await deleteDevice(api, { applicationId: appId, deviceId });
                notifications.show({
                  color: "green",
                  title: "End device deleted",
                  message: deviceId,
                });
                navigate(devicesPage(appId));
              }}
            />
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
