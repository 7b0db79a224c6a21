/**
 * What the Applications pages take from the Console's shell (the contract in
 * console-contract.md), imported in one place.
 */
export {
  ApiError,
  api,
  apiFetch,
  apiUrl,
  errorFromResponse,
  errorMessage,
} from "../../api/client.ts";
export { usePaged, useRequest } from "../../api/hooks.ts";
export { useSearchedList } from "../../api/searched-list.ts";
export { useAction } from "../../api/use-action.ts";
export { useAuth } from "../../auth/index.ts";
export {
  ConfirmButton,
  CopyValue,
  DateTime,
  EmptyState,
  ErrorAlert,
  EventsView,
  JsonView,
  PageHeader,
  StatusDot,
} from "../../components/index.ts";
