import { Loader } from "@mantine/core";
import { lazy, Suspense } from "react";
import { useApplication } from "./context.ts";

const ApplicationDevices = lazy(async () => ({
  default: (await import("../devices/ApplicationDevices.tsx")).ApplicationDevices,
}));

/** The End devices tab: the devices area's list of the application's devices. */
export function EndDevicesTab() {
  const { appId } = useApplication();
  return (
    <Suspense fallback={<Loader aria-label="Loading the end devices" />}>
      <ApplicationDevices appId={appId} />
    </Suspense>
  );
}
