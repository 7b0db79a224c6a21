import { Alert, Button, Group, Loader, Paper, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconKey } from "@tabler/icons-react";
import { useState } from "react";
import { useApplication } from "../context.ts";
import { Problem } from "../Problem.tsx";
import { api, CopyValue, ErrorAlert, useAction, useRequest } from "../shell.ts";
import type { ApiKey, MqttConnectionInfo } from "../types.ts";

/** What an MQTT client needs: subscribe to traffic and publish downlinks. */
export const mqttKeyRights = [
  "RIGHT_APPLICATION_INFO",
  "RIGHT_APPLICATION_TRAFFIC_READ",
  "RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE",
];

function Field({ label, value }: { label: string; value?: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      {value ? (
        <CopyValue value={value} label={label.toLowerCase()} />
      ) : (
        <Text size="sm">Not offered by this server</Text>
      )}
    </Stack>
  );
}

/** How to connect to the Application Server's MQTT server, with a new API key as password. */
export function Mqtt() {
  const { appId } = useApplication();
  const info = useRequest<MqttConnectionInfo>(
    `/as/applications/${encodeURIComponent(appId)}/mqtt-connection-info`,
  );
  const [key, setKey] = useState<string>();
  const action = useAction();

  const generate = () =>
    action.run(async () => {
      const created = await api.post<ApiKey>(
        `/applications/${encodeURIComponent(appId)}/api-keys`,
        {
          name: `MQTT key ${new Date().toISOString().slice(0, 16).replace("T", " ")}`,
          rights: mqttKeyRights,
        },
      );
      setKey(created.key);
    });

  if (info.error) return <Problem error={info.error} what="the MQTT connection information" />;
  if (!info.data) return <Loader aria-label="Loading the MQTT connection information" />;
  return (
    <Paper withBorder p="lg" radius="md">
      <Stack>
        <Title order={3} size="h4">
          MQTT
        </Title>
        <Text size="sm" c="dimmed">
          MQTT clients subscribe to the application's messages (
          <Text span ff="monospace" inherit>
            v3/{info.data.username ?? `${appId}@…`}/devices/+/up
          </Text>
          , …) and publish downlinks. The password is an API key of the application.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Field label="Public address" value={info.data.public_address} />
          <Field label="Public TLS address" value={info.data.public_tls_address} />
          <Field label="Username" value={info.data.username} />
          <Stack gap={4}>
            <Text size="sm" c="dimmed">
              Password
            </Text>
            {key ? (
              <CopyValue value={key} secret label="API key" />
            ) : (
              <Group>
                <Button
                  variant="light"
                  leftSection={<IconKey size={16} />}
                  onClick={generate}
                  loading={action.busy}
                >
                  Generate new API key
                </Button>
              </Group>
            )}
          </Stack>
        </SimpleGrid>
        {key ? (
          <Alert color="yellow" title="Copy the key now">
            This API key is shown only once. It can read the application's traffic and send
            downlinks; delete it under API keys when it is no longer used.
          </Alert>
        ) : null}
        {action.error ? (
          <ErrorAlert error={action.error} title="Could not create the API key" />
        ) : null}
      </Stack>
    </Paper>
  );
}
