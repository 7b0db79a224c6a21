/** Console paths of the End devices pages (below `/console`). */

const segment = encodeURIComponent;

/** The application's End devices tab (the list). */
export function devicesPage(appId: string): string {
  return `/applications/${segment(appId)}/devices`;
}

export function registerPage(appId: string): string {
  return `${devicesPage(appId)}/add`;
}

export function importPage(appId: string): string {
  return `${devicesPage(appId)}/import`;
}

/** One device's page, on a tab ("" is the overview). */
export function devicePage(appId: string, deviceId: string, tab = ""): string {
  return `${devicesPage(appId)}/${segment(deviceId)}${tab ? `/${tab}` : ""}`;
}
