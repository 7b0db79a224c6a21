export { type Auth, AuthGate, type AuthUser, useAuth } from "./auth";
export { logout } from "./session";
