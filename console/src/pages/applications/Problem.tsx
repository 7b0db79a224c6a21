import { ApiError, ErrorAlert } from "./shell.ts";

/**
 * An error of a request, with a title that says what happened: permission denied and not
 * found are named as such (the message of the server follows).
 */
export function Problem({ error, what }: { error: unknown; what?: string }) {
  let title = what ? `Could not load ${what}` : "Something went wrong";
  if (error instanceof ApiError) {
    if (error.status === 403) title = "Permission denied";
    else if (error.status === 404) title = "Not found";
    else if (error.status === 401) title = "Signed out";
  }
  return <ErrorAlert error={error} title={title} />;
}

/** Whether the error is the server's "not found" (an absent optional resource). */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
