import {
  Alert,
  Button,
  Group,
  Loader,
  Paper,
  SegmentedControl,
  Stack,
  Tabs,
  Text,
} from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useState } from "react";
import { useApplication } from "../context.ts";
import { isNotFound, Problem } from "../Problem.tsx";
import { api, ErrorAlert, useAction, useRequest } from "../shell.ts";
import type { ApplicationLink, FormatterType } from "../types.ts";
import { CodeEditor } from "./CodeEditor.tsx";
import { DownlinkTest, UplinkTest } from "./FormatterTest.tsx";
import { downlinkTemplate, uplinkTemplate } from "./templates.ts";

export type Direction = "up" | "down";

/** The formatter types the Console offers, as TTS's Console does. */
export const formatterTypes: { value: FormatterType; label: string }[] = [
  { value: "FORMATTER_NONE", label: "None" },
  { value: "FORMATTER_JAVASCRIPT", label: "JavaScript" },
  { value: "FORMATTER_CAYENNELPP", label: "CayenneLPP" },
  { value: "FORMATTER_REPOSITORY", label: "Repository" },
];

const explanations: Partial<Record<FormatterType, string>> = {
  FORMATTER_NONE: "Payloads are passed on as bytes, not decoded.",
  FORMATTER_CAYENNELPP: "Payloads are read and written as Cayenne Low Power Payload.",
  FORMATTER_REPOSITORY:
    "Each end device uses the formatter of its model in the device repository, where the server has one; the test below shows whether it applies.",
  FORMATTER_GRPC_SERVICE: "A gRPC service formats the payloads (set by the API).",
};

/** The application's default uplink and downlink payload formatters, each with a test. */
export function PayloadFormatters() {
  const { appId } = useApplication();
  const link = useRequest<ApplicationLink>(`/as/applications/${encodeURIComponent(appId)}/link`, {
    field_mask: "default_formatters",
  });
  const [direction, setDirection] = useState<Direction>("up");
  if (link.error && !isNotFound(link.error))
    return <Problem error={link.error} what="the payload formatters" />;
  if (link.loading && !link.data && !link.error)
    return <Loader aria-label="Loading the payload formatters" />;
  const formatters = link.data?.default_formatters ?? {};

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        The application's default formatters, used by every end device that has none of its own.
      </Text>
      <Tabs value={direction} onChange={(value) => setDirection(value === "down" ? "down" : "up")}>
        <Tabs.List>
          <Tabs.Tab value="up">Uplink</Tabs.Tab>
          <Tabs.Tab value="down">Downlink</Tabs.Tab>
        </Tabs.List>
      </Tabs>
      <FormatterForm
        key={`${direction}-${link.data ? "loaded" : "none"}`}
        appId={appId}
        direction={direction}
        type={
          (direction === "up" ? formatters.up_formatter : formatters.down_formatter) ??
          "FORMATTER_NONE"
        }
        parameter={
          (direction === "up"
            ? formatters.up_formatter_parameter
            : formatters.down_formatter_parameter) ?? ""
        }
        onSaved={link.reload}
      />
    </Stack>
  );
}

interface FormatterFormProps {
  appId: string;
  direction: Direction;
  type: FormatterType;
  parameter: string;
  onSaved(): void;
}

function FormatterForm(props: FormatterFormProps) {
  const { appId, direction } = props;
  const [type, setType] = useState<FormatterType>(props.type);
  const [code, setCode] = useState(props.parameter);
  const action = useAction();
  const template = direction === "up" ? uplinkTemplate : downlinkTemplate;
  const known = formatterTypes.some((option) => option.value === type);
  const changed =
    type !== props.type || (type === "FORMATTER_JAVASCRIPT" && code !== props.parameter);

  const choose = (value: string) => {
    const next = value as FormatterType;
    setType(next);
    if (next === "FORMATTER_JAVASCRIPT" && code.trim() === "") setCode(template);
  };

  const save = () =>
    action.run(async () => {
      const prefix = `default_formatters.${direction}_formatter`;
      await api.put(`/as/applications/${encodeURIComponent(appId)}/link`, {
        link: {
          default_formatters: {
            [`${direction}_formatter`]: type,
            [`${direction}_formatter_parameter`]: type === "FORMATTER_JAVASCRIPT" ? code : "",
          },
        },
        field_mask: { paths: [prefix, `${prefix}_parameter`] },
      });
      notifications.show({
        color: "green",
        message: `${direction === "up" ? "Uplink" : "Downlink"} formatter saved`,
      });
      props.onSaved();
    });

  return (
    <Stack>
      <Paper withBorder p="md" radius="md">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <Stack>
            <Stack gap={4}>
              <Text size="sm" fw={500} id={`formatter-type-${direction}`}>
                Formatter type
              </Text>
              <SegmentedControl
                aria-labelledby={`formatter-type-${direction}`}
                value={known ? type : ""}
                onChange={choose}
                data={formatterTypes}
                fullWidth
                maw={560}
              />
            </Stack>
            {type === "FORMATTER_JAVASCRIPT" ? (
              <CodeEditor
                label={direction === "up" ? "Uplink formatter code" : "Downlink formatter code"}
                value={code}
                onChange={setCode}
              />
            ) : (
              <Alert variant="light" color="gray">
                {explanations[type] ?? "Formatter set through the API."}
              </Alert>
            )}
            <ErrorAlert error={action.error} title="Could not save the formatter" />
            <Group>
              <Button type="submit" loading={action.busy} disabled={!changed}>
                Save {direction === "up" ? "uplink" : "downlink"} formatter
              </Button>
              {changed ? (
                <Text size="sm" c="dimmed">
                  Unsaved changes (the test below uses them)
                </Text>
              ) : null}
            </Group>
          </Stack>
        </form>
      </Paper>
      {direction === "up" ? (
        <UplinkTest appId={appId} formatter={type} parameter={code} />
      ) : (
        <DownlinkTest appId={appId} formatter={type} parameter={code} />
      )}
    </Stack>
  );
}
