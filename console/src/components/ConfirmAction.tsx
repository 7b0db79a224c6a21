import { Button, type ButtonProps, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { type ReactNode, useState } from "react";
import { useAction } from "../api/use-action";
import { ErrorAlert } from "./ErrorAlert";

/** Monospace for the typed ID only (the label keeps the UI font). */
const monoInput = { input: { fontFamily: "var(--mantine-font-family-monospace)" } };

export interface ConfirmDialogProps {
  opened: boolean;
  onClose(): void;
  /** The dialog's title. */
  title: string;
  /** The confirming button's accessible name ("Delete webhook"). */
  action: string;
  /** What will happen, in a sentence or two. */
  message: ReactNode;
  /** The action. On success the dialog closes; its error is shown in the dialog, which stays open. */
  onConfirm(): Promise<void>;
  /** When set, the user types this (an ID) before the confirming button is enabled. */
  typeToConfirm?: string;
  /** The typed field's label; by default "Type <ID> to confirm". */
  typeLabel?: string;
  /** The error's title; by default "Could not <action>". */
  errorTitle?: string;
}

/** A confirmation before something destructive: optional type-the-ID, the server's error inline. */
export function ConfirmDialog(props: ConfirmDialogProps) {
  const [typed, setTyped] = useState("");
  const action = useAction();
  const ready = props.typeToConfirm === undefined || typed === props.typeToConfirm;
  const close = () => {
    setTyped("");
    action.reset();
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={close} title={props.title} centered>
      <form
        onSubmit={async (event) => {
          event.preventDefault();
          // The dialog is portalled, but React still bubbles its submit to an enclosing form.
          event.stopPropagation();
          if (!ready || action.busy) return;
          if (await action.run(props.onConfirm)) close();
        }}
      >
        <Stack>
          <Text size="sm">{props.message}</Text>
          {props.typeToConfirm !== undefined ? (
            <TextInput
              label={props.typeLabel ?? `Type ${props.typeToConfirm} to confirm`}
              value={typed}
              onChange={(event) => setTyped(event.currentTarget.value)}
              styles={monoInput}
              autoComplete="off"
              data-autofocus
            />
          ) : null}
          <ErrorAlert
            error={action.error}
            title={props.errorTitle ?? `Could not ${lowerFirst(props.action)}`}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button
              type="submit"
              color="red"
              loading={action.busy}
              disabled={!ready}
              data-autofocus={props.typeToConfirm === undefined ? true : undefined}
            >
              {props.action}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

/** "Delete API key" → "delete API key". */
function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export type ConfirmButtonProps = ButtonProps &
  Pick<ConfirmDialogProps, "title" | "message" | "onConfirm" | "typeToConfirm" | "typeLabel"> & {
    /** The button's and the dialog's confirming button's accessible name. */
    label: string;
    /** The error's title in the dialog; by default "Could not <label>". */
    errorTitle?: string;
  };

/** A button that opens a {@link ConfirmDialog} for its action. */
export function ConfirmButton({
  label,
  title,
  message,
  onConfirm,
  typeToConfirm,
  typeLabel,
  errorTitle,
  ...button
}: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button color="red" variant="light" {...button} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <ConfirmDialog
        opened={open}
        onClose={() => setOpen(false)}
        title={title}
        action={label}
        message={message}
        onConfirm={onConfirm}
        typeToConfirm={typeToConfirm}
        typeLabel={typeLabel}
        errorTitle={errorTitle}
      />
    </>
  );
}
