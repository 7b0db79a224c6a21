import { create } from "@bufbuild/protobuf";
import type { FastifyInstance } from "fastify";
import { errorToHttp } from "../../api/errors.ts";
import { messageFromJson, parseJson } from "../../api/rest/json.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { EndDeviceIdentifiersSchema } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { ApplicationDownlinksSchema } from "../../gen/ttn/lorawan/v3/messages_pb.js";
import type { Logger } from "../../log/logger.ts";
import type { ApplicationDownlinkQueue } from "../downlink-queue.ts";
import { errInvalidField, errWebhookNotFound } from "./errors.ts";
import type { WebhookRegistry } from "./registry.ts";
import { isValidId } from "./validate.ts";

/** The routes webhook receivers call back (the URLs in `X-Downlink-Push` / `X-Downlink-Replace`). */
export const downlinkRoutePath =
  "/api/v3/as/applications/:application_id/webhooks/:webhook_id/devices/:device_id/down/:operation";

const operations = {
  push: (queue: ApplicationDownlinkQueue) => queue.push.bind(queue),
  replace: (queue: ApplicationDownlinkQueue) => queue.replace.bind(queue),
} as const;

/**
 * Serves `POST .../down/push` and `.../down/replace` as The Things Stack: the caller's API key
 * (`Authorization: Bearer ...`) needs RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE on the application,
 * the webhook must exist, and the body `{"downlinks": [...]}` goes to the downlink queue.
 * Errors are The Things Stack's JSON error body.
 */
export async function registerDownlinkRoutes(
  app: FastifyInstance,
  options: {
    registry: WebhookRegistry;
    rights: RightsFetcher;
    queue: ApplicationDownlinkQueue;
    logger: Logger;
  },
): Promise<void> {
  await app.register(async (scope) => {
    // The body is read as text whatever its type, and parsed here with TTS's JSON rules.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) =>
      done(null, body),
    );
    scope.post(downlinkRoutePath, async (request, reply) => {
      const params = request.params as Record<string, string>;
      try {
        const applicationId = params.application_id ?? "";
        const webhookId = params.webhook_id ?? "";
        const deviceId = params.device_id ?? "";
        const operation = params.operation ?? "";
        if (!Object.hasOwn(operations, operation)) return reply.callNotFound();
        await requireApplicationRights(
          options.rights,
          request.headers.authorization ?? null,
          applicationId,
          ["RIGHT_APPLICATION_TRAFFIC_DOWN_WRITE"],
        );
        for (const [field, id] of [
          ["webhook_id", webhookId],
          ["device_id", deviceId],
        ] as const)
          if (!isValidId(id)) throw errInvalidField.create({ field, reason: "not a valid ID" });
        if (!(await options.registry.get({ applicationId, webhookId })))
          throw errWebhookNotFound.create({ application_id: applicationId, webhook_id: webhookId });
        const text = typeof request.body === "string" ? request.body : "";
        const { downlinks } = messageFromJson(ApplicationDownlinksSchema, parseJson(text || "{}"));
        const ids = create(EndDeviceIdentifiersSchema, {
          applicationIds: { applicationId },
          deviceId,
        });
        await operations[operation as keyof typeof operations](options.queue)(ids, downlinks);
        return reply.code(200).type("application/json").send("{}");
      } catch (error) {
        const answer = errorToHttp(error, request.id);
        if (answer.status >= 500)
          options.logger.error({ err: error }, "webhook downlink callback failed");
        return reply.code(answer.status).type("application/json").send(JSON.stringify(answer.body));
      }
    });
  });
}
