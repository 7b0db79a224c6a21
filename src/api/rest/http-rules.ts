/**
 * The REST bindings of services, read from their `google.api.http` method options and checked
 * against the request and response messages, so that a bad annotation fails at start-up with
 * a message naming the method instead of failing a request.
 */
import {
  type DescField,
  type DescMethod,
  type DescService,
  getOption,
  hasOption,
} from "@bufbuild/protobuf";
import { http } from "../../gen/google/api/annotations_pb.js";
import type { HttpRule } from "../../gen/google/api/http_pb.js";
import { type PathTemplate, parsePathTemplate } from "./path-template.ts";
import { fieldPathName, isTextField, resolveFieldPath } from "./request-fields.ts";

/** The HTTP methods a binding may use. */
export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE" | "PATCH";

/** One HTTP binding of one RPC method (the main rule or one of its additional bindings). */
export interface RestBinding {
  service: DescService;
  method: DescMethod;
  httpMethod: HttpMethod;
  path: PathTemplate;
  /** The fields bound by path variables (field path → fields along it). */
  pathFields: Map<string, DescField[]>;
  /** `""`: no body; `"*"`: the whole request; otherwise the top-level request field. */
  body: string;
  bodyField: DescField | undefined;
  /** The response field written as the response body, or undefined for the whole response. */
  responseField: DescField | undefined;
}

/** Every HTTP binding of the service's methods, in declaration order. */
export function serviceBindings(service: DescService): RestBinding[] {
  const bindings: RestBinding[] = [];
  for (const method of service.methods) {
    if (!hasOption(method, http)) continue;
    const rule = getOption(method, http);
    bindings.push(toBinding(service, method, rule));
    // Additional bindings may not nest further (google/api/http.proto).
    for (const extra of rule.additionalBindings) bindings.push(toBinding(service, method, extra));
  }
  return bindings;
}

function toBinding(service: DescService, method: DescMethod, rule: HttpRule): RestBinding {
  const where = `${service.typeName}.${method.name}`;
  const fail = (reason: string): never => {
    throw new Error(`invalid google.api.http rule on ${where}: ${reason}`);
  };
  let httpMethod: HttpMethod;
  let template: string;
  switch (rule.pattern.case) {
    case "get":
    case "put":
    case "post":
    case "delete":
    case "patch":
      httpMethod = rule.pattern.case.toUpperCase() as HttpMethod;
      template = rule.pattern.value;
      break;
    default:
      return fail("only get, put, post, delete and patch patterns are supported");
  }
  if (method.methodKind !== "unary" && method.methodKind !== "server_streaming") {
    fail("only unary and server-streaming methods can be served over REST");
  }
  let path: PathTemplate;
  try {
    path = parsePathTemplate(template);
  } catch (error) {
    return fail((error as Error).message);
  }
  const pathFields = new Map<string, DescField[]>();
  for (const variable of path.variables) {
    const fields = resolveFieldPath(method.input, variable.fieldPath);
    const last = fields?.at(-1);
    if (fields === undefined || last === undefined) {
      return fail(`path variable ${variable.fieldPath} is not a field of ${method.input.typeName}`);
    }
    if (last.fieldKind === "list" || !isTextField(last)) {
      fail(`path variable ${variable.fieldPath} must be a singular scalar, enum or text field`);
    }
    pathFields.set(fieldPathName(fields), fields);
  }
  let bodyField: DescField | undefined;
  if (rule.body !== "" && rule.body !== "*") {
    bodyField = method.input.fields.find((f) => f.name === rule.body);
    if (bodyField === undefined)
      fail(`body ${rule.body} is not a field of ${method.input.typeName}`);
  }
  let responseField: DescField | undefined;
  if (rule.responseBody !== "") {
    responseField = method.output.fields.find((f) => f.name === rule.responseBody);
    if (responseField === undefined) {
      fail(`response_body ${rule.responseBody} is not a field of ${method.output.typeName}`);
    }
  }
  return {
    service,
    method,
    httpMethod,
    path,
    pathFields,
    body: rule.body,
    bodyField,
    responseField,
  };
}
