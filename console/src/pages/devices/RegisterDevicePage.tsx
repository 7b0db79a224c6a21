import {
  Alert,
  Button,
  Checkbox,
  Group,
  Paper,
  Radio,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useEffect, useState } from "react";
import { useNavigate, useParams } from "react-router";
import { KeyInput } from "./KeyInput.tsx";
import {
  deviceIdFromEui,
  isLoRaWan11,
  macVersions,
  newDevice,
  phyOptions,
  type RegisterValues,
  validateRegister,
} from "./new-device.ts";
import { devicePage, devicesPage } from "./paths.ts";
import { useBandVersions, useFrequencyPlans } from "./plans.ts";
import { CreateDeviceError, createDevice } from "./registry.ts";
import { api, ErrorAlert, errorMessage, PageHeader, useRequest } from "./shell.ts";

const initialValues: RegisterValues = {
  activation: "otaa",
  frequencyPlanId: "",
  lorawanVersion: "MAC_V1_0_3",
  lorawanPhyVersion: "",
  devEui: "",
  joinEui: "",
  deviceId: "",
  name: "",
  appKey: "",
  nwkKey: "",
  devAddr: "",
  appSKey: "",
  fNwkSIntKey: "",
  sNwkSIntKey: "",
  nwkSEncKey: "",
  resetsFCnt: false,
};

/**
 * Registering one end device by hand: OTAA (DevEUI, JoinEUI, root keys) or ABP (DevAddr and
 * session keys), its LoRaWAN and regional parameters versions and frequency plan. The device is
 * created in the Identity, Join (OTAA), Network and Application Servers, rolled back if one of
 * them refuses.
 */
