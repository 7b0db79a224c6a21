import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { Argument, Command, Option } from "commander";
import { bashCompletion } from "./bash.ts";
import { completionTree } from "./tree.ts";
import { zshCompletion } from "./zsh.ts";

/** A small program: a group with an alias, a hidden flag, an argument with choices. */
function program(): Command {
  const root = new Command("tool").option("-q, --quiet", "say less");
  const group = root.command("things").alias("th").description("manage things");
  group.command("make").description("make a thing: it's new").option("--size <n>", "how big");
  group.command("drop").addOption(new Option("--hidden-flag", "not in help").hideHelp());
  root.command("shell").addArgument(new Argument("<name>").choices(["bash", "zsh"]));
  return root;
}

describe("completion", () => {
  it("reads commands, aliases, flags and argument choices from commander", () => {
    const tree = completionTree(program());
    assert.deepEqual(
      tree.words.map((word) => word.name),
      ["things", "shell"],
    );
    assert.deepEqual(
      tree.flags.map((flag) => flag.name),
      ["--quiet", "-q", "--help"],
    );
    const things = tree.children[0];
    assert.deepEqual(things?.names, ["things", "th"]);
    assert.equal(things?.children[0]?.path, "things make");
    assert.deepEqual(
      tree.children[1]?.words.map((word) => word.name),
      ["bash", "zsh"],
    );
  });

  it("bash: completes through aliases, and quotes descriptions with quotes in them", () => {
    const script = bashCompletion(completionTree(program()));
    const complete = (words: string[]) =>
      spawnSync(
        "bash",
        [
          "-c",
          `${script}\nCOMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _tool; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: "utf8" },
      );
    const made = complete(["tool", "th", "make", "--s"]);
    assert.equal(made.status, 0, made.stderr);
    assert.equal(made.stdout.trim(), "--size");
    assert.equal(complete(["tool", "things", ""]).stdout.trim(), "make drop");
    assert.equal(complete(["tool", "nothing", ""]).stdout.trim(), "things shell");
    assert.equal(complete(["tool", "th", "drop", "--h"]).stdout.trim(), "--hidden-flag --help");
    assert.match(zshCompletion(completionTree(program())), /'make:make a thing: it'\\''s new'/);
  });
});
