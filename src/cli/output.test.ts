import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CommandIO } from "./io.ts";
import { createPrinter, flatten, formatRecord, formatTable } from "./output.ts";

function capture(isTerminal: boolean): CommandIO & { out: string; err: string } {
  const io = {
    out: "",
    err: "",
    env: {},
    isTerminal,
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
  };
  return io;
}

const app = {
  ids: { application_id: "my-app" },
  name: "My app",
  attributes: { site: "north" },
  created_at: "2026-12-06T10:00:00Z",
};

describe("output", () => {
  it("is JSON when stdout is not a terminal, and with --json on a terminal", () => {
    for (const [terminal, json] of [
      [false, undefined],
      [true, true],
    ] as const) {
      const io = capture(terminal);
      createPrinter(io, { json }).entity(app);
      assert.deepEqual(JSON.parse(io.out), app);
      assert.match(io.out, /^{\n {2}"ids": {\n/, "pretty");
      const list = capture(terminal);
      createPrinter(list, { json }).list([app, app], 10);
      assert.deepEqual(JSON.parse(list.out), [app, app]);
      assert.equal(list.err, "", "no notes mixed into JSON runs");
    }
  });

  it("prints one entity as aligned key/value lines on a terminal", () => {
    const io = capture(true);
    createPrinter(io, {}).entity(app);
    assert.equal(
      io.out,
      [
        "ids.application_id  my-app",
        "name                My app",
        "attributes.site     north",
        "created_at          2026-12-06T10:00:00Z",
        "",
      ].join("\n"),
    );
  });

  it("prints lists as a table with the union of columns, and says when pages are left", () => {
    const io = capture(true);
    createPrinter(io, {}).list([app, { ids: { application_id: "other" }, description: "d" }], 5);
    assert.equal(
      io.out,
      [
        "APPLICATION_ID  NAME    ATTRIBUTES.SITE  CREATED_AT            DESCRIPTION",
        "my-app          My app  north            2026-12-06T10:00:00Z",
        "other                                                          d",
        "",
      ].join("\n"),
    );
    assert.match(io.err, /2 of 5 shown/);
    assert.equal(formatTable([]), "(none)\n");
  });

  it("flattens lists, cuts long cells and neutralizes control characters", () => {
    assert.deepEqual(flatten({ rights: ["A", "B"], antennas: [{ gain: 3 }] }), [
      ["rights", "A, B"],
      ["antennas", '[{"gain":3}]'],
    ]);
    const table = formatTable([{ name: "x".repeat(100) }]);
    assert.match(table, /^NAME\nx{47}…\n$/);
    assert.equal(formatRecord({ name: "evil\u001b[31m\nname" }), "name  evil [31m name\n");
  });
});