export function RegisterDevicePage() {
  const appId = useParams().appId ?? "";
  const navigate = useNavigate();
  const plans = useFrequencyPlans();
  const defaultJoinEui = useRequest<{ join_eui?: string }>("/js/default_join_eui");
  const [failure, setFailure] = useState<{ error: unknown; rollBack: string[] } | null>(null);
  const [idTouched, setIdTouched] = useState(false);
  const form = useForm<RegisterValues>({
    mode: "controlled",
    initialValues,
    validate: (values) => validateRegister(values),
  });
  const { values } = form;
  const band = plans.byId.get(values.frequencyPlanId)?.band_id;
  const bandVersions = useBandVersions(band);
  const phyChoices = phyOptions(values.lorawanVersion, bandVersions.versions);
  const v11 = isLoRaWan11(values.lorawanVersion);
  const otaa = values.activation === "otaa";

  // The newest PHY version that fits, whenever the choices change and the current one does not.
  const phyKey = phyChoices.map((choice) => choice.value).join(",");
  useEffect(() => {
    const current = form.getValues().lorawanPhyVersion;
    const choices = phyKey ? phyKey.split(",") : [];
    if (!choices.includes(current)) form.setFieldValue("lorawanPhyVersion", choices[0] ?? "");
  }, [phyKey, form.getValues, form.setFieldValue]);

  // The Join Server's default JoinEUI, until the user types one.
  const joinEui = defaultJoinEui.data?.join_eui;
  useEffect(() => {
    if (joinEui && form.getValues().joinEui === "") form.setFieldValue("joinEui", joinEui);
  }, [joinEui, form.getValues, form.setFieldValue]);

  const submit = form.onSubmit(async (submitted) => {
    setFailure(null);
    const { device, paths } = newDevice(appId, submitted, window.location.hostname);
    try {
      await createDevice(api, device, paths);
      notifications.show({
        color: "green",
        title: "End device registered",
        message: `${submitted.deviceId} is registered.`,
      });
      navigate(devicePage(appId, submitted.deviceId));
    } catch (error) {
      if (error instanceof CreateDeviceError)
        setFailure({ error: error.cause, rollBack: error.rollBack });
      else setFailure({ error, rollBack: [] });
    }
  });

  return (
    <Stack maw={960}>
      <PageHeader
        title="Register end device"
        breadcrumbs={[
          { label: "Applications", to: "/applications" },
          { label: appId, to: `/applications/${encodeURIComponent(appId)}` },
          { label: "End devices", to: devicesPage(appId) },
          { label: "Register" },
        ]}
      />
      <form onSubmit={submit} noValidate aria-label="Register end device">
        <Stack>
          <Paper withBorder p="md">
            <Stack>
              <Title order={3} size="h4">
                LoRaWAN settings
              </Title>
              {plans.error ? (
                <ErrorAlert error={plans.error} title="The frequency plans could not be loaded" />
              ) : null}
              <Select
                label="Frequency plan"
                placeholder={plans.loading ? "Loading…" : "Choose a frequency plan"}
                data={plans.options}
                searchable
                nothingFoundMessage="No frequency plan matches"
                withAsterisk
                {...form.getInputProps("frequencyPlanId")}
              />
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <Select
                  label="LoRaWAN version"
                  data={macVersions.map(({ value, label }) => ({ value, label }))}
                  allowDeselect={false}
                  withAsterisk
                  {...form.getInputProps("lorawanVersion")}
                />
                <Select
                  label="Regional Parameters version"
                  placeholder={band ? "Choose a version" : "Choose a frequency plan first"}
                  data={phyChoices}
                  allowDeselect={false}
                  disabled={!band}
                  withAsterisk
                  {...form.getInputProps("lorawanPhyVersion")}
                />
              </SimpleGrid>
              {band && !bandVersions.loading && phyChoices.length === 0 ? (
                <Alert color="yellow">
                  Band {band} has no regional parameters version for this LoRaWAN version.
                </Alert>
              ) : null}
              <Radio.Group
                label="Activation mode"
                withAsterisk
                {...form.getInputProps("activation")}
              >
                <Group mt="xs">
                  <Radio value="otaa" label="Over the air activation (OTAA)" />
                  <Radio value="abp" label="Activation by personalization (ABP)" />
                </Group>
              </Radio.Group>
            </Stack>
          </Paper>

          <Paper withBorder p="md">
            <Stack>
              <Title order={3} size="h4">
                Identity and keys
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <KeyInput
                  label="DevEUI"
                  bytes={8}
                  withAsterisk={otaa}
                  description={otaa ? undefined : "Optional for ABP"}
                  {...form.getInputProps("devEui")}
                  onChange={(event) => {
                    const value = event.currentTarget.value;
                    form.setFieldValue("devEui", value);
                    if (!idTouched) form.setFieldValue("deviceId", deviceIdFromEui(value));
                  }}
                  onGenerate={(value) => {
                    form.setFieldValue("devEui", value);
                    if (!idTouched) form.setFieldValue("deviceId", deviceIdFromEui(value));
                  }}
                />
                {otaa ? (
                  <TextInput
                    label="JoinEUI"
                    styles={{ input: { fontFamily: "var(--mantine-font-family-monospace)" } }}
                    withAsterisk
                    autoComplete="off"
                    description="AppEUI in LoRaWAN 1.0"
                    {...form.getInputProps("joinEui")}
                  />
                ) : (
                  <KeyInput
                    label="Device address"
                    bytes={4}
                    withAsterisk
                    generate={async () =>
                      (await api.get<{ dev_addr?: string }>("/ns/dev_addr")).dev_addr ?? ""
                    }
                    onGenerate={(value) => form.setFieldValue("devAddr", value)}
                    {...form.getInputProps("devAddr")}
                  />
                )}
              </SimpleGrid>
              {otaa ? (
                <SimpleGrid cols={{ base: 1, lg: 2 }}>
                  <KeyInput
                    label="AppKey"
                    bytes={16}
                    withAsterisk
                    onGenerate={(value) => form.setFieldValue("appKey", value)}
                    {...form.getInputProps("appKey")}
                  />
                  {v11 ? (
                    <KeyInput
                      label="NwkKey"
                      bytes={16}
                      withAsterisk
                      onGenerate={(value) => form.setFieldValue("nwkKey", value)}
                      {...form.getInputProps("nwkKey")}
                    />
                  ) : null}
                </SimpleGrid>
              ) : (
                <>
                  <SimpleGrid cols={{ base: 1, lg: 2 }}>
                    <KeyInput
                      label="AppSKey"
                      bytes={16}
                      withAsterisk
                      onGenerate={(value) => form.setFieldValue("appSKey", value)}
                      {...form.getInputProps("appSKey")}
                    />
                    <KeyInput
                      label={v11 ? "FNwkSIntKey" : "NwkSKey"}
                      bytes={16}
                      withAsterisk
                      onGenerate={(value) => form.setFieldValue("fNwkSIntKey", value)}
                      {...form.getInputProps("fNwkSIntKey")}
                    />
                    {v11 ? (
                      <>
                        <KeyInput
                          label="SNwkSIntKey"
                          bytes={16}
                          withAsterisk
                          onGenerate={(value) => form.setFieldValue("sNwkSIntKey", value)}
                          {...form.getInputProps("sNwkSIntKey")}
                        />
                        <KeyInput
                          label="NwkSEncKey"
                          bytes={16}
                          withAsterisk
                          onGenerate={(value) => form.setFieldValue("nwkSEncKey", value)}
                          {...form.getInputProps("nwkSEncKey")}
                        />
                      </>
                    ) : null}
                  </SimpleGrid>
                  <Checkbox
                    label="Resets frame counters (the device restarts its counters at 0; less secure)"
                    {...form.getInputProps("resetsFCnt", { type: "checkbox" })}
                  />
                </>
              )}
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput
                  label="End device ID"
                  withAsterisk
                  autoComplete="off"
                  description="Lower-case letters, digits and dashes"
                  {...form.getInputProps("deviceId")}
                  onChange={(event) => {
                    setIdTouched(true);
                    form.setFieldValue("deviceId", event.currentTarget.value);
                  }}
                />
                <TextInput label="Name" autoComplete="off" {...form.getInputProps("name")} />
              </SimpleGrid>
            </Stack>
          </Paper>

          {failure ? (
            <Alert color="red" title="The end device was not registered" role="alert">
              <Text size="sm">{errorMessage(failure.error)}</Text>
              {failure.rollBack.length > 0 ? (
                <Text size="sm" mt="xs">
                  Rolled back: {failure.rollBack.join("; ")}.
                </Text>
              ) : null}
            </Alert>
          ) : null}
          <Group>
            <Button type="submit" loading={form.submitting}>
              Register end device
            </Button>
            <Button variant="default" onClick={() => navigate(devicesPage(appId))}>
              Cancel
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
