// No import cycles in src/: neither between files nor between the top-level modules
// (src/<module>/, the folders of docs/architecture.md's layout). Every relative `import`,
// `export ... from` and `import("...")` of every src/**/*.ts counts, type-only imports and
// tests included: a type-only import is still a dependency of the design, and a cycle through
// types alone is one refactoring away from a runtime cycle. Generated code (src/gen/) and
// test data are left out.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const sourceRoot = fileURLToPath(new URL(".", import.meta.url));

/**
 * Module dependencies that are known and being removed on another branch. Each is narrow (the
 * importing folder and the imported folders) so that no new dependency hides behind it.
 */
const knownExceptions: readonly { from: string; to: readonly string[]; why: string }[] = [];

const skippedFolders = new Set(["gen", "testdata", "node_modules"]);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return skippedFolders.has(entry.name) ? [] : sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/**
 * The relative specifiers of a file's static imports and re-exports, side-effect imports and
 * dynamic imports. The clause between the keyword and `from` may hold only names, braces,
 * commas, `*`, `as` and `type`, so that text in comments or strings is not taken for an import.
 */
export function relativeSpecifiers(text: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s+(?:type\s+)?[\w$\s{},*]*?\bfrom\s*["'](\.{1,2}\/[^"']+)["']/gm,
    /^\s*import\s*["'](\.{1,2}\/[^"']+)["']/gm,
    /\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((pattern) =>
    [...text.matchAll(pattern)].map((match) => match[1] as string),
  );
}

/** File → the src files it imports (relative to src, with `/`). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(sourceRoot)) {
    const from = relative(sourceRoot, file).split(sep).join("/");
    const targets = relativeSpecifiers(readFileSync(file, "utf8"))
      .map((specifier) => resolve(dirname(file), specifier))
      .filter((target) => target.startsWith(sourceRoot) && target.endsWith(".ts"))
      .map((target) => relative(sourceRoot, target).split(sep).join("/"));
    graph.set(from, targets);
  }
  return graph;
}

/** The strongly connected components with more than one node (or a self-loop): the cycles. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

/** Tests and their support files (`test-*.ts`), which ship in no production path. */
function isTestOnly(file: string): boolean {
  return /\.test\.ts$|(^|\/)test-[^/]*\.ts$/.test(file);
}

function moduleOf(file: string): string {
  const parts = file.split("/");
  return parts.length === 1 ? "(src)" : (parts[0] as string);
}

function isKnownException(from: string, to: string): boolean {
  return knownExceptions.some(
    (exception) =>
      from.startsWith(exception.from) && exception.to.some((folder) => to.startsWith(folder)),
  );
}

describe("imports in src/", () => {
  const graph = importGraph();

  it("finds the imports it is meant to find", () => {
    assert.deepEqual(
      relativeSpecifiers(
        [
          'import { a } from "./a.ts";',
          'import type { B } from "../b/b.ts";',
          "import {\n  c,\n  type D,\n} from './c.ts';",
          'export { e } from "./e.ts";',
          'export * from "./f.ts";',
          'import "./g.ts";',
          'const h = await import("./h.ts");',
          'import { z } from "zod";',
          '// see import x from "./not-an-import.ts" in a comment',
          'const text = "export { y } from ./not-either.ts";',
        ].join("\n"),
      ),
      ["./a.ts", "../b/b.ts", "./c.ts", "./e.ts", "./f.ts", "./g.ts", "./h.ts"],
    );
    assert.ok(graph.size > 100, "reads the source tree");
    assert.ok(graph.get("cli/main.ts")?.includes("cli/commands/start.ts"));
  });

  it("has no cycle between files", () => {
    assert.deepEqual(cycles(graph), []);
  });

  it("has no cycle between modules (top-level folders of src/)", () => {
    const modules = new Map<string, Set<string>>();
    const via = new Map<string, string>();
    for (const [from, targets] of graph) {
      // A test may reach across modules (an integration test of auth with the Identity
      // Server); production code may not. File-level cycles above count tests too.
      if (isTestOnly(from)) continue;
      for (const to of targets) {
        const [a, b] = [moduleOf(from), moduleOf(to)];
        if (a === b || isKnownException(from, to)) continue;
        if (!modules.has(a)) modules.set(a, new Set());
        modules.get(a)?.add(b);
        if (!via.has(`${a} → ${b}`)) via.set(`${a} → ${b}`, `${from} imports ${to}`);
      }
    }
    const moduleGraph = new Map([...modules].map(([name, targets]) => [name, [...targets]]));
    const found = cycles(moduleGraph).map((members) =>
      [...via]
        .filter(([edge]) => {
          const [a, b] = edge.split(" → ");
          return members.includes(a as string) && members.includes(b as string);
        })
        .map(([edge, example]) => `${edge} (${example})`),
    );
    assert.deepEqual(found, []);
  });
});
