import type { z } from "zod";

/** A field path as written in YAML terms: `uplink-channels[2].max-data-rate`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text === "" ? String(part) : `.${String(part)}`;
  }
  return text;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const part of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<PropertyKey, unknown>)[part];
  }
  return node;
}

/** Each zod issue as `field = value: what was expected`, joined with `; `. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string {
  return issues
    .map((issue) => {
      const field = fieldPath(issue.path);
      if (issue.code === "unrecognized_keys") {
        const where = field === "" ? "" : `${field}.`;
        return issue.keys.map((key) => `unknown key ${where}${key}`).join("; ");
      }
      const value = valueAt(input, issue.path);
      const shown = value === undefined ? "(missing)" : shorten(JSON.stringify(value) ?? "");
      return `${field || "(top)"} = ${shown}: ${issue.message}`;
    })
    .join("; ");
}

/** Long values (a whole list) are cut: the field name says where to look. */
function shorten(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}
