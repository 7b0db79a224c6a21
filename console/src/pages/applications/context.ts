import { useOutletContext } from "react-router";
import type { Application } from "./types.ts";

/** What the application page gives its tabs. */
export interface ApplicationContext {
  appId: string;
  application: Application;
  /** Reads the application again (after General settings changed it). */
  reload(): void;
}

export function useApplication(): ApplicationContext {
  return useOutletContext<ApplicationContext>();
}

/** The REST path of the application in the Identity Server. */
export const applicationPath = (appId: string) => `/applications/${encodeURIComponent(appId)}`;

/** The Console path of the application page (router paths are relative to /console). */
export const applicationPage = (appId: string, tab = "") =>
  `/applications/${encodeURIComponent(appId)}${tab ? `/${tab}` : ""}`;
