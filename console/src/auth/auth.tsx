import { Alert, Button, Center, Loader, Stack } from "@mantine/core";
import { createContext, type ReactNode, useContext, useEffect, useState } from "react";
import { api, errorMessage } from "../api/client";
import {
  beginLogin,
  completeLogin,
  consoleOrigin,
  logout as endSession,
  hasSession,
  scheduleRefresh,
} from "./session";

/** The signed-in user. */
export interface AuthUser {
  user_id: string;
  name?: string;
  admin: boolean;
}

export interface Auth {
  user: AuthUser;
  /** Reads the user again (after the user changed their name, for instance). */
  reload(): void;
  logout(): void;
}

const AuthContext = createContext<Auth | undefined>(undefined);

/** The signed-in user and logout; only inside {@link AuthGate}. */
export function useAuth(): Auth {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error("useAuth is used outside of AuthGate");
  return auth;
}

const callbackPath = "/console/oauth/callback";

/** Who the access token belongs to: `auth_info`, then the user's name and admin flag. */
async function fetchUser(): Promise<AuthUser> {
  const info = await api.get<{
    oauth_access_token?: { user_ids?: { user_id?: string } };
    is_admin?: boolean;
  }>("/auth_info");
  const userId = info.oauth_access_token?.user_ids?.user_id;
  if (!userId) throw new Error("The Console's sign-in is not a user's.");
  const user = await api.get<{ name?: string; admin?: boolean }>(
    `/users/${encodeURIComponent(userId)}`,
    { field_mask: ["name", "admin"] },
  );
  return {
    user_id: userId,
    ...(user.name ? { name: user.name } : {}),
    admin: user.admin === true || info.is_admin === true,
  };
}

type State =
  | { kind: "loading" }
  | { kind: "error"; error: unknown }
  | { kind: "ready"; user: AuthUser };

/**
 * Renders its children for a signed-in user only: completes a sign-in on the OAuth callback,
 * sends a visitor without a session to the OAuth server's sign-in page, and reads the user.
 */
export function AuthGate({ children }: { children: ReactNode }) {
  const [state, setState] = useState<State>({ kind: "loading" });
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let cancelled = false;
    void generation;
    (async () => {
      // The OAuth client's redirect URI is on the issuer's origin, and the sign-in's state
      // lives in that origin's sessionStorage: the Console is used from there.
      if (window.location.origin !== consoleOrigin()) {
        const { pathname, search, hash } = window.location;
        window.location.replace(`${consoleOrigin()}${pathname}${search}${hash}`);
        return;
      }
      if (window.location.pathname === callbackPath) {
        const returnTo = await completeLogin(window.location.search);
        window.history.replaceState(null, "", `/console${returnTo === "/" ? "/" : returnTo}`);
      } else if (!hasSession()) {
        const { pathname, search, hash } = window.location;
        await beginLogin(`${pathname.replace(/^\/console/, "") || "/"}${search}${hash}`);
      }
      scheduleRefresh();
      const user = await fetchUser();
      if (!cancelled) setState({ kind: "ready", user });
    })().catch((error: unknown) => {
      if (!cancelled) setState({ kind: "error", error });
    });
    return () => {
      cancelled = true;
    };
  }, [generation]);

  if (state.kind === "loading") {
    return (
      <Center h="100vh">
        <Loader aria-label="Signing in" />
      </Center>
    );
  }
  if (state.kind === "error") {
    return (
      <Center h="100vh" p="md">
        <Stack maw={480}>
          <Alert color="red" title="Cannot sign in">
            {errorMessage(state.error)}
          </Alert>
          <Button onClick={() => void beginLogin("/")}>Sign in again</Button>
        </Stack>
      </Center>
    );
  }
  const auth: Auth = {
    user: state.user,
    reload: () => {
      fetchUser()
        .then((user) => setState({ kind: "ready", user }))
        .catch(() => setGeneration((value) => value + 1));
    },
    logout: () => void endSession(),
  };
  return <AuthContext.Provider value={auth}>{children}</AuthContext.Provider>;
}
