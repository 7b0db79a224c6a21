import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Command } from "commander";
import type { CommandIO } from "./io.ts";
import { prepareAll } from "./lazy.ts";
import { buildProgram } from "./main.ts";

const io: CommandIO = { stdout: () => {}, stderr: () => {}, env: {} };

function leaves(command: Command, path: string[] = []): { name: string; command: Command }[] {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [{ name: here.join(" "), command }];
  return command.commands.flatMap((child) => leaves(child, here));
}

describe("every command's help", () => {
  it("ends with an example", async () => {
    const program = buildProgram(io);
    await prepareAll(program);
    const all = leaves(program);
    assert.ok(all.length > 40, `${all.length} commands`);
    const without = all.filter(({ command }) => {
      let help = "";
      command.configureOutput({ writeOut: (text) => (help += text) });
      command.outputHelp();
      return !/^Examples?:$/m.test(help);
    });
    assert.deepEqual(
      without.map(({ name }) => name),
      [],
    );
  });
});
