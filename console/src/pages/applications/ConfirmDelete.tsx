import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { ErrorAlert } from "./shell.ts";
import { monoInput } from "./styles.ts";

export interface ConfirmDeleteProps {
  /** "Delete webhook": the title and the confirming button's name. */
  action: string;
  opened: boolean;
  onClose(): void;
  onConfirm(): Promise<void>;
  children: ReactNode;
  /** When set, the user types this (an ID) before the button is enabled. */
  typeToConfirm?: string;
}

/** A confirmation before something is deleted; the server's error stays in the dialog. */
export function ConfirmDelete(props: ConfirmDeleteProps) {
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const ready = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  const close = () => {
    setTyped("");
    setError(undefined);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={close} title={props.action} centered>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          if (!ready) return;
          setBusy(true);
          setError(undefined);
          try {
            await props.onConfirm();
            setTyped("");
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        <Stack>
          <Text size="sm">{props.children}</Text>
          {props.typeToConfirm !== undefined ? (
            <TextInput
              label={`Type ${props.typeToConfirm} to confirm`}
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              styles={monoInput}
              autoComplete="off"
              data-autofocus
            />
          ) : null}
          {error ? <ErrorAlert error={error} title="Could not delete" /> : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" loading={busy} disabled={!ready}>
              {props.action}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
