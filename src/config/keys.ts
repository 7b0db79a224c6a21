import type { z } from "zod";

/** One leaf of the configuration: its dotted path and how environment and flags name it. */
export interface ConfigKey {
  /** Dotted path, e.g. `http.listen_tls`. */
  path: string;
  /** Environment variable, e.g. `LORASTACK_HTTP_LISTEN_TLS`. */
  env: string;
  /** Command-line flag, e.g. `--http.listen-tls`. */
  flag: string;
  description: string;
  /** The default value as it would be written in a file. */
  defaultValue: unknown;
}

export const envPrefix = "LORASTACK_";

type AnySchema = z.ZodType & { def: { type: string; innerType?: AnySchema; in?: AnySchema } };

/** Unwraps defaults, prefaults and refinements down to an object schema, if there is one. */
function objectShape(schema: AnySchema): Record<string, AnySchema> | undefined {
  let current: AnySchema | undefined = schema;
  while (current) {
    if (current.def.type === "object")
      return (current as unknown as { shape: Record<string, AnySchema> }).shape;
    current = current.def.innerType ?? current.def.in;
  }
  return undefined;
}

function collect(
  shape: Record<string, AnySchema>,
  prefix: string[],
  defaults: Record<string, unknown>,
): ConfigKey[] {
  const keys: ConfigKey[] = [];
  for (const [name, schema] of Object.entries(shape)) {
    const path = [...prefix, name];
    const inner = objectShape(schema);
    if (inner) {
      keys.push(...collect(inner, path, (defaults[name] ?? {}) as Record<string, unknown>));
      continue;
    }
    keys.push({
      path: path.join("."),
      env: envPrefix + path.join("_").toUpperCase(),
      flag: `--${path.map((part) => part.replaceAll("_", "-")).join(".")}`,
      description: schema.description ?? "",
      defaultValue: defaults[name],
    });
  }
  return keys;
}

/** Every leaf key of `schema`, in schema order, with its default. */
export function collectConfigKeys(schema: z.ZodType): ConfigKey[] {
  return collect(
    objectShape(schema as unknown as AnySchema) ?? {},
    [],
    schema.parse({}) as Record<string, unknown>,
  );
}
