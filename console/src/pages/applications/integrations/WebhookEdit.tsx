import {
  Alert,
  Button,
  Checkbox,
  Group,
  Loader,
  Paper,
  PasswordInput,
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
import { KeyValueEditor } from "../KeyValueEditor.tsx";
import { Problem } from "../Problem.tsx";
import { api, ConfirmButton, ErrorAlert, useRequest } from "../shell.ts";
import { monoInput } from "../styles.ts";
import { messageTypes, type Webhook } from "../types.ts";
import { integrationPath, saveIntegration, useFormatOptions } from "./integration-api.ts";
import { healthOf } from "./Webhooks.tsx";
import {
  baseUrlError,
  messagePathError,
  type WebhookValues,
  webhookBody,
  webhookValues,
} from "./webhook-form.ts";

const webhookFields =
  "base_url,headers,format,downlink_api_key,paused,health_status,updated_at," +
  messageTypes.map(([type]) => type).join(",");

/** Adds a webhook. */
export function WebhookCreate() {
  const { appId } = useApplication();
  return <WebhookForm appId={appId} />;
}

/** Edits (or deletes) one webhook. */
export function WebhookEdit() {
  const { appId } = useApplication();
  const webhookId = useParams().webhookId ?? "";
  const request = useRequest<Webhook>(integrationPath("webhooks", appId, webhookId), {
    field_mask: webhookFields,
  });
  if (request.error) return <Problem error={request.error} what="the webhook" />;
  if (!request.data) return <Loader aria-label="Loading the webhook" />;
  return <WebhookForm appId={appId} webhook={request.data} key={request.data.updated_at} />;
}

function WebhookForm({ appId, webhook }: { appId: string; webhook?: Webhook }) {
  const navigate = useNavigate();
  const formats = useFormatOptions("webhooks");
  const [error, setError] = useState<unknown>();
  const listPage = applicationPage(appId, "integrations/webhooks");
  const form = useForm<WebhookValues>({
    mode: "controlled",
    initialValues: webhookValues(webhook),
    validateInputOnBlur: true,
    validate: {
      webhook_id: (value) => (webhook ? null : idError(value)),
      base_url: baseUrlError,
      format: (value) => (value ? null : "Choose a format"),
    },
  });
  const headersError = (() => {
    const result = webhookBody(appId, form.values);
    return "error" in result ? result.error : null;
  })();

  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    const result = webhookBody(appId, values);
    if ("error" in result) return;
    for (const [type, label] of messageTypes) {
      const problem = values.messages[type].enabled && messagePathError(values.messages[type].path);
      if (problem) {
        form.setFieldError(`messages.${type}.path`, `${label}: ${problem}`);
        return;
      }
    }
    try {
      const saved = await saveIntegration(
        "webhooks",
        appId,
        values.webhook_id,
        result.body,
        Boolean(webhook),
      );
      if (saved === "exists")
        return form.setFieldError("webhook_id", "A webhook with this ID exists already");
      notifications.show({ color: "green", message: `Webhook ${values.webhook_id} saved` });
      navigate(listPage);
    } catch (caught) {
      setError(caught);
    }
  });

  const health = webhook ? healthOf(webhook) : undefined;

  return (
    <Paper withBorder p="lg" radius="md">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Title order={3} size="h4">
            {webhook ? `Webhook ${webhook.ids.webhook_id}` : "Add webhook"}
          </Title>
          {health?.status === "warn" ? (
            <Alert color="yellow" title={health.label}>
              {health.detail ?? "Deliveries to this webhook fail."}
            </Alert>
          ) : null}
          {error ? <ErrorAlert error={error} title="Could not save the webhook" /> : null}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Webhook ID"
              required={!webhook}
              disabled={Boolean(webhook)}
              styles={monoInput}
              data-autofocus
              {...form.getInputProps("webhook_id")}
            />
            <Select
              label="Webhook format"
              required
              data={formats.options}
              error={formats.error ? "Could not load the formats" : form.errors.format}
              value={form.values.format}
              onChange={(value) => form.setFieldValue("format", value ?? "")}
              allowDeselect={false}
            />
          </SimpleGrid>
          <TextInput
            label="Base URL"
            description="Each message type's path is appended to it."
            placeholder="https://example.com/lorawan"
            required
            styles={monoInput}
            {...form.getInputProps("base_url")}
          />
          <KeyValueEditor
            noun="Header"
            label="Additional headers"
            rows={form.values.headers}
            onChange={(rows) => form.setFieldValue("headers", rows)}
            error={headersError}
            keyPlaceholder="Authorization"
            valuePlaceholder="Bearer my-token"
          />
          <PasswordInput
            label="Downlink API key"
            description="Sent to your server in X-Downlink-Apikey, to push downlinks back."
            autoComplete="off"
            {...form.getInputProps("downlink_api_key")}
          />
          <Switch
            label="Enabled"
            description="A disabled webhook keeps its settings and sends nothing."
            {...form.getInputProps("enabled", { type: "checkbox" })}
          />
          <Stack gap="xs" role="group" aria-label="Enabled message types">
            <Text size="sm" fw={500}>
              Enabled message types
            </Text>
            {messageTypes.map(([type, label]) => (
              <Group key={type} gap="sm" wrap="nowrap" align="center">
                <Checkbox
                  label={label}
                  w={220}
                  {...form.getInputProps(`messages.${type}.enabled`, { type: "checkbox" })}
                />
                <TextInput
                  aria-label={`${label} path`}
                  placeholder="/path (empty: the base URL)"
                  styles={monoInput}
                  disabled={!form.values.messages[type].enabled}
                  style={{ flex: 1 }}
                  {...form.getInputProps(`messages.${type}.path`)}
                />
              </Group>
            ))}
          </Stack>
          <Group justify="space-between">
            {webhook ? (
              <ConfirmButton
                label="Delete webhook"
                variant="outline"
                title="Delete webhook"
                message={`The webhook ${webhook.ids.webhook_id} stops receiving messages and is deleted.`}
                onConfirm={async () => {
                  await api.del(integrationPath("webhooks", appId, webhook.ids.webhook_id));
                  notifications.show({ message: `Webhook ${webhook.ids.webhook_id} deleted` });
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
                {webhook ? "Save changes" : "Add webhook"}
              </Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
