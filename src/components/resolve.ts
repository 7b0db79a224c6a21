import type { ComponentDefinition } from "./component.ts";
import { errComponentNotBuilt, errUnknownComponent } from "./errors.ts";

/**
 * The components to start for the names given on the command line, in catalog order and
 * without duplicates. No names means every component that is built. An unknown name, or one
 * that is not built yet, is a typed error naming it.
 */
export function resolveComponents(
  names: readonly string[],
  catalog: readonly ComponentDefinition[],
): ComponentDefinition[] {
  if (names.length === 0) return catalog.filter((definition) => definition.create !== undefined);
  const wanted = new Set<ComponentDefinition>();
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    const definition = catalog.find((entry) => entry.name === name || entry.aliases.includes(name));
    if (!definition) {
      throw errUnknownComponent.create({
        name: raw,
        known: catalog.map((entry) => entry.name).join(", "),
      });
    }
    if (!definition.create)
      throw errComponentNotBuilt.create({ name: definition.name, title: definition.title });
    wanted.add(definition);
  }
  return catalog.filter((definition) => wanted.has(definition));
}
