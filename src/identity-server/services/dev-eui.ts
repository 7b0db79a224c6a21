import { create } from "@bufbuild/protobuf";
import type { HandlerContext } from "@connectrpc/connect";
import { errorNamespace } from "../../errors/index.ts";
import {
  type IssueDevEUIResponse,
  IssueDevEUIResponseSchema,
} from "../../gen/ttn/lorawan/v3/application_pb.js";
import type { ApplicationIdentifiers } from "../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { applicationIssueDevEuiEvent } from "../events.ts";
import type { DevEuiBlock, DevEuiStore } from "../store/dev-eui.ts";
import { authorize, type ServiceContext } from "./context.ts";
import { errMissingField } from "./convert.ts";
import { euiToBytes } from "./gateways.ts";

const errors = errorNamespace("identity-server/services/dev-eui");
/** `dev_eui_block.enabled` is off. */
export const errDevEuiIssuingNotEnabled = errors.invalidArgument(
  "dev_eui_issuing_not_enabled",
  "DevEUI issuing not configured",
);

/** The configured block and how many DevEUIs one application may get (0: no limit). */
export interface DevEuiIssuing {
  block: DevEuiBlock;
  applicationLimit: number;
}

/**
 * ApplicationRegistry.IssueDevEUI: the next DevEUI of the configured IEEE block for a caller
 * who may add devices to the application (`RIGHT_APPLICATION_DEVICES_WRITE`), counted against
 * the application's limit, as in The Things Stack. Addresses are issued in order and never
 * twice; publishes `application.issue_dev_eui`. `issuing` is read at each call (the
 * configuration), `undefined` when issuing is off.
 */
export function issueDevEui(
  context: ServiceContext,
  store: DevEuiStore,
  issuing: () => DevEuiIssuing | undefined,
): (request: ApplicationIdentifiers, handler: HandlerContext) => Promise<IssueDevEUIResponse> {
  return async (request, handler) => {
    const applicationId = request.applicationId;
    if (!applicationId) throw errMissingField.create({ field: "application_id" });
    const application = { kind: "application" as const, id: applicationId };
    await authorize(context, handler, application, ["RIGHT_APPLICATION_DEVICES_WRITE"]);
    const configured = issuing();
    if (!configured) throw errDevEuiIssuingNotEnabled.create();
    const devEui = await store.issue(applicationId, configured.block, configured.applicationLimit);
    context.events.publish(applicationIssueDevEuiEvent, { identifiers: [application] });
    return create(IssueDevEUIResponseSchema, { devEui: euiToBytes(devEui) });
  };
}
