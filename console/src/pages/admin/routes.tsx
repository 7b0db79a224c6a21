import { IconShieldLock } from "@tabler/icons-react";
import type { RouteObject } from "react-router";
import type { NavigationItem } from "../../app/navigation";

/** The admin pages (the sidebar shows them to admins only; the API refuses others anyway). */
export const routes: RouteObject[] = [
  {
    path: "admin/users",
    lazy: async () => ({ Component: (await import("./UsersList")).UsersList }),
  },
  {
    path: "admin/users/add",
    lazy: async () => ({ Component: (await import("./AddUser")).AddUser }),
  },
  {
    path: "admin/users/:userId",
    lazy: async () => ({ Component: (await import("./UserEdit")).UserEdit }),
  },
];

export const navigation: NavigationItem[] = [
  { label: "Users", to: "/admin/users", icon: IconShieldLock, adminOnly: true },
];
