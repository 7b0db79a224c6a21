import { Alert, Checkbox, Fieldset, Loader, SimpleGrid, Stack, Switch, Text } from "@mantine/core";
import { useRequest } from "../../api/hooks.ts";
import { ErrorAlert } from "../ErrorAlert.tsx";
import { type EntityRef, entityPath, kindNoun } from "./entity.ts";
import { groupRights, isPseudoRight, pseudoRightsFor, rightNames } from "./rights.ts";

export type RightsPickerProps = {
  entity: EntityRef;
  value: string[];
  onChange: (rights: string[]) => void;
  /** A validation message shown under the picker. */
  error?: string | undefined;
};

/**
 * Picks rights to grant on an entity. The options are the caller's own rights there
 * (`GET /<kind>/<id>/rights`): nobody can grant more than they hold. "All current and future
 * rights" grants the kind's pseudo-rights (`RIGHT_GATEWAY_ALL`, ...) instead of a list.
 */
export function RightsPicker({ entity, value, onChange, error }: RightsPickerProps) {
  const held = useRequest<{ rights?: unknown }>(`${entityPath(entity)}/rights`);
  if (held.loading && !held.data) return <Loader size="sm" aria-label="Loading rights" />;
  if (held.error) return <ErrorAlert error={held.error} title="Could not load your rights" />;
  const rights = rightNames(held.data?.rights);
  const groups = groupRights(rights, entity.kind);
  const pseudo = pseudoRightsFor(rights, entity.kind);
  const all = pseudo.length > 0 && pseudo.every((name) => value.includes(name));
  const individual = value.filter((name) => !isPseudoRight(name));

  return (
    <Stack gap="sm">
      <Switch
        label="Grant all current and future rights"
        description={
          pseudo.length > 0
            ? `Includes rights added to ${kindNoun(entity.kind)}s in the future`
            : "You do not hold all rights here, so you can only grant individual rights"
        }
        disabled={pseudo.length === 0}
        checked={all}
        onChange={(event) => onChange(event.currentTarget.checked ? pseudo : individual)}
      />
      {!all &&
        groups.map((group) => (
          <Fieldset key={group.kind} legend={group.label} variant="filled">
            <Checkbox.Group
              aria-label={group.label}
              value={individual.filter((name) => group.rights.some((r) => r.name === name))}
              onChange={(checked) =>
                onChange([
                  ...individual.filter((name) => !group.rights.some((r) => r.name === name)),
                  ...checked,
                ])
              }
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing="xs">
                {group.rights.map((right) => (
                  <Checkbox key={right.name} value={right.name} label={right.label} />
                ))}
              </SimpleGrid>
            </Checkbox.Group>
          </Fieldset>
        ))}
      {!all && groups.length === 0 && (
        <Alert color="yellow" title="No rights to grant">
          You hold no rights on this {kindNoun(entity.kind)} that you could grant.
        </Alert>
      )}
      {error && (
        <Text c="red" size="sm" role="alert">
          {error}
        </Text>
      )}
    </Stack>
  );
}
