import { Tabs } from "@mantine/core";
import type { ReactNode } from "react";
import { useNavigate, useParams } from "react-router";

export interface RouteTab {
  value: string;
  label: string;
}

/**
 * Tabs whose choice is the address: the first tab at `base`, the others at `base/<value>` (the
 * route's `*` segment), so a tab can be linked to and the back button works. The children are
 * the `Tabs.Panel`s; a panel is mounted only while its tab is shown.
 */
export function RouteTabs({
  base,
  tabs,
  children,
}: {
  base: string;
  tabs: readonly RouteTab[];
  children: ReactNode;
}) {
  const segment = (useParams()["*"] ?? "").split("/")[0] ?? "";
  const navigate = useNavigate();
  const first = tabs[0]?.value ?? "";
  return (
    <Tabs
      value={tabs.some((tab) => tab.value === segment) ? segment : first}
      onChange={(value) => navigate(value && value !== first ? `${base}/${value}` : base)}
      keepMounted={false}
    >
      <Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Tab key={tab.value} value={tab.value}>
            {tab.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
      {children}
    </Tabs>
  );
}
