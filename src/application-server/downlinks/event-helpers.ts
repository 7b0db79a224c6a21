/** What the Application Server's traffic events carry: the end device, and errors as TTS's ErrorDetails. */

import { errorDetailsMessage } from "../../api/error-details.ts";
import { DefinedError, errorNamespace } from "../../errors/index.ts";
import type { EventBus } from "../../events/index.ts";
import type { ErrorDetails } from "../../gen/ttn/lorawan/v3/error_pb.js";
import type { EndDeviceIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";

/** Where the traffic parts publish: the event bus, or a recorder in tests. */
export type EventPublisher = Pick<EventBus, "publish">;

const errors = errorNamespace("application-server/traffic");
const errUnexpected = errors.internal("unexpected", "unexpected error: {message}");

/** The event identifiers of an end device. */
export function deviceIdentifiers(ids: EndDeviceIdentifiers | undefined) {
  const applicationId = ids?.applicationIds?.applicationId ?? "";
  return [{ kind: "end_device" as const, id: `${applicationId}.${ids?.deviceId ?? ""}` }];
}

/** Any error as TTS's ErrorDetails (an error that is not a defined one becomes `unexpected`). */
export function errorData(error: unknown, correlationIds: readonly string[] = []): ErrorDetails {
  const defined =
    error instanceof DefinedError
      ? error
      : errUnexpected.create({ message: error instanceof Error ? error.message : String(error) });
  return errorDetailsMessage(defined, correlationIds[0] ?? "");
}
