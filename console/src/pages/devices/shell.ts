/**
 * What the End devices pages take from the Console's shell (the contract in
 * console-contract.md), imported in one place.
 */
export { ApiError, api, errorMessage } from "../../api/client.ts";
export { usePaged, useRequest } from "../../api/hooks.ts";
export { useSearchedList } from "../../api/searched-list.ts";
export { useAction } from "../../api/use-action.ts";
export {
  ConfirmButton,
  CopyValue,
  DateTime,
  EmptyState,
  ErrorAlert,
  EventsView,
  JsonView,
  PageHeader,
} from "../../components/index.ts";
