import {
  Alert,
  Badge,
  Button,
  FileInput,
  Group,
  Paper,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconFileImport } from "@tabler/icons-react";
import { useMemo, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { type ImportFailure, type ImportRecord, readImportFile, runImport } from "./import.ts";
import { macVersions, phyLabel, phyVersions } from "./new-device.ts";
import { devicesPage } from "./paths.ts";
import { useFrequencyPlans } from "./plans.ts";
import { getPath } from "./registry.ts";
import { api, ErrorAlert, PageHeader } from "./shell.ts";

/** Rows shown in the preview at most (the import takes them all). */
const previewRows = 100;

type Phase =
  | { kind: "choose" }
  | { kind: "running"; done: number; total: number }
  | { kind: "finished"; created: number; failures: ImportFailure[] };

/**
 * Importing end devices from a file: the CSV of TTS's Console (the columns of
 * `lorastack end-devices import`, docs/cli.md) or TTS's end device JSON. The file is read in
 * the browser and previewed (each row's ID, DevEUI, activation, or why it is refused); the
 * import shows its progress and ends with a summary that lists each failure.
 */
export function ImportDevicesPage() {
  const appId = useParams().appId ?? "";
  const navigate = useNavigate();
  const plans = useFrequencyPlans();
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [frequencyPlanId, setFrequencyPlanId] = useState<string | null>(null);
  const [lorawanVersion, setLorawanVersion] = useState<string | null>(null);
  const [lorawanPhyVersion, setLorawanPhyVersion] = useState<string | null>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "choose" });

  const parsed = useMemo(() => {
    if (text === null || !file) return null;
    return readImportFile(text, file.name, appId, {
      ...(frequencyPlanId ? { frequencyPlanId } : {}),
      ...(lorawanVersion ? { lorawanVersion } : {}),
      ...(lorawanPhyVersion ? { lorawanPhyVersion } : {}),
    });
  }, [text, file, appId, frequencyPlanId, lorawanVersion, lorawanPhyVersion]);
  const records: ImportRecord[] = parsed && "records" in parsed ? parsed.records : [];
  const valid = records.filter((record) => record.change).length;

  const choose = async (chosen: File | null) => {
    setFile(chosen);
    setText(null);
    setReadError(null);
    setPhase({ kind: "choose" });
    if (!chosen) return;
    try {
      setText(await chosen.text());
    } catch (error) {
      setReadError(error instanceof Error ? error.message : String(error));
    }
  };

  const start = async () => {
    if (!parsed || !("records" in parsed)) return;
    // Each run reads the file again: a run completes records in place.
    const fresh = readImportFile(text ?? "", file?.name ?? "file", appId, {
      ...(frequencyPlanId ? { frequencyPlanId } : {}),
      ...(lorawanVersion ? { lorawanVersion } : {}),
      ...(lorawanPhyVersion ? { lorawanPhyVersion } : {}),
    });
    if (!("records" in fresh)) return;
    let joinEui: Promise<string> | undefined;
    setPhase({ kind: "running", done: 0, total: valid });
    const result = await runImport(api, fresh.records, {
      host: window.location.hostname,
      defaultJoinEui: () => {
        joinEui ??= api
          .get<{ join_eui?: string }>("/js/default_join_eui")
          .then((answer) => answer.join_eui ?? "0000000000000000");
        return joinEui;
      },
      onProgress: (done, total) => setPhase({ kind: "running", done, total }),
    });
    setPhase({ kind: "finished", ...result });
  };

  return (
    <Stack>
      <PageHeader
        title="Import end devices"
        breadcrumbs={[
          { label: "Applications", to: "/applications" },
          { label: appId, to: `/applications/${encodeURIComponent(appId)}` },
          { label: "End devices", to: devicesPage(appId) },
          { label: "Import" },
        ]}
      />
      <Paper withBorder p="md">
        <Stack>
          <FileInput
            label="File (CSV or JSON)"
            description="CSV with a header row (id, dev_eui, join_eui, app_key, …; ';' or ',' between fields) or The Things Stack's end device JSON"
            placeholder="Choose a file"
            accept=".csv,.json,.jsonl,text/csv,application/json"
            leftSection={<IconFileImport size={16} />}
            value={file}
            onChange={choose}
            clearable
            disabled={phase.kind === "running"}
          />
          <Text size="sm" c="dimmed">
            For rows without them:
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              label="Frequency plan"
              data={plans.options}
              searchable
              clearable
              value={frequencyPlanId}
              onChange={setFrequencyPlanId}
            />
            <Select
              label="LoRaWAN version"
              data={macVersions.map(({ value, label }) => ({ value, label }))}
              clearable
              value={lorawanVersion}
              onChange={setLorawanVersion}
            />
            <Select
              label="Regional Parameters version"
              data={phyVersions.map((value) => ({ value, label: phyLabel(value) }))}
              clearable
              value={lorawanPhyVersion}
              onChange={setLorawanPhyVersion}
            />
          </SimpleGrid>
        </Stack>
      </Paper>

      {readError ? <ErrorAlert error={readError} title="The file could not be read" /> : null}
      {parsed && "error" in parsed ? (
        <Alert color="red" title="This file cannot be imported" role="alert">
          {parsed.error}
        </Alert>
      ) : null}

      {records.length > 0 ? (
        <Paper withBorder p="md">
          <Stack>
            <Group justify="space-between">
              <Title order={3} size="h4">
                Preview
              </Title>
              <Text size="sm">
                {valid} of {records.length} end device{records.length === 1 ? "" : "s"} can be
                imported
              </Text>
            </Group>
            <Table.ScrollContainer minWidth={560}>
              <Table aria-label="Import preview" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Line</Table.Th>
                    <Table.Th>End device ID</Table.Th>
                    <Table.Th>DevEUI</Table.Th>
                    <Table.Th>Activation</Table.Th>
                    <Table.Th>Frequency plan</Table.Th>
                    <Table.Th>Status</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {records.slice(0, previewRows).map((record) => {
                    const device = record.change?.device;
                    return (
                      <Table.Tr key={record.line}>
                        <Table.Td>{record.line}</Table.Td>
                        <Table.Td ff="monospace">{record.deviceId ?? "—"}</Table.Td>
                        <Table.Td ff="monospace">
                          {String(getPath(device, "ids.dev_eui") ?? "—")}
                        </Table.Td>
                        <Table.Td>
                          {device ? (device.supports_join === false ? "ABP" : "OTAA") : "—"}
                        </Table.Td>
                        <Table.Td>{String(device?.frequency_plan_id ?? "—")}</Table.Td>
                        <Table.Td>
                          {record.error ? (
                            <Text size="sm" c="red">
                              {record.error}
                            </Text>
                          ) : (
                            <Badge color="green" variant="light">
                              Ready
                            </Badge>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {records.length > previewRows ? (
              <Text size="sm" c="dimmed">
                The first {previewRows} rows are shown.
              </Text>
            ) : null}
          </Stack>
        </Paper>
      ) : null}

      {phase.kind === "running" ? (
        <Stack gap={4}>
          <Text size="sm">
            Importing {phase.done} of {phase.total}…
          </Text>
          <Progress
            value={phase.total ? (phase.done / phase.total) * 100 : 0}
            aria-label="Import progress"
            animated
          />
        </Stack>
      ) : null}

      {phase.kind === "finished" ? (
        <Alert
          color={phase.failures.length === 0 ? "green" : "yellow"}
          title={`${phase.created} end device${phase.created === 1 ? "" : "s"} imported, ${phase.failures.length} failed`}
          role="status"
        >
          {phase.failures.length > 0 ? (
            <Stack gap={2}>
              {phase.failures.map((failure) => (
                <Text size="sm" key={`${failure.line}-${failure.deviceId ?? ""}`}>
                  Line {failure.line}
                  {failure.deviceId ? ` (${failure.deviceId})` : ""}: {failure.error}
                </Text>
              ))}
            </Stack>
          ) : null}
        </Alert>
      ) : null}

      <Group>
        <Button
          onClick={start}
          disabled={valid === 0 || phase.kind !== "choose"}
          loading={phase.kind === "running"}
        >
          Import end devices
        </Button>
        <Button variant="default" onClick={() => navigate(devicesPage(appId))}>
          {phase.kind === "finished" ? "Back to end devices" : "Cancel"}
        </Button>
      </Group>
    </Stack>
  );
}
