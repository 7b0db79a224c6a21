import type { z } from "zod";

/** Prints a secret value, e.g. a URI without its password. */
export type Redactor = (value: string) => unknown;

/**
 * A part of the configuration, declared beside the code that reads it (a component's
 * `config.ts`, the shared sections in `schema.ts`): top-level keys with their schemas, and
 * which of its leaves are secret. The program's root schema is composed from every part.
 */
export interface ConfigSection<Shape extends z.core.$ZodShape = z.core.$ZodShape> {
  /** Top-level keys, each with its schema (usually a `strictObject(...).prefault({})`). */
  readonly shape: Shape;
  /** Dotted paths of secret leaves, with how to print them. */
  readonly secrets?: Readonly<Record<string, Redactor>>;
}

/** The validated values of a section: what a component receives as its `section`. */
export type SectionValues<Section extends ConfigSection> = z.output<
  z.ZodObject<Section["shape"], z.core.$strict>
>;

/**
 * The values of `section` out of a validated configuration. The root schema includes every
 * section, so the keys are there once the configuration has loaded.
 */
export function readSection<Section extends ConfigSection>(
  section: Section,
  config: object,
): SectionValues<Section> {
  const values = config as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(section.shape).map((key) => [key, values[key]]),
  ) as SectionValues<Section>;
}
