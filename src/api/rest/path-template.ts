/**
 * `google.api.http` path templates (`/applications/{application_ids.application_id}`,
 * `/v1/{name=things/*}`, `/files/{path=**}`, `/things:refresh`) parsed and translated into
 * Fastify (find-my-way) routes that match exactly what the template matches.
 *
 * Grammar (from google/api/http.proto):
 *   Template = "/" Segments [ Verb ] ;  Segments = Segment { "/" Segment } ;
 *   Segment  = "*" | "**" | LITERAL | Variable ;  Variable = "{" FieldPath [ "=" Segments ] "}" ;
 *   FieldPath = IDENT { "." IDENT } ;  Verb = ":" LITERAL ;
 */

/** One path segment after variables are expanded into their own segments. */
export type PathSegment =
  | { kind: "literal"; value: string }
  /** `*`: exactly one segment. */
  | { kind: "wildcard" }
  /** `**`: the rest of the path (one or more segments); only allowed last. */
  | { kind: "rest" };

/** A `{field.path=pattern}` variable covering `segments[start, end)`. */
export interface PathVariable {
  fieldPath: string;
  start: number;
  end: number;
}

export interface PathTemplate {
  template: string;
  segments: PathSegment[];
  variables: PathVariable[];
  verb: string | undefined;
}

/** A path template as a Fastify route, and how to read its variables back from the params. */
export interface FastifyPath {
  url: string;
  /** Field path → the variable's value, from Fastify's (already URL-decoded) route params. */
  variables(params: Record<string, string | undefined>): Map<string, string>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=@%-]+$/;

/** Parses a path template; throws an `Error` naming the template when it is malformed. */
export function parsePathTemplate(template: string): PathTemplate {
  const fail = (reason: string): never => {
    throw new Error(`invalid HTTP path template ${JSON.stringify(template)}: ${reason}`);
  };
  if (!template.startsWith("/")) fail("it must start with /");
  let path = template.slice(1);
  let verb: string | undefined;
  const lastSlash = path.lastIndexOf("/");
  const lastBrace = path.lastIndexOf("}");
  const colon = path.indexOf(":", Math.max(lastSlash, lastBrace) + 1);
  if (colon >= 0) {
    verb = path.slice(colon + 1);
    path = path.slice(0, colon);
    if (!LITERAL.test(verb)) fail(`invalid verb ${JSON.stringify(verb)}`);
  }
  const segments: PathSegment[] = [];
  const variables: PathVariable[] = [];
  for (const part of splitOutsideBraces(path, fail)) {
    if (part.startsWith("{")) {
      if (!part.endsWith("}")) fail(`unclosed variable ${part}`);
      const inner = part.slice(1, -1);
      const equals = inner.indexOf("=");
      const fieldPath = equals < 0 ? inner : inner.slice(0, equals);
      const pattern = equals < 0 ? "*" : inner.slice(equals + 1);
      if (!fieldPath.split(".").every((name) => IDENT.test(name))) {
        fail(`invalid field path ${JSON.stringify(fieldPath)}`);
      }
      if (variables.some((v) => v.fieldPath === fieldPath)) fail(`${fieldPath} is bound twice`);
      const start = segments.length;
      for (const sub of pattern.split("/")) {
        if (sub.includes("{")) fail("variables cannot be nested");
        segments.push(parseSegment(sub, fail));
      }
      variables.push({ fieldPath, start, end: segments.length });
    } else {
      segments.push(parseSegment(part, fail));
    }
  }
  const restAt = segments.findIndex((s) => s.kind === "rest");
  if (restAt >= 0 && restAt !== segments.length - 1)
    fail("** is only supported as the last segment");
  if (verb !== undefined && segments.at(-1)?.kind !== "literal") {
    fail("a verb is only supported after a literal segment");
  }
  return { template, segments, variables, verb };
}

function splitOutsideBraces(path: string, fail: (reason: string) => never): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of path) {
    if (char === "{") depth++;
    if (char === "}") depth--;
    if (depth < 0 || depth > 1) fail("unbalanced braces");
    if (char === "/" && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  if (depth !== 0) fail("unbalanced braces");
  parts.push(current);
  return parts;
}

function parseSegment(text: string, fail: (reason: string) => never): PathSegment {
  if (text === "*") return { kind: "wildcard" };
  if (text === "**") return { kind: "rest" };
  if (!LITERAL.test(text)) fail(`invalid segment ${JSON.stringify(text)}`);
  return { kind: "literal", value: text };
}

/**
 * Translates a parsed template into a Fastify route URL. Route parameters are named by
 * segment position (`p1`, `p2`, ...): find-my-way does not allow dots in parameter names,
 * and position names make two templates of the same shape collide, as they should.
 */
export function toFastifyPath(parsed: PathTemplate, prefix = ""): FastifyPath {
  const pieces = parsed.segments.map((segment, index) => {
    if (segment.kind === "wildcard") return `:p${index}`;
    if (segment.kind === "rest") return "*";
    // find-my-way reads ":" as the start of a parameter; "::" is a literal colon.
    return segment.value.replaceAll(":", "::");
  });
  let url = `${prefix}/${pieces.join("/")}`;
  if (parsed.verb !== undefined) url += `::${parsed.verb}`;
  const variables = (params: Record<string, string | undefined>): Map<string, string> => {
    const values = new Map<string, string>();
    for (const variable of parsed.variables) {
      const parts: string[] = [];
      for (let index = variable.start; index < variable.end; index++) {
        const segment = parsed.segments[index] as PathSegment;
        if (segment.kind === "literal") parts.push(segment.value);
        else if (segment.kind === "wildcard") parts.push(params[`p${index}`] ?? "");
        else parts.push(params["*"] ?? "");
      }
      values.set(variable.fieldPath, parts.join("/"));
    }
    return values;
  };
  return { url, variables };
}

/** The template in OpenAPI form: `/applications/{application_ids.application_id}`. */
export function toOpenApiPath(parsed: PathTemplate, prefix = ""): string {
  const pieces: string[] = [];
  for (let index = 0; index < parsed.segments.length; ) {
    const variable = parsed.variables.find((v) => v.start === index);
    if (variable !== undefined) {
      pieces.push(`{${variable.fieldPath}}`);
      index = variable.end;
      continue;
    }
    const segment = parsed.segments[index] as PathSegment;
    pieces.push(segment.kind === "literal" ? segment.value : segment.kind === "rest" ? "**" : "*");
    index++;
  }
  const verb = parsed.verb === undefined ? "" : `:${parsed.verb}`;
  return `${prefix}/${pieces.join("/")}${verb}`;
}
