import { type ErrorCode, errorCodes } from "./codes.ts";

/** Attribute values that an error message may name. */
export type ErrorAttributes = Record<string, unknown>;

/** Every defined error, by `namespace:name`, so that no two definitions share an identity. */
const registry = new Map<string, ErrorDefinition>();

/**
 * A registered kind of error: a stable namespace and name, a code and a message format whose
 * `{attribute}` placeholders are filled from the attributes given when the error is created.
 */
export class ErrorDefinition {
  readonly namespace: string;
  readonly name: string;
  readonly code: ErrorCode;
  readonly messageFormat: string;
  /** The HTTP status, when it is not the one of the code (e.g. 413 for an oversize body). */
  readonly httpStatus: number;

  constructor(
    namespace: string,
    name: string,
    code: ErrorCode,
    messageFormat: string,
    options: DefinitionOptions = {},
  ) {
    this.namespace = namespace;
    this.name = name;
    this.code = code;
    this.messageFormat = messageFormat;
    this.httpStatus = options.httpStatus ?? errorCodes[code].http;
  }

  /** Creates an error of this definition; `cause` is kept for logs, never shown to callers. */
  create(attributes: ErrorAttributes = {}, cause?: unknown): DefinedError {
    return new DefinedError(this, attributes, cause);
  }

  /** Whether `error` is an error of this definition. */
  matches(error: unknown): error is DefinedError {
    return error instanceof DefinedError && error.definition === this;
  }
}

/** An error created from an {@link ErrorDefinition}. */
export class DefinedError extends Error {
  readonly definition: ErrorDefinition;
  readonly attributes: ErrorAttributes;

  constructor(definition: ErrorDefinition, attributes: ErrorAttributes, cause?: unknown) {
    super(
      formatMessage(definition.messageFormat, attributes),
      cause === undefined ? undefined : { cause },
    );
    this.name = `${definition.namespace}:${definition.name}`;
    this.definition = definition;
    this.attributes = attributes;
  }

  get code(): ErrorCode {
    return this.definition.code;
  }

  get grpcStatus(): number {
    return errorCodes[this.definition.code].grpc;
  }

  get httpStatus(): number {
    return this.definition.httpStatus;
  }
}

/** Fills `{name}` placeholders; a placeholder without an attribute is left as it is. */
export function formatMessage(format: string, attributes: ErrorAttributes): string {
  return format.replace(/\{([a-z0-9_]+)\}/gi, (whole, key: string) =>
    key in attributes ? formatValue(attributes[key]) : whole,
  );
}

function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex").toUpperCase();
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

/** Options of a definition that departs from its code's defaults. */
export interface DefinitionOptions {
  httpStatus?: number;
}

type Definer = (
  name: string,
  messageFormat: string,
  options?: DefinitionOptions,
) => ErrorDefinition;

/** The definers of one namespace: `errorNamespace("lorawan/codec").invalidArgument(...)`. */
export type NamespaceDefiners = { readonly [K in DefinerName]: Definer };

type DefinerName =
  | "cancelled"
  | "unknown"
  | "invalidArgument"
  | "deadlineExceeded"
  | "notFound"
  | "alreadyExists"
  | "permissionDenied"
  | "resourceExhausted"
  | "failedPrecondition"
  | "aborted"
  | "outOfRange"
  | "unimplemented"
  | "internal"
  | "unavailable"
  | "dataLoss"
  | "unauthenticated";

const definerCodes: Record<DefinerName, ErrorCode> = {
  cancelled: "cancelled",
  unknown: "unknown",
  invalidArgument: "invalid_argument",
  deadlineExceeded: "deadline_exceeded",
  notFound: "not_found",
  alreadyExists: "already_exists",
  permissionDenied: "permission_denied",
  resourceExhausted: "resource_exhausted",
  failedPrecondition: "failed_precondition",
  aborted: "aborted",
  outOfRange: "out_of_range",
  unimplemented: "unimplemented",
  internal: "internal",
  unavailable: "unavailable",
  dataLoss: "data_loss",
  unauthenticated: "unauthenticated",
};

/**
 * Returns the definers for one namespace (a module path such as `lorawan/codec` or `config`).
 * Defining the same namespace and name twice throws: error identities are stable and unique.
 */
export function errorNamespace(namespace: string): NamespaceDefiners {
  const definers = {} as Record<DefinerName, Definer>;
  for (const [definerName, code] of Object.entries(definerCodes) as [DefinerName, ErrorCode][]) {
    definers[definerName] = (name, messageFormat, options) => {
      const key = `${namespace}:${name}`;
      if (registry.has(key)) throw new Error(`error ${key} is defined twice`);
      const definition = new ErrorDefinition(namespace, name, code, messageFormat, options);
      registry.set(key, definition);
      return definition;
    };
  }
  return definers;
}

/**
 * The registered definition of `namespace:name`, if this process defines it: how an error
 * that crossed processes becomes the same definition again.
 */
export function findErrorDefinition(namespace: string, name: string): ErrorDefinition | undefined {
  return registry.get(`${namespace}:${name}`);
}

/** All error definitions registered so far (for documentation and tests). */
export function registeredErrors(): ErrorDefinition[] {
  return [...registry.values()];
}
