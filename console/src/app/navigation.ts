import type { ComponentType } from "react";
import type { RouteObject } from "react-router";

/** A sidebar entry of an area (a page route module's `navigation`). */
export interface NavigationItem {
  label: string;
  /** The Console path, such as `/applications`. */
  to: string;
  /** A Tabler icon component, such as `IconApps`. */
  icon: ComponentType<{ size?: number | string; stroke?: number | string }>;
  /** Shown to administrators only. */
  adminOnly?: boolean;
}

/** What each `console/src/pages/<area>/routes.tsx` exports. */
export interface AreaModule {
  routes: RouteObject[];
  navigation: NavigationItem[];
}
