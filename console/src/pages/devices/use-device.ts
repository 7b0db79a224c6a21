import { useCallback, useEffect, useState } from "react";
import { type DeviceJson, getDevice } from "./registry.ts";
import { api } from "./shell.ts";

/** A device's fields of `paths`, merged from its registries, as state with `reload`. */
export function useDevice(appId: string, deviceId: string, paths: readonly string[]) {
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<{ device?: DeviceJson; error?: unknown; loading: boolean }>({
    loading: true,
  });
  const key = paths.join(",");
  useEffect(() => {
    void generation;
    let live = true;
    setState((previous) => ({ device: previous.device, loading: true }));
    getDevice(api, { applicationId: appId, deviceId }, key.split(","))
      .then((device) => {
        if (live) setState({ device, loading: false });
      })
      .catch((error: unknown) => {
        if (live) setState({ error, loading: false });
      });
    return () => {
      live = false;
    };
  }, [appId, deviceId, key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}

/** `/as/applications/app/devices/dev` and the like, for the tabs' own calls. */
export function registryPath(prefix: "" | "/ns" | "/as" | "/js", appId: string, deviceId: string) {
  return `${prefix}/applications/${encodeURIComponent(appId)}/devices/${encodeURIComponent(deviceId)}`;
}
