import { IconShieldLock } from "@tabler/icons-react";
import { lazy } from "react";
import type { RouteObject } from "react-router";

const UsersList = lazy(() => import("./UsersList").then((m) => ({ default: m.UsersList })));
const AddUser = lazy(() => import("./AddUser").then((m) => ({ default: m.AddUser })));
const UserEdit = lazy(() => import("./UserEdit").then((m) => ({ default: m.UserEdit })));

/** The admin pages (the shell shows them to admins only; the API refuses others anyway). */
export const routes: RouteObject[] = [
  { path: "admin/users", element: <UsersList /> },
  { path: "admin/users/add", element: <AddUser /> },
  { path: "admin/users/:userId", element: <UserEdit /> },
];

export const navigation = [
  { label: "Users", to: "/admin/users", icon: IconShieldLock, adminOnly: true },
];
