import { z } from "zod";
import { type ConfigSection, duration, listen, type SectionValues } from "../config/index.ts";

/** A count leaf; `0` turns the limit off. Text from the environment is accepted. */
function count(defaultValue: number, description: string) {
  return z
    .union([z.number(), z.string().regex(/^\d+$/, "expected a whole number").transform(Number)])
    .pipe(z.number().int().nonnegative())
    .default(defaultValue)
    .describe(description);
}

/**
 * The process's own limits and its metrics listener: `connections.*` (timeouts and caps of
 * the HTTP and gRPC listeners) and `metrics.*`. Port 1889 is not in The Things Stack's port
 * table, so the metrics listener cannot clash with a port a TTS user expects.
 */
export const runtimeConfig = {
  shape: {
    connections: z
      .strictObject({
        header_timeout: duration(
          "10s",
          "time a new connection has to send its request headers (HTTP/1.1), its HTTP/2 preface or finish its TLS handshake",
        ),
        request_timeout: duration(
          "60s",
          "time a client has to send a whole request, headers and body (responses may stream longer)",
        ),
        idle_timeout: duration(
          "65s",
          "a connection with no request or stream in progress is closed after this long",
        ),
        max_per_address: count(
          512,
          "open connections one client address (IPv6: its /64) may hold on the HTTP and gRPC ports; 0: no cap",
        ),
        max_total: count(
          10_000,
          "open connections on the HTTP and gRPC ports together; 0: no cap (the file descriptor limit is raised to fit this)",
        ),
      })
      .prefault({}),
    metrics: z
      .strictObject({
        listen: listen(
          "127.0.0.1:1889",
          'Prometheus metrics (GET /metrics); loopback by default, "" to disable',
        ),
        token: z
          .string()
          .default("")
          .describe("when set, /metrics requires the header `Authorization: Bearer <token>`"),
      })
      .prefault({}),
  },
  secrets: { "metrics.token": () => "***" },
} satisfies ConfigSection;

/** The validated `connections` and `metrics` sections. */
export type RuntimeConfig = SectionValues<typeof runtimeConfig>;
