import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join, normalize, resolve, sep } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import type { z } from "zod";
import { latestBand } from "../lorawan/band/index.ts";
import type { FrequencyPlan } from "../lorawan/frequency-plans/index.ts";
import { errFrequencyPlanFile, errFrequencyPlansDirectory } from "./errors.ts";
import { describeIssues } from "./issues.ts";
import { type Foundation, PlanFieldError, resolvePlan } from "./resolve.ts";
import { type IndexEntry, indexSchema, type PlanFile, planFileSchema } from "./yaml-format.ts";

/** The index file of a frequency plan folder, as The Things Stack names it. */
export const indexFileName = "frequency-plans.yml";

/** Largest file read (bytes): the biggest published plan is a few kB. */
const maxFileSize = 1024 * 1024;

/** An operator plan and the file it was read from (for error messages). */
export interface LoadedPlan {
  plan: FrequencyPlan;
  /** The plan's file, as given in the index. */
  file: string;
}

/**
 * Reads and resolves every plan of a folder in The Things Stack's format. `builtIn` is where a
 * `base-id` that is not in the folder is looked up. Any problem is a typed configuration error
 * naming the file and the field.
 */
export async function loadFrequencyPlanDirectory(
  directory: string,
  builtIn: ReadonlyMap<string, FrequencyPlan>,
): Promise<LoadedPlan[]> {
  const folder = resolve(directory);
  const folderStat = await stat(folder).catch((error: NodeJS.ErrnoException) => {
    throw errFrequencyPlansDirectory.create(
      {
        directory: JSON.stringify(directory),
        reason: `cannot read it (${error.code ?? error.message})`,
      },
      error,
    );
  });
  if (!folderStat.isDirectory())
    throw errFrequencyPlansDirectory.create({
      directory: JSON.stringify(directory),
      reason: "not a directory",
    });

  const indexPath = join(folder, indexFileName);
  const entries = await readYaml(indexPath, indexSchema, (error) =>
    error.code === "ENOENT"
      ? errFrequencyPlansDirectory.create({
          directory: JSON.stringify(directory),
          reason: `no ${indexFileName} in it`,
        })
      : undefined,
  );
  const byId = new Map<string, IndexEntry>();
  for (const [position, entry] of entries.entries()) {
    if (byId.has(entry.id))
      throw fileError(indexPath, `[${position}].id = "${entry.id}": listed twice`);
    byId.set(entry.id, entry);
  }

  const files = new Map<string, Promise<PlanFile>>();
  const readPlanFile = (entry: IndexEntry, position: number) => {
    const path = planPath(folder, indexPath, entry, position);
    let read = files.get(path);
    if (!read) {
      read = readYaml(path, planFileSchema);
      files.set(path, read);
    }
    return read.then((file) => ({ file, path }));
  };

  /** The file content merged over its base chain in the folder, and where the chain ends. */
  const chains = new Map<string, Promise<Chain>>();
  const chainOf = (id: string, trail: readonly string[]): Promise<Chain> => {
    const entry = byId.get(id) as IndexEntry;
    const position = entries.indexOf(entry);
    if (trail.includes(id))
      throw fileError(indexPath, `base-id of ${[...trail, id].join(" → ")} loops`);
    let chain = chains.get(id);
    if (chain) return chain;
    chain = (async () => {
      const { file, path } = await readPlanFile(entry, position);
      const ownBand = file["band-id"];
      if (ownBand !== undefined && ownBand !== entry["band-id"])
        throw fileError(
          path,
          `band-id = "${ownBand}": the index says ${entry["band-id"]} for ${id}`,
        );
      const baseId = entry["base-id"];
      if (baseId === undefined)
        return { file, path, entry, baseFrequency: entry["base-frequency"] };
      if (byId.has(baseId)) {
        const base = await chainOf(baseId, [...trail, id]);
        if (base.entry["band-id"] !== entry["band-id"])
          throw fileError(indexPath, bandMismatch(position, entry, baseId, base.entry["band-id"]));
        return {
          file: { ...base.file, ...file },
          path,
          entry,
          builtIn: base.builtIn,
          baseFrequency: entry["base-frequency"] ?? base.baseFrequency,
        };
      }
      const builtInBase = builtIn.get(baseId);
      if (!builtInBase)
        throw fileError(
          indexPath,
          `[${position}].base-id = "${baseId}": no plan of that id in the index or built in`,
        );
      if (builtInBase.bandId !== entry["band-id"])
        throw fileError(indexPath, bandMismatch(position, entry, baseId, builtInBase.bandId));
      return {
        file,
        path,
        entry,
        builtIn: builtInBase,
        baseFrequency: entry["base-frequency"] ?? builtInBase.baseFrequencyMHz,
      };
    })();
    chains.set(id, chain);
    return chain;
  };

  const plans: LoadedPlan[] = [];
  for (const [position, entry] of entries.entries()) {
    const chain = await chainOf(entry.id, []);
    const band = latestBand(entry["band-id"]);
    if (!band)
      throw fileError(indexPath, `[${position}].band-id = "${entry["band-id"]}": no such band`);
    if (chain.baseFrequency === undefined)
      throw fileError(
        indexPath,
        `[${position}].base-frequency = (missing): required for ${entry.id}`,
      );
    const foundation: Foundation = chain.builtIn ? { band, base: chain.builtIn } : { band };
    try {
      const plan = resolvePlan(
        { ...entry, baseFrequencyMHz: chain.baseFrequency },
        chain.file,
        foundation,
      );
      plans.push({ plan, file: entry.file });
    } catch (error) {
      if (!(error instanceof PlanFieldError)) throw error;
      throw fileError(chain.path, `plan ${entry.id}: ${error.message}`);
    }
  }
  return plans;
}

