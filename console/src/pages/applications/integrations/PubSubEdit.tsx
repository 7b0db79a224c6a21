import {
  Button,
  Checkbox,
  Group,
  Loader,
  Paper,
  PasswordInput,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import { idError } from "../../../components/ids.ts";
import { applicationPage, useApplication } from "../context.ts";
import { Problem } from "../Problem.tsx";
import { api, ConfirmButton, ErrorAlert, useRequest } from "../shell.ts";
import { monoInput } from "../styles.ts";
import type { PubSub } from "../types.ts";
import { integrationPath, saveIntegration, useFormatOptions } from "./integration-api.ts";
import {
  type PubSubValues,
  pubSubBody,
  pubSubTopics,
  pubSubValues,
  qosLevels,
  serverUrlError,
} from "./pubsub-form.ts";

const pubSubFields = `format,base_topic,nats,mqtt,updated_at,${pubSubTopics.map(([type]) => type).join(",")}`;

/** Adds a pub/sub. */
export function PubSubCreate() {
  const { appId } = useApplication();
  return <PubSubForm appId={appId} />;
}

/** Edits (or deletes) one pub/sub. */
export function PubSubEdit() {
  const { appId } = useApplication();
  const pubSubId = useParams().pubSubId ?? "";
  const request = useRequest<PubSub>(integrationPath("pubsub", appId, pubSubId), {
    field_mask: pubSubFields,
  });
  if (request.error) return <Problem error={request.error} what="the Pub/Sub" />;
  if (!request.data) return <Loader aria-label="Loading the Pub/Sub" />;
  return <PubSubForm appId={appId} pubsub={request.data} key={request.data.updated_at} />;
}

function PubSubForm({ appId, pubsub }: { appId: string; pubsub?: PubSub }) {
  const navigate = useNavigate();
  const formats = useFormatOptions("pubsub");
  const [error, setError] = useState<unknown>();
  const listPage = applicationPage(appId, "integrations/pubsubs");
  const form = useForm<PubSubValues>({
    mode: "controlled",
    initialValues: pubSubValues(pubsub),
    validateInputOnBlur: true,
    validate: {
      pub_sub_id: (value) => (pubsub ? null : idError(value)),
      server_url: (value, values) => serverUrlError(values.provider, value),
      format: (value) => (value ? null : "Choose a format"),
      client_id: (value) => (value.length > 23 ? "At most 23 characters" : null),
    },
  });

  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    const body = pubSubBody(appId, values);
    try {
      const saved = await saveIntegration(
        "pubsub",
        appId,
        values.pub_sub_id,
        body,
        Boolean(pubsub),
      );
      if (saved === "exists")
        return form.setFieldError("pub_sub_id", "A Pub/Sub with this ID exists already");
      notifications.show({ color: "green", message: `Pub/Sub ${values.pub_sub_id} saved` });
      navigate(listPage);
    } catch (caught) {
      setError(caught);
    }
  });

  const mqtt = form.values.provider === "mqtt";

  return (
    <Paper withBorder p="lg" radius="md">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={3} size="h4">
            {pubsub ? `Pub/Sub ${pubsub.ids.pub_sub_id}` : "Add Pub/Sub"}
          </Title>
          {error ? <ErrorAlert error={error} title="Could not save the Pub/Sub" /> : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Pub/Sub ID"
              required={!pubsub}
              disabled={Boolean(pubsub)}
              styles={monoInput}
              {...form.getInputProps("pub_sub_id")}
            />
            <Select
              label="Pub/Sub format"
              required
              data={formats.options}
              error={formats.error ? "Could not load the formats" : form.errors.format}
              value={form.values.format}
              onChange={(value) => form.setFieldValue("format", value ?? "")}
              allowDeselect={false}
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="pubsub-provider">
              Provider
            </Text>
            <SegmentedControl
              aria-labelledby="pubsub-provider"
              data={[
                { value: "mqtt", label: "MQTT" },
                { value: "nats", label: "NATS" },
              ]}
              value={form.values.provider}
              onChange={(value) =>
                form.setFieldValue("provider", value === "nats" ? "nats" : "mqtt")
              }
              maw={240}
            />
          </Stack>
          <TextInput
            label="Server URL"
            placeholder={mqtt ? "mqtts://broker.example.com:8883" : "nats://nats.example.com:4222"}
            required
            styles={monoInput}
            {...form.getInputProps("server_url")}
          />
          {mqtt ? (
            <>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <TextInput
                  label="Client ID"
                  description="Empty: one is made up"
                  {...form.getInputProps("client_id")}
                />
                <TextInput
                  label="Username"
                  autoComplete="off"
                  {...form.getInputProps("username")}
                />
                <PasswordInput
                  label="Password"
                  autoComplete="new-password"
                  {...form.getInputProps("password")}
                />
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <Select
                  label="Publish QoS"
                  data={qosLevels}
                  allowDeselect={false}
                  {...form.getInputProps("publish_qos")}
                />
                <Select
                  label="Subscribe QoS"
                  data={qosLevels}
                  allowDeselect={false}
                  {...form.getInputProps("subscribe_qos")}
                />
                <Switch
                  label="Use TLS"
                  mt={{ sm: 30 }}
                  {...form.getInputProps("use_tls", { type: "checkbox" })}
                />
              </SimpleGrid>
            </>
          ) : null}
          <TextInput
            label="Base topic"
            description="Prefix of every topic below."
            placeholder="lorawan/my-app"
            styles={monoInput}
            {...form.getInputProps("base_topic")}
          />
          <Stack gap="xs" role="group" aria-label="Topics">
            <Text size="sm" fw={500}>
              Topics (downlinks are subscribed to, the others published)
            </Text>
            {pubSubTopics.map(([type, label]) => (
              <Group key={type} gap="sm" wrap="nowrap">
                <Checkbox
                  label={label}
                  w={220}
                  {...form.getInputProps(`topics.${type}.enabled`, { type: "checkbox" })}
                />
                <TextInput
                  aria-label={`${label} topic`}
                  placeholder="sub/topic"
                  styles={monoInput}
                  disabled={!form.values.topics[type].enabled}
                  style={{ flex: 1 }}
                  {...form.getInputProps(`topics.${type}.topic`)}
                />
              </Group>
            ))}
          </Stack>
          <Group justify="space-between">
            {pubsub ? (
              <ConfirmButton
                label="Delete Pub/Sub"
                variant="outline"
                title="Delete Pub/Sub"
                message={`The Pub/Sub ${pubsub.ids.pub_sub_id} stops publishing and is deleted.`}
                onConfirm={async () => {
                  await api.del(integrationPath("pubsub", appId, pubsub.ids.pub_sub_id));
                  notifications.show({ message: `Pub/Sub ${pubsub.ids.pub_sub_id} deleted` });
                  navigate(listPage);
                }}
              />
            ) : (
              <span />
            )}
            <Group>
              <Button variant="default" onClick={() => navigate(listPage)}>
                Cancel
              </Button>
              <Button type="submit" loading={form.submitting}>
                {pubsub ? "Save changes" : "Add Pub/Sub"}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
