import { Loader, ScrollArea, Stack, Tabs } from "@mantine/core";
import { lazy, Suspense } from "react";
import { useNavigate, useParams } from "react-router";
import { devicePage, devicesPage } from "./paths.ts";
import { ErrorAlert, PageHeader } from "./shell.ts";
import { useDevice } from "./use-device.ts";

const OverviewTab = lazy(async () => ({
  default: (await import("./OverviewTab.tsx")).OverviewTab,
}));
const LiveDataTab = lazy(async () => ({
  default: (await import("./LiveDataTab.tsx")).LiveDataTab,
}));
const MessagingTab = lazy(async () => ({
  default: (await import("./MessagingTab.tsx")).MessagingTab,
}));
const FormattersTab = lazy(async () => ({
  default: (await import("./FormattersTab.tsx")).FormattersTab,
}));
const SessionTab = lazy(async () => ({ default: (await import("./SessionTab.tsx")).SessionTab }));
const SettingsTab = lazy(async () => ({
  default: (await import("./SettingsTab.tsx")).SettingsTab,
}));

/** The device page's tabs: [path below the device, label]; the overview is `overview` to Mantine. */
const tabs = [
  ["", "Overview"],
  ["live-data", "Live data"],
  ["messaging", "Messaging"],
  ["payload-formatters", "Payload formatters"],
  ["session", "Session & MAC state"],
  ["general-settings", "General settings"],
] as const;

/** One end device: its header and tabs. */
export function DevicePage() {
  const params = useParams();
  const appId = params.appId ?? "";
  const deviceId = params.deviceId ?? "";
  const tab = tabs.some(([path]) => path === params.tab) ? (params.tab ?? "") : "";
  const navigate = useNavigate();
  const identity = useDevice(appId, deviceId, ["name"]);
  const name = identity.device?.name as string | undefined;
  const props = { appId, deviceId, onChanged: identity.reload };

  return (
    <Stack>
      <PageHeader
        title={name || deviceId}
        description={name ? deviceId : undefined}
        breadcrumbs={[
          { label: "Applications", to: "/applications" },
          { label: appId, to: `/applications/${encodeURIComponent(appId)}` },
          { label: "End devices", to: devicesPage(appId) },
          { label: deviceId },
        ]}
      />
      {identity.error ? (
        <ErrorAlert error={identity.error} title="The end device could not be loaded" />
      ) : (
        <>
          <ScrollArea type="never">
            <Tabs
              value={tab || "overview"}
              onChange={(value) =>
                navigate(devicePage(appId, deviceId, value === "overview" ? "" : (value ?? "")))
              }
              keepMounted={false}
            >
              <Tabs.List style={{ flexWrap: "nowrap" }}>
                {tabs.map(([path, label]) => (
                  <Tabs.Tab key={path} value={path || "overview"}>
                    {label}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
            </Tabs>
          </ScrollArea>
          <Suspense fallback={<Loader aria-label="Loading the tab" />}>
            {tab === "" ? <OverviewTab {...props} /> : null}
            {tab === "live-data" ? <LiveDataTab {...props} /> : null}
            {tab === "messaging" ? <MessagingTab {...props} /> : null}
            {tab === "payload-formatters" ? <FormattersTab {...props} /> : null}
            {tab === "session" ? <SessionTab {...props} /> : null}
            {tab === "general-settings" ? <SettingsTab {...props} /> : null}
          </Suspense>
        </>
      )}
    </Stack>
  );
}

/** What every tab gets. */
export interface TabProps {
  appId: string;
  deviceId: string;
  /** Call after a change the header shows (the name). */
  onChanged: () => void;
}
