import { create } from "@bufbuild/protobuf";
import { EmptySchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { checkId } from "../../api/end-device-identifiers.ts";
import { isFieldPath } from "../../api/field-paths.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import { ApplicationLinkSchema, type As } from "../../gen/ttn/lorawan/v3/applicationserver_pb.js";
import { applyFieldMask, mergeFieldMask } from "../../storage/message-store/index.ts";
import { errForbiddenFieldMaskPaths, errLinkNotFound } from "../errors.ts";
import type { UpdatableLinkRegistry } from "../registry/index.ts";
import { checkFormatterLengths } from "./formatters.ts";

/** What the link service works with. */
export interface LinkServiceContext {
  links: UpdatableLinkRegistry;
  rights: RightsFetcher;
  /** `as.formatters.max_parameter_length`: longest formatter script, in bytes. */
  maxParameterLength: number;
}

/** The Things Stack requires this right of every link call (it once was `_LINK`). */
const linkRights: readonly RightName[] = ["RIGHT_APPLICATION_SETTINGS_BASIC"];

/** Refuses paths that are no field of `ApplicationLink` (the API refuses them first over REST). */
function checkPaths(paths: readonly string[]): readonly string[] {
  const forbidden = paths.filter((path) => !isFieldPath(ApplicationLinkSchema, path));
  if (forbidden.length > 0)
    throw errForbiddenFieldMaskPaths.create({ forbidden_paths: forbidden.join(", ") });
  return paths;
}

/**
 * The Application Server's `As` service: an application's link (default payload formatters,
 * whether payloads stay encrypted), as The Things Stack's: `RIGHT_APPLICATION_SETTINGS_BASIC`,
 * field masks on Get and Set, formatter scripts up to `as.formatters.max_parameter_length`.
 */
export function asLinkService(context: LinkServiceContext): Partial<ServiceImpl<typeof As>> {
  const { links, rights } = context;
  const authorize = (authorization: string | null, applicationId: string) =>
    requireApplicationRights(rights, authorization, applicationId, linkRights);

  return {
    async getLink(request, handler) {
      const applicationId = checkId(
        "application_ids.application_id",
        request.applicationIds?.applicationId ?? "",
      );
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      const paths = checkPaths(request.fieldMask?.paths ?? []);
      const link = await links.get(applicationId);
      if (!link) throw errLinkNotFound.create({ application_id: applicationId });
      return applyFieldMask(ApplicationLinkSchema, link, paths);
    },

    async setLink(request, handler) {
      const applicationId = checkId(
        "application_ids.application_id",
        request.applicationIds?.applicationId ?? "",
      );
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      const paths = checkPaths(request.fieldMask?.paths ?? []);
      const given = request.link ?? create(ApplicationLinkSchema);
      checkFormatterLengths(
        given.defaultFormatters,
        "default_formatters",
        paths,
        context.maxParameterLength,
      );
      return links.update(applicationId, (current) =>
        mergeFieldMask(
          ApplicationLinkSchema,
          current ?? create(ApplicationLinkSchema),
          given,
          paths,
        ),
      );
    },

    async deleteLink(request, handler) {
      const applicationId = checkId("application_id", request.applicationId);
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      await links.delete(applicationId);
      return create(EmptySchema);
    },
  };
}
