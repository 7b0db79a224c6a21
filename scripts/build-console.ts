/**
 * `npm run build:console`: builds the Console (console/) into dist/console with Vite, then
 * measures what a browser downloads for the first page load — the entry chunk and every chunk
 * it imports statically, gzipped, read from Vite's manifest — and fails above the budget.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";

/** The first load's JavaScript may not exceed this, gzipped. */
const budgetBytes = 500 * 1024;

const root = resolve(import.meta.dirname, "..", "console");
const outDir = resolve(import.meta.dirname, "..", "dist", "console");

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  css?: string[];
}

/** The files of the entry chunks and their static imports (not the lazy, dynamic ones). */
export function firstLoadFiles(manifest: Record<string, ManifestChunk>): {
  js: string[];
  css: string[];
} {
  const js = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || js.has(chunk.file)) return;
    js.add(chunk.file);
    for (const file of chunk.css ?? []) css.add(file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return { js: [...js], css: [...css] };
}

function gzippedSize(file: string): number {
  return gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function main(): Promise<void> {
  await build({ root, configFile: join(root, "vite.config.ts"), logLevel: "warn" });
  const manifest = JSON.parse(
    readFileSync(join(outDir, ".vite", "manifest.json"), "utf8"),
  ) as Record<string, ManifestChunk>;
  const { js, css } = firstLoadFiles(manifest);
  if (js.length === 0) throw new Error("the Vite manifest names no entry chunk");
  const jsBytes = js.reduce((sum, file) => sum + gzippedSize(file), 0);
  const cssBytes = css.reduce((sum, file) => sum + gzippedSize(file), 0);
  process.stdout.write(
    `console: built into ${outDir}; first load: ${kb(jsBytes)} of JavaScript in ${js.length} chunk(s), ${kb(cssBytes)} of CSS, gzipped (budget ${kb(budgetBytes)} of JavaScript)\n`,
  );
  if (jsBytes > budgetBytes) {
    process.stderr.write(
      `console: the first load's JavaScript is ${kb(jsBytes)} gzipped, above the budget of ${kb(budgetBytes)}: lazy-load more (pages, charts)\n`,
    );
    process.exitCode = 1;
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `console: build failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