interface Chain {
  /** The plan's file merged over its bases' files (a variant's keys replace its base's). */
  file: PlanFile;
  path: string;
  entry: IndexEntry;
  /** The built-in plan the chain starts from, when its root's base is not in the folder. */
  builtIn?: FrequencyPlan | undefined;
  baseFrequency: number | undefined;
}

function bandMismatch(
  position: number,
  entry: IndexEntry,
  baseId: string,
  baseBand: string,
): string {
  return `[${position}].band-id = "${entry["band-id"]}": its base plan ${baseId} is on band ${baseBand}`;
}

/** The plan file of an entry, which must lie inside the folder. */
function planPath(folder: string, indexPath: string, entry: IndexEntry, position: number): string {
  const path = resolve(folder, normalize(entry.file));
  if (isAbsolute(entry.file) || !path.startsWith(folder + sep))
    throw fileError(
      indexPath,
      `[${position}].file = "${entry.file}": expected a file inside the folder`,
    );
  return path;
}

function fileError(file: string, details: string) {
  return errFrequencyPlanFile.create({ file, details });
}

/**
 * Reads, parses and validates one YAML file. `onReadError` may turn a read error into a more
 * helpful one (a missing index names the configured folder).
 */
async function readYaml<Schema extends z.ZodType>(
  path: string,
  schema: Schema,
  onReadError?: (error: NodeJS.ErrnoException) => Error | undefined,
): Promise<z.output<Schema>> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > maxFileSize) throw fileError(path, `larger than ${maxFileSize} bytes`);
    text = await readFile(path, "utf8");
  } catch (error) {
    if (errFrequencyPlanFile.matches(error)) throw error;
    const readError = error as NodeJS.ErrnoException;
    throw (
      onReadError?.(readError) ??
      fileError(path, `cannot read it (${readError.code ?? readError.message})`)
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const reason = error instanceof YAMLParseError ? error.message.split("\n")[0] : "not YAML";
    throw errFrequencyPlanFile.create({ file: path, details: reason }, error);
  }
  const result = schema.safeParse(parsed ?? {});
  if (!result.success) throw fileError(path, describeIssues(result.error.issues, parsed));
  return result.data;
}
