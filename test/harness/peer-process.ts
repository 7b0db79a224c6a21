/**
 * A lorastack process without the Identity Server, for end-to-end tests of peers: the real
 * runtime (configuration from LORASTACK_* variables, database, listeners, cluster, rights
 * fetcher) with one test-only component that serves `GET /test/rights` on the HTTP port.
 * The route asks `context.rights` who the request's `Authorization` belongs to and what rights
 * it holds on `?kind=&id=`, and answers with what came back, or with the defined error that
 * came back and which definitions it matches in this process. Only for tests: an operator runs
 * `lorastack start <components>` with `cluster.identity_server_address` instead.
 *
 * Run as `node test/harness/peer-process.ts`; stops on SIGINT/SIGTERM.
 */
import { errInvalidClusterKey } from "../../src/api/cluster-auth.ts";
import { correlationIdOf } from "../../src/api/error-details.ts";
import type { EntityRef } from "../../src/auth/entity.ts";
import { errUnknownToken } from "../../src/auth/errors.ts";
import { errPeerUnavailable } from "../../src/cluster/peers/errors.ts";
import type { ComponentDefinition } from "../../src/components/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { DefinedError } from "../../src/errors/index.ts";
import { createLogger } from "../../src/log/logger.ts";
import { programConfig } from "../../src/program/config.ts";
import { startRuntime } from "../../src/runtime/runtime.ts";

/** The definitions the test asks about, by the name the answer gives them. */
const definitions = {
  unknown_token: errUnknownToken,
  invalid_cluster_key: errInvalidClusterKey,
  peer_unavailable: errPeerUnavailable,
};

const rightsProbe: ComponentDefinition = {
  name: "rights-probe",
  title: "Rights probe (tests only)",
  aliases: [],
  create(context) {
    context.http.get("/test/rights", async (request, reply) => {
      const authorization = request.headers.authorization ?? "";
      const query = request.query as { kind?: string; id?: string };
      const entity = { kind: query.kind ?? "application", id: query.id ?? "" } as EntityRef;
      try {
        const info = await context.rights.authInfo(authorization);
        const rights = await context.rights.rightsOn(authorization, entity);
        const { caller } = info;
        return {
          caller: { ...caller, rights: [...caller.rights].sort() },
          is_admin: info.isAdmin,
          rights: [...rights].sort(),
        };
      } catch (error) {
        if (!(error instanceof DefinedError)) throw error;
        reply.code(error.httpStatus);
        return {
          error: {
            namespace: error.definition.namespace,
            name: error.definition.name,
            code: error.code,
            message: error.message,
            correlation_id: correlationIdOf(error) ?? "",
            matches: Object.fromEntries(
              Object.entries(definitions).map(([name, definition]) => [
                name,
                definition.matches(error),
              ]),
            ),
          },
        };
      }
    });
    return { start: async () => {}, isReady: () => true, stop: async () => {} };
  },
};

const { config } = loadConfig(programConfig, { env: process.env });
const logger = createLogger(config.log);
const runtime = await startRuntime({ config, logger, components: [rightsProbe] });
const stop = () => {
  runtime.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
