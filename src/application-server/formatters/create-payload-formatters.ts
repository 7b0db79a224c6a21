/**
 * The Application Server's payload formatters: JavaScript in the isolated-vm sandbox and
 * CayenneLPP, chosen per call by the device's (or the link's) formatter kind.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { PayloadFormatter } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import {
  decodeLppDownlink,
  decodeLppUplink,
  encodeLppDownlink,
  type LppResult,
} from "./cayenne-lpp.ts";
import type {
  DecodedDownlink,
  DecodedUplink,
  EncodedDownlink,
  FormatterChoice,
  PayloadFormatters,
} from "./payload-formatters.ts";
import { type SandboxOptions, type SandboxStats, ScriptSandbox } from "./sandbox.ts";
import { readDecodedDownlink, readDecodedUplink, readEncodedDownlink } from "./script-results.ts";

/** Limits of the formatters: the `as.formatters.*` keys, and the sandbox pool's shape. */
export interface PayloadFormattersOptions {
  /** `as.formatters.memory_limit_mb`: heap limit of each sandbox isolate (default 32). */
  memoryLimitMb?: number;
  /** `as.formatters.timeout`: time limit of one script call, ms (default 100). */
  timeoutMs?: number;
  /** `as.formatters.max_parameter_length`: longest script, characters (default 65536). */
  maxParameterLength?: number;
  /** Longest JSON a script may return, characters (default 1 MiB). */
  maxOutputLength?: number;
  /** Isolates in the sandbox pool (default 2). */
  isolates?: number;
  /** Compiled scripts kept per isolate (default 64). */
  scriptsPerIsolate?: number;
}

/** {@link PayloadFormatters} with the sandbox's counters. */
export interface PayloadFormattersWithStats extends PayloadFormatters {
  stats(): SandboxStats;
}

type UplinkInput = Parameters<PayloadFormatters["decodeUplink"]>[1];
type DownlinkInput = Parameters<PayloadFormatters["encodeDownlink"]>[1];
type DownlinkBytes = Parameters<PayloadFormatters["decodeDownlink"]>[1];

/** What one formatter kind does; a missing operation is reported as unsupported. */
interface FormatterKind {
  decodeUplink?(parameter: string, input: UplinkInput): Promise<DecodedUplink>;
  encodeDownlink?(parameter: string, input: DownlinkInput): Promise<EncodedDownlink>;
  decodeDownlink?(parameter: string, input: DownlinkBytes): Promise<DecodedDownlink>;
}

function fromLpp(result: LppResult<JsonObject>): DecodedUplink {
  return result.ok
    ? { data: result.value, warnings: result.warnings, errors: [] }
    : { warnings: [], errors: [result.error] };
}

export function createPayloadFormatters(
  options: PayloadFormattersOptions = {},
): PayloadFormattersWithStats {
  const sandbox = new ScriptSandbox({
    memoryLimitMb: options.memoryLimitMb ?? 32,
    timeoutMs: options.timeoutMs ?? 100,
    maxScriptLength: options.maxParameterLength ?? 65536,
    maxOutputLength: options.maxOutputLength ?? 1 << 20,
    isolates: options.isolates ?? 2,
    scriptsPerIsolate: options.scriptsPerIsolate ?? 64,
  } satisfies SandboxOptions);

  const javascript: FormatterKind = {
    async decodeUplink(script, input) {
      const result = await sandbox.call(script, "decodeUplink", {
        bytes: Array.from(input.bytes),
        fPort: input.fPort,
        recvTime: input.recvTime.toISOString(),
      });
      return result.ok ? readDecodedUplink(result.value) : { warnings: [], errors: [result.error] };
    },
    async encodeDownlink(script, input) {
      const result = await sandbox.call(script, "encodeDownlink", {
        data: input.data,
        fPort: input.fPort,
      });
      return result.ok
        ? readEncodedDownlink(result.value)
        : { warnings: [], errors: [result.error] };
    },
    async decodeDownlink(script, input) {
      const result = await sandbox.call(script, "decodeDownlink", {
        bytes: Array.from(input.bytes),
        fPort: input.fPort,
      });
      return result.ok
        ? readDecodedDownlink(result.value)
        : { warnings: [], errors: [result.error] };
    },
  };

  const cayenne: FormatterKind = {
    decodeUplink: async (_, input) => fromLpp(decodeLppUplink(input.bytes)),
    decodeDownlink: async (_, input) => fromLpp(decodeLppDownlink(input.bytes)),
    async encodeDownlink(_, input) {
      const result = encodeLppDownlink(input.data);
      if (!result.ok) return { warnings: [], errors: [result.error] };
      const encoded: EncodedDownlink = {
        bytes: result.value,
        warnings: result.warnings,
        errors: [],
      };
      if (input.fPort !== undefined) encoded.fPort = input.fPort;
      return encoded;
    },
  };

  const none: FormatterKind = {
    decodeUplink: async () => ({ warnings: [], errors: [] }),
    encodeDownlink: async () => ({ warnings: [], errors: [] }),
    decodeDownlink: async () => ({ warnings: [], errors: [] }),
  };

  const kinds: Partial<Record<PayloadFormatter, FormatterKind>> = {
    [PayloadFormatter.FORMATTER_NONE]: none,
    [PayloadFormatter.FORMATTER_JAVASCRIPT]: javascript,
    [PayloadFormatter.FORMATTER_CAYENNELPP]: cayenne,
  };

  /** The operation of the chosen kind, or why there is none. */
  function pick<K extends keyof FormatterKind>(
    choice: FormatterChoice,
    operation: K,
  ): NonNullable<FormatterKind[K]> | string {
    const run = kinds[choice.formatter]?.[operation];
    if (run !== undefined) return run as NonNullable<FormatterKind[K]>;
    return `formatter ${PayloadFormatter[choice.formatter] ?? choice.formatter} does not support ${operation}`;
  }

  return {
    async decodeUplink(choice, input) {
      const run = pick(choice, "decodeUplink");
      return typeof run === "string"
        ? { warnings: [], errors: [run] }
        : run(choice.parameter, input);
    },
    async encodeDownlink(choice, input) {
      const run = pick(choice, "encodeDownlink");
      return typeof run === "string"
        ? { warnings: [], errors: [run] }
        : run(choice.parameter, input);
    },
    async decodeDownlink(choice, input) {
      const run = pick(choice, "decodeDownlink");
      return typeof run === "string"
        ? { warnings: [], errors: [run] }
        : run(choice.parameter, input);
    },
    close: () => sandbox.close(),
    stats: () => sandbox.stats(),
  };
}
