export { errInsufficientRights, errUnknownRight } from "./errors.ts";
export {
  adminRights,
  allRights,
  expandRights,
  impliedRights,
  intersectRights,
  isRightName,
  isSubset,
  missingRights,
  parseRight,
  parseRights,
  potentialRights,
  requireRights,
  rightByNumber,
  rightDefinition,
  rightsOfKind,
  sortRights,
} from "./rights.ts";
export {
  type EntityKind,
  type RightDefinition,
  type RightKind,
  type RightName,
  type RightRow,
  rightDefinitions,
  rightsTable,
} from "./table.ts";
