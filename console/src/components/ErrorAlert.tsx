import { Alert, Text } from "@mantine/core";
import { IconAlertCircle } from "@tabler/icons-react";
import { ApiError, errorMessage } from "../api/client";

/** An error as a red alert: a human message, and the request's correlation ID for support. */
export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (error === undefined || error === null) return null;
  const correlationId = error instanceof ApiError ? error.correlationId : undefined;
  return (
    <Alert
      color="red"
      variant="light"
      title={title ?? "Something went wrong"}
      icon={<IconAlertCircle aria-hidden />}
      role="alert"
    >
      <Text size="sm">{errorMessage(error)}</Text>
      {correlationId && (
        <Text size="xs" c="dimmed" mt={4}>
          Correlation ID: {correlationId}
        </Text>
      )}
    </Alert>
  );
}
