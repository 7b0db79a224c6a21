import { Button, type ButtonProps, Group, Modal, Stack, Text } from "@mantine/core";
import { useState } from "react";
import { errorMessage } from "../../api/client.ts";

export type ConfirmButtonProps = ButtonProps & {
  /** The button's (and the dialog's confirm button's) accessible name. */
  label: string;
  /** The dialog title. */
  title: string;
  /** What will happen, in a sentence. */
  message: React.ReactNode;
  /** The action; its error is shown in the dialog, which stays open. */
  onConfirm: () => Promise<void>;
};

/** A button that asks before a destructive action and shows the action's error if it fails. */
export function ConfirmButton({ label, title, message, onConfirm, ...button }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setOpen(false);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button color="red" variant="light" {...button} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} centered>
        <Stack>
          <Text size="sm">{message}</Text>
          {error && (
            <Text c="red" size="sm" role="alert">
              {error}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={confirm} data-autofocus>
              {label}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
