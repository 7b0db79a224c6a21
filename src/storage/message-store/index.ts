export {
  errIndexValueTaken,
  errInvalidFieldMaskPath,
  errInvalidKey,
  errKeyChanged,
  errKeyTaken,
  errNotFound,
  errUnknownIndex,
} from "./errors.ts";
export { applyFieldMask, checkFieldMask, mergeFieldMask } from "./field-mask.ts";
export {
  type MessageIndex,
  type MessageKey,
  type MessageTableSpec,
  messageTableMigration,
} from "./spec.ts";
export {
  type ListOptions,
  type MessageChange,
  MessageStore,
  type Page,
  type ReadOptions,
  type RowScanOptions,
  type ScanOptions,
  type StoredRow,
} from "./store.ts";
export { timestampFieldMs, visitLengthDelimitedField } from "./wire-fields.ts";
