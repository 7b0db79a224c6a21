import { Loader, NativeSelect, ScrollArea, Stack, Tabs } from "@mantine/core";
import { Suspense } from "react";
import { Outlet, useLocation, useNavigate, useParams } from "react-router";
import { type ApplicationContext, applicationPage, applicationPath } from "./context.ts";
import { Problem } from "./Problem.tsx";
import { PageHeader, useRequest } from "./shell.ts";
import type { Application } from "./types.ts";

/** The application page's tabs: [path below the application ("overview": none), label]. */
export const tabs = [
  ["overview", "Overview"],
  ["devices", "End devices"],
  ["live-data", "Live data"],
  ["payload-formatters", "Payload formatters"],
  ["integrations", "Integrations"],
  ["collaborators", "Collaborators"],
  ["api-keys", "API keys"],
  ["general-settings", "General settings"],
] as const;

/** The tab a Console path below the application belongs to. */
export function tabOf(pathname: string, appId: string): string {
  const marker = `/applications/${encodeURIComponent(appId)}`;
  const at = pathname.indexOf(marker);
  if (at < 0) return "overview";
  const first = pathname.slice(at + marker.length).split("/")[1] ?? "";
  return tabs.some(([path]) => path === first) ? first : "overview";
}

/** One application: its header, tabs and the chosen tab. */
export function ApplicationLayout() {
  const appId = useParams().appId ?? "";
  const location = useLocation();
  const navigate = useNavigate();
  const request = useRequest<Application>(applicationPath(appId), {
    field_mask: "name,description,attributes,created_at,updated_at",
  });
  const current = tabOf(location.pathname, appId);
  const application = request.data;
  const go = (tab: string) => navigate(applicationPage(appId, tab === "overview" ? "" : tab));

  return (
    <Stack>
      <PageHeader
        title={application?.name || appId}
        description={application?.name ? appId : undefined}
        breadcrumbs={[
          { label: "Applications", to: "/applications" },
          { label: appId, to: applicationPage(appId) },
        ]}
      />
      {request.error ? (
        <Problem error={request.error} what="the application" />
      ) : !application ? (
        <Loader aria-label="Loading the application" />
      ) : (
        <>
          <NativeSelect
            hiddenFrom="sm"
            label="Section"
            value={current}
            onChange={(event) => go(event.currentTarget.value)}
            data={tabs.map(([value, label]) => ({ value, label }))}
          />
          <ScrollArea type="auto" scrollbarSize={4} offsetScrollbars={false} visibleFrom="sm">
            <Tabs
              value={current}
              onChange={(value) => go(value ?? "overview")}
              activateTabWithKeyboard={false}
            >
              <Tabs.List style={{ flexWrap: "nowrap" }}>
                {tabs.map(([path, label]) => (
                  <Tabs.Tab key={path} value={path}>
                    {label}
                  </Tabs.Tab>
                ))}
              </Tabs.List>
            </Tabs>
          </ScrollArea>
          <Suspense fallback={<Loader aria-label="Loading" />}>
            <Outlet
              context={{ appId, application, reload: request.reload } satisfies ApplicationContext}
            />
          </Suspense>
        </>
      )}
    </Stack>
  );
}
