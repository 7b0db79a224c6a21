import type { DescField, DescMessage, DescMethod, Message } from "@bufbuild/protobuf";
import { reflect } from "@bufbuild/protobuf/reflect";
import type { FieldMask } from "@bufbuild/protobuf/wkt";
import type { Interceptor } from "@connectrpc/connect";
import { errorNamespace } from "../errors/index.ts";

const errors = errorNamespace("api");

/** A field mask path that is not a field path of the message the mask applies to. */
export const errInvalidFieldPath = errors.invalidArgument(
  "invalid_field_path",
  "invalid `{field}`: `{path}` is not a field of {message}",
);

const byName = new WeakMap<DescMessage, Map<string, DescField | DescField[]>>();

/** A message's fields and oneofs by proto name (a oneof stands for its fields). */
function members(desc: DescMessage): Map<string, DescField | DescField[]> {
  let map = byName.get(desc);
  if (map === undefined) {
    map = new Map<string, DescField | DescField[]>();
    for (const field of desc.fields) map.set(field.name, field);
    for (const oneof of desc.oneofs) if (!map.has(oneof.name)) map.set(oneof.name, oneof.fields);
    byName.set(desc, map);
  }
  return map;
}

/**
 * Whether `path` is a field path of `desc` as The Things Stack writes them: proto field names
 * joined by dots, going into singular message fields only (`ids.dev_eui`,
 * `mac_settings.rx1_delay`); a oneof's name may stand before one of its fields
 * (`mac_settings.adr.mode.dynamic.margin`). Names are looked up among the message's own
 * fields, never among a JavaScript object's inherited properties (`__proto__`, `toString`).
 */
export function isFieldPath(desc: DescMessage, path: string): boolean {
  let message: DescMessage | undefined = desc;
  let oneof: DescField[] | undefined;
  for (const name of path.split(".")) {
    if (oneof) {
      const field = oneof.find((candidate) => candidate.name === name);
      if (!field) return false;
      oneof = undefined;
      message = field.fieldKind === "message" ? field.message : undefined;
      continue;
    }
    if (!message) return false;
    const member = members(message).get(name);
    if (member === undefined) return false;
    if (Array.isArray(member)) {
      oneof = member;
      continue;
    }
    message = member.fieldKind === "message" ? member.message : undefined;
  }
  return true;
}

/**
 * The message the field masks of a request name paths of: the method's output (`Get`,
 * `Update`), or the element of its one repeated message field (`List` answers `Applications`,
 * whose paths are those of `Application`) or the value of its one map of messages.
 */
export function maskTarget(method: DescMethod): DescMessage {
  const output = method.output;
  const [only] = output.fields;
  if (output.fields.length === 1 && only?.fieldKind === "list" && only.listKind === "message")
    return only.message;
  // A batch answer by key (`BatchGetGatewayConnectionStats` answers `entries` by gateway ID).
  if (output.fields.length === 1 && only?.fieldKind === "map" && only.mapKind === "message")
    return only.message;
  return output;
}

/**
 * Refuses a request whose field masks (its `google.protobuf.FieldMask` fields, `field_mask`)
 * name anything but field paths of {@link maskTarget}. This is the one generic check, for every
 * transport (REST, gRPC, gRPC-Web, Connect); a service may allow fewer paths still.
 */
export function checkFieldMasks(method: DescMethod, request: Message): void {
  const masks = maskFields(method.input);
  if (masks.length === 0) return;
  const target = maskTarget(method);
  const message = reflect(method.input, request);
  for (const field of masks) {
    if (!message.isSet(field)) continue;
    const paths = (message.get(field) as unknown as { message: FieldMask }).message.paths;
    paths.forEach((path, index) => {
      if (!isFieldPath(target, path))
        throw errInvalidFieldPath.create({
          field: `${field.name}.paths[${index}]`,
          path,
          message: target.typeName,
        });
    });
  }
}

const masksOf = new WeakMap<DescMessage, DescField[]>();

function maskFields(input: DescMessage): DescField[] {
  let fields = masksOf.get(input);
  if (fields === undefined) {
    fields = input.fields.filter(
      (field) =>
        field.fieldKind === "message" && field.message.typeName === "google.protobuf.FieldMask",
    );
    masksOf.set(input, fields);
  }
  return fields;
}

/** {@link checkFieldMasks} for the unary calls of Connect routes (gRPC, gRPC-Web, Connect). */
export function fieldMaskInterceptor(): Interceptor {
  return (next) => async (request) => {
    if (!request.stream) checkFieldMasks(request.method, request.message);
    return next(request);
  };
}
