import {
  clone,
  create,
  type DescField,
  type DescMessage,
  type MessageShape,
} from "@bufbuild/protobuf";
import { type ReflectMessage, reflect } from "@bufbuild/protobuf/reflect";
import { errInvalidFieldMaskPath } from "./errors.ts";

/**
 * Field masks over any protobuf message, by reflection over its descriptor: paths are the
 * proto field names joined by dots (`session.keys.app_s_key`), as in The Things Stack's
 * `field_mask`. A path may go into singular message fields only; a path ending on a list, map
 * or message takes that field whole.
 */

/** The fields a mask selects: `true` for a whole field, a nested mask for a message field. */
type MaskTree = Map<DescField, MaskTree | true>;

const fieldsByName = new WeakMap<DescMessage, Map<string, DescField>>();
// Masks repeat (each API call and registry uses a handful), so each schema keeps its parsed
// ones; the cache is emptied when it grows past a bound that only unusual callers reach.
const treeCache = new WeakMap<DescMessage, Map<string, MaskTree>>();
const TREE_CACHE_LIMIT = 512;

function fieldNamed(schema: DescMessage, name: string): DescField | undefined {
  let byName = fieldsByName.get(schema);
  if (!byName) {
    byName = new Map(schema.fields.map((field) => [field.name, field]));
    fieldsByName.set(schema, byName);
  }
  return byName.get(name);
}

/** Parses and checks `paths`: invalid_argument naming the first path that is not valid. */
function maskTree(schema: DescMessage, paths: readonly string[]): MaskTree {
  const cacheKey = JSON.stringify(paths);
  let cache = treeCache.get(schema);
  const cached = cache?.get(cacheKey);
  if (cached) return cached;
  const root: MaskTree = new Map();
  for (const path of paths) addPath(schema, root, path);
  if (!cache) {
    cache = new Map();
    treeCache.set(schema, cache);
  }
  if (cache.size >= TREE_CACHE_LIMIT) cache.clear();
  cache.set(cacheKey, root);
  return root;
}

function addPath(schema: DescMessage, root: MaskTree, path: string): void {
  const invalid = (reason: string) =>
    errInvalidFieldMaskPath.create({ path, message: schema.typeName, reason });
  const fields: DescField[] = [];
  let message: DescMessage | undefined = schema;
  for (const name of path.split(".")) {
    if (!message) {
      const parent = fields[fields.length - 1] as DescField;
      throw invalid(`${parent.name} is a ${parent.fieldKind} field, not a message`);
    }
    const field = fieldNamed(message, name);
    if (!field) throw invalid(`${message.typeName} has no field ${JSON.stringify(name)}`);
    fields.push(field);
    message = field.fieldKind === "message" ? field.message : undefined;
  }
  let tree = root;
  for (const [index, field] of fields.entries()) {
    const existing = tree.get(field);
    // A whole field covers any path into it.
    if (index === fields.length - 1) tree.set(field, true);
    if (existing === true || index === fields.length - 1) return;
    let next = existing;
    if (!next) {
      next = new Map();
      tree.set(field, next);
    }
    tree = next;
  }
}

/**
 * Copies the selected fields of `source` into `target`: a selected field unset in `source` is
 * cleared in `target`. `source` must not be used afterwards (its values are moved, not copied).
 */
function copyFields(tree: MaskTree, target: ReflectMessage, source: ReflectMessage): void {
  for (const [field, nested] of tree) {
    if (nested === true) {
      if (source.isSet(field)) target.set(field, source.get(field));
      else target.clear(field);
      continue;
    }
    // Only singular message fields have nested masks (see addPath).
    if (field.fieldKind !== "message") continue;
    const sourceSet = source.isSet(field);
    if (!sourceSet && !target.isSet(field)) continue;
    if (!target.isSet(field)) target.set(field, reflect(field.message, create(field.message)));
    copyFields(nested, target.get(field), source.get(field));
  }
}

/** Throws invalid_argument naming the first path of `paths` that is not a path of `schema`. */
export function checkFieldMask(schema: DescMessage, paths: readonly string[]): void {
  maskTree(schema, paths);
}

/**
 * A new message with only the fields of `message` that `paths` select (deep copies; `message`
 * is not changed). Intermediate messages are created only where `message` has them.
 */
export function applyFieldMask<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  paths: readonly string[],
): MessageShape<Desc> {
  const tree = maskTree(schema, paths);
  const result = create(schema);
  copyFields(tree, reflect(schema, result), reflect(schema, clone(schema, message)));
  return result;
}

/**
 * Sets the fields of `target` that `paths` select to their values in `source` (deep copies);
 * a selected field that is unset in `source` is cleared in `target`, as an update with a field
 * mask does. Changes `target` in place and returns it; `source` is not changed.
 */
export function mergeFieldMask<Desc extends DescMessage>(
  schema: Desc,
  target: MessageShape<Desc>,
  source: MessageShape<Desc>,
  paths: readonly string[],
): MessageShape<Desc> {
  const tree = maskTree(schema, paths);
  copyFields(tree, reflect(schema, target), reflect(schema, clone(schema, source)));
  return target;
}
