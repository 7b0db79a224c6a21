/**
 * Where the time goes: a V8 CPU profile (`--cpu-prof`) summed two ways, idle time left out —
 * by the part of the program that spent it (the nearest frame of ours up the stack: its folder
 * under src/, e.g. `network-server`, `events`; a library's time counts for the part that called
 * it) and by what was running (our code by folder, each library, Node's internals, the garbage
 * collector). `node bench/end-to-end/profile-summary.ts <file.cpuprofile> [--last <seconds>]`.
 */
import { readFile } from "node:fs/promises";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A share of the busy time. */
export interface Share {
  name: string;
  /** Of the busy (non-idle) time, 0..1. */
  share: number;
}

export interface ProfileSummary {
  /** Busy time in the window, ms. */
  busyMs: number;
  byPart: Share[];
  byCode: Share[];
}

const SPECIAL = new Set(["(garbage collector)", "(program)", "(root)"]);

/** Our folder under src/ (`network-server`), or undefined for code not ours. */
function ourPart(url: string): string | undefined {
  const match = /\/src\/([^/]+)\//.exec(url);
  return match?.[1];
}

function codeOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  if (SPECIAL.has(functionName) || url === "") return functionName || "(native)";
  // better-sqlite3 runs statements in native code, sampled as the JS frame that called it.
  if (url.endsWith("/sqlite-driver.js") && functionName === "executeQuery")
    return "SQLite (native)";
  const library = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (library) return library[1] as string;
  const part = ourPart(url);
  if (part) return `src/${part}`;
  if (url.startsWith("node:")) return "node internals";
  return "other";
}

/**
 * Sums a profile; `lastSeconds` keeps only samples of the profile's last seconds (a run whose
 * load came at its end), `skipEndSeconds` drops its very end (shutdown).
 */
export function summarize(
  profile: CpuProfile,
  options: { lastSeconds?: number; skipEndSeconds?: number } = {},
): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const to = profile.endTime - (options.skipEndSeconds ?? 0) * 1e6;
  const from =
    options.lastSeconds === undefined ? -Infinity : profile.endTime - options.lastSeconds * 1e6;
  const perNode = new Map<number, number>();
  let time = profile.startTime;
  profile.samples.forEach((id, i) => {
    time += profile.timeDeltas[i] ?? 0;
    if (time < from || time > to) return;
    perNode.set(id, (perNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const parts = new Map<string, number>();
  const codes = new Map<string, number>();
  let busy = 0;
  for (const [id, micros] of perNode) {
    const node = byId.get(id) as ProfileNode;
    if (node.callFrame.functionName === "(idle)") continue;
    busy += micros;
    const code = codeOf(node);
    codes.set(code, (codes.get(code) ?? 0) + micros);
    let part: string | undefined;
    for (
      let at: number | undefined = id;
      at !== undefined && part === undefined;
      at = parent.get(at)
    )
      part = ourPart((byId.get(at) as ProfileNode).callFrame.url);
    const name = part ?? (code === "(garbage collector)" ? code : "outside our code");
    parts.set(name, (parts.get(name) ?? 0) + micros);
  }
  const shares = (map: Map<string, number>) =>
    [...map]
      .map(([name, micros]) => ({ name, share: busy > 0 ? micros / busy : 0 }))
      .sort((a, b) => b.share - a.share);
  return { busyMs: busy / 1000, byPart: shares(parts), byCode: shares(codes) };
}

export async function summarizeFile(
  file: string,
  options: { lastSeconds?: number; skipEndSeconds?: number } = {},
): Promise<ProfileSummary> {
  return summarize(JSON.parse(await readFile(file, "utf8")) as CpuProfile, options);
}

if (import.meta.main) {
  const [file, ...rest] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: profile-summary.ts <file.cpuprofile> [--last <seconds>]\n");
    process.exit(2);
  }
  const last = rest.indexOf("--last");
  const summary = await summarizeFile(file, {
    lastSeconds: last >= 0 ? Number(rest[last + 1]) : undefined,
  });
  const table = (title: string, shares: Share[]) =>
    `${title}\n${shares
      .slice(0, 15)
      .map(({ name, share }) => `${(share * 100).toFixed(1).padStart(6)} %  ${name}`)
      .join("\n")}\n`;
  process.stdout.write(
    `busy ${summary.busyMs.toFixed(0)} ms\n${table("by part", summary.byPart)}${table("by code", summary.byCode)}`,
  );
}
