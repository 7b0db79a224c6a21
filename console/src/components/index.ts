export { ConfirmButton, ConfirmDialog } from "./ConfirmAction";
export { CopyValue } from "./CopyValue";
export { DateTime, relativeTime } from "./DateTime";
export { EmptyState } from "./EmptyState";
export { ErrorAlert } from "./ErrorAlert";
export { EventsView } from "./EventsView";
export { JsonView } from "./JsonView";
export { type Crumb, PageHeader } from "./PageHeader";
export { StatusDot } from "./StatusDot";
