/**
 * Parsing and building MAC command sequences, as carried in FOpts (at most 15 bytes, clear in
 * 1.0, encrypted with NwkSEncKey in 1.1: decrypt first) and in the FRMPayload of FPort 0
 * (decrypted). The parser only reads the table; it knows no command by itself.
 */
import type { DefinedError } from "../../errors/index.ts";
import {
  errCidMismatch,
  errInvalidInput,
  errProprietaryCommand,
  errTruncatedCommand,
  errUnknownCommand,
  errUnknownCommandName,
} from "./errors.ts";
import {
  isProprietaryCid,
  type MacCommand,
  type MacCommandEntry,
  type MacCommandFor,
  macCommandByName,
  macCommandCodec,
} from "./table.ts";
import type { AnyMacCommandCodec, MacDirection } from "./types.ts";

/** The outcome of a lenient parse: the commands before the first error, and that error. */
export interface MacCommandsPrefix<C extends MacCommand = MacCommand> {
  /** The commands decoded before the error (all of them when there is no error). */
  readonly commands: C[];
  /** How many bytes those commands took. */
  readonly consumed: number;
  /** Why parsing stopped early, or undefined when every byte was used. */
  readonly error: DefinedError | undefined;
}

/**
 * Decodes a whole MAC command sequence. Throws a `DefinedError` naming the CID and offset for an
 * unknown CID (`errUnknownCommand`), a proprietary CID (`errProprietaryCommand`) or a command cut
 * short (`errTruncatedCommand`); any input gives commands or such an error, never anything else.
 */
export function decodeMacCommands(bytes: Uint8Array, direction: "uplink"): UplinkCommands;
export function decodeMacCommands(bytes: Uint8Array, direction: "downlink"): DownlinkCommands;
export function decodeMacCommands(bytes: Uint8Array, direction: MacDirection): MacCommand[];
export function decodeMacCommands(bytes: Uint8Array, direction: MacDirection): MacCommand[] {
  const result = decodeMacCommandsLenient(bytes, direction);
  if (result.error !== undefined) throw result.error;
  return result.commands;
}

type UplinkCommands = MacCommandFor<"uplink">[];
type DownlinkCommands = MacCommandFor<"downlink">[];

/**
 * Decodes as far as the bytes are valid and returns those commands with the error that stopped
 * the parse. A network server uses this to act on the valid prefix of a frame whose tail holds a
 * command it does not know, as the specification asks it to ignore only what follows.
 */
export function decodeMacCommandsLenient(
  bytes: Uint8Array,
  direction: "uplink",
): MacCommandsPrefix<MacCommandFor<"uplink">>;
export function decodeMacCommandsLenient(
  bytes: Uint8Array,
  direction: "downlink",
): MacCommandsPrefix<MacCommandFor<"downlink">>;
export function decodeMacCommandsLenient(
  bytes: Uint8Array,
  direction: MacDirection,
): MacCommandsPrefix;
export function decodeMacCommandsLenient(
  bytes: Uint8Array,
  direction: MacDirection,
): MacCommandsPrefix {
  checkDirection(direction);
  if (!(bytes instanceof Uint8Array)) {
    throw errInvalidInput.create({ reason: "bytes must be a Uint8Array" });
  }
  const commands: MacCommand[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    const cid = bytes[offset] ?? 0;
    const codec = macCommandCodec(cid, direction);
    if (codec === undefined) {
      const definition = isProprietaryCid(cid) ? errProprietaryCommand : errUnknownCommand;
      const error = definition.create({ direction, cid, cid_hex: hex(cid), offset });
      return { commands, consumed: offset, error };
    }
    const available = bytes.length - offset - 1;
    if (available < codec.length) {
      const error = errTruncatedCommand.create({
        direction,
        name: codec.name,
        cid,
        cid_hex: hex(cid),
        offset,
        length: codec.length,
        available,
      });
      return { commands, consumed: offset, error };
    }
    const fields = codec.decode(bytes, offset + 1);
    commands.push({ cid, name: codec.name, ...fields } as MacCommand);
    offset += 1 + codec.length;
  }
  return { commands, consumed: offset, error: undefined };
}

/**
 * Encodes commands of one direction into one byte sequence. Throws `errUnknownCommandName` for a
 * name without a command in that direction, `errCidMismatch` when `cid` disagrees with the name,
 * and `errInvalidField` for a field value that has no wire form.
 */
export function encodeMacCommands(
  commands: readonly MacCommandFor<"uplink">[],
  direction: "uplink",
): Uint8Array;
export function encodeMacCommands(
  commands: readonly MacCommandFor<"downlink">[],
  direction: "downlink",
): Uint8Array;
export function encodeMacCommands(
  commands: readonly MacCommand[],
  direction: MacDirection,
): Uint8Array;
export function encodeMacCommands(
  commands: readonly MacCommand[],
  direction: MacDirection,
): Uint8Array {
  checkDirection(direction);
  const entries: MacCommandEntry[] = [];
  let length = 0;
  for (const command of commands) {
    const entry = entryOf(command, direction);
    entries.push(entry);
    length += 1 + entry.codec.length;
  }
  const out = new Uint8Array(length);
  let offset = 0;
  for (const [i, entry] of entries.entries()) {
    out[offset] = entry.descriptor.cid;
    (entry.codec as AnyMacCommandCodec).encode(commands[i] as object, out, offset + 1);
    offset += 1 + entry.codec.length;
  }
  return out;
}

/** The number of bytes `command` takes on the wire in `direction`, CID included. */
export function macCommandLength(command: MacCommand, direction: MacDirection): number {
  checkDirection(direction);
  return 1 + entryOf(command, direction).codec.length;
}

function entryOf(command: MacCommand, direction: MacDirection): MacCommandEntry {
  const name: unknown = typeof command === "object" && command !== null ? command.name : undefined;
  const entry = typeof name === "string" ? macCommandByName(name) : undefined;
  if (entry === undefined || entry.direction !== direction) {
    throw errUnknownCommandName.create({ direction, name: String(name) });
  }
  if (command.cid !== entry.descriptor.cid) {
    throw errCidMismatch.create({
      name: entry.codec.name,
      cid: String(command.cid),
      expected_cid_hex: hex(entry.descriptor.cid),
    });
  }
  return entry;
}

function checkDirection(direction: unknown): asserts direction is MacDirection {
  if (direction !== "uplink" && direction !== "downlink") {
    throw errInvalidInput.create({ reason: `direction must be "uplink" or "downlink"` });
  }
}

function hex(cid: number): string {
  return `0x${cid.toString(16).toUpperCase().padStart(2, "0")}`;
}
