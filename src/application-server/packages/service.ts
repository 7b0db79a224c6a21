import { create, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { EmptySchema, timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import { checkId, endDeviceKeyOf } from "../../api/end-device-identifiers.ts";
import { requestedPage } from "../../api/paging.ts";
import { requireApplicationRights } from "../../auth/application-rights.ts";
import type { RightName } from "../../auth/rights/index.ts";
import type { RightsFetcher } from "../../auth/rights-fetcher.ts";
import {
  type ApplicationPackageAssociation,
  ApplicationPackageAssociationSchema,
  ApplicationPackageAssociationsSchema,
  type ApplicationPackageDefaultAssociation,
  ApplicationPackageDefaultAssociationSchema,
  ApplicationPackageDefaultAssociationsSchema,
  type ApplicationPackageRegistry,
  ApplicationPackagesSchema,
} from "../../gen/ttn/lorawan/v3/applicationserver_packages_pb.js";
import {
  applyFieldMask,
  checkFieldMask,
  mergeFieldMask,
} from "../../storage/message-store/index.ts";
import {
  errAssociationNotFound,
  errDefaultAssociationNotFound,
  errInvalidField,
  errPackageNotImplemented,
} from "./errors.ts";
import type { PackageRegistry } from "./registry.ts";

// As The Things Stack: every call needs this right on the application.
const required: RightName[] = ["RIGHT_APPLICATION_SETTINGS_PACKAGES"];
// Always returned, whatever the field mask: which association it is, when, and its package
// (TTS adds `package_name` to every read).
const implicitPaths = ["ids", "created_at", "updated_at", "package_name"];
// Written by the Application Server only.
const readOnlyPaths = new Set(["ids", "created_at", "updated_at"]);
const idPattern = /^[a-z0-9](?:[-]?[a-z0-9]){2,}$/;

/** The packages this server offers: name → default FPort. */
export type OfferedPackages = ReadonlyMap<string, { defaultFPort: number }>;

function checkFPort(field: string, fPort: number): number {
  if (!Number.isInteger(fPort) || fPort < 1 || fPort > 255)
    throw errInvalidField.create({ field, reason: "an FPort from 1 to 255 is required" });
  return fPort;
}

/** Refuses a package name that is malformed or that this server does not offer. */
function checkPackage(offered: OfferedPackages, name: string): void {
  if (name.length > 36 || !idPattern.test(name))
    throw errInvalidField.create({
      field: "package_name",
      reason: "a package name is required: lowercase letters, digits and single dashes",
    });
  if (!offered.has(name)) throw errPackageNotImplemented.create({ name });
}

/** The paths a Set may write, checked against the message. */
function writablePaths<Desc extends DescMessage>(schema: Desc, paths: readonly string[]): string[] {
  const writable = paths.filter((path) => !readOnlyPaths.has(path.split(".")[0] as string));
  checkFieldMask(schema, writable);
  return writable;
}

function visible<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
  paths: readonly string[],
): MessageShape<Desc> {
  checkFieldMask(schema, paths);
  return applyFieldMask(schema, message, [...implicitPaths, ...paths]);
}

/**
 * `ApplicationPackageRegistry`: the packages on offer and the associations that turn them on,
 * with The Things Stack's rights, paths and field masks. After every change `changed(app)` is
 * told (the activation caches of every instance drop the application).
 */
export function packageRegistryService(options: {
  registry: PackageRegistry;
  rights: RightsFetcher;
  offered: OfferedPackages;
  changed(applicationId: string): void;
  now?: () => number;
}): Partial<ServiceImpl<typeof ApplicationPackageRegistry>> {
  const { registry, rights, offered } = options;
  const now = options.now ?? Date.now;
  const authorize = (authorization: string | null, applicationId: string) =>
    requireApplicationRights(rights, authorization, applicationId, required);

  return {
    async list(request, handler) {
      const applicationId = applicationIdOf(
        request.applicationIds?.applicationId,
        "application_ids",
      );
      checkId("device_id", request.deviceId);
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      return create(ApplicationPackagesSchema, {
        packages: [...offered].map(([name, { defaultFPort }]) => ({
          name,
          defaultFPort,
        })),
      });
    },

    async getAssociation(request, handler) {
      const device = endDeviceKeyOf(request.ids?.endDeviceIds, "ids.end_device_ids");
      const fPort = checkFPort("ids.f_port", request.ids?.fPort ?? 0);
      await authorize(handler.requestHeader.get("authorization"), device.applicationId);
      const found = await registry.getAssociation({ ...device, fPort });
      if (!found)
        throw errAssociationNotFound.create({
          application_id: device.applicationId,
          device_id: device.deviceId,
          f_port: fPort,
        });
      return visible(ApplicationPackageAssociationSchema, found, request.fieldMask?.paths ?? []);
    },

    async listAssociations(request, handler) {
      const device = endDeviceKeyOf(request.ids, "ids");
      await authorize(handler.requestHeader.get("authorization"), device.applicationId);
      const paths = request.fieldMask?.paths ?? [];
      const page = await registry.listAssociations(device, requestedPage(request));
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(ApplicationPackageAssociationsSchema, {
        associations: page.items.map((item) =>
          visible(ApplicationPackageAssociationSchema, item, paths),
        ),
      });
    },

    async setAssociation(request, handler) {
      const given = request.association ?? create(ApplicationPackageAssociationSchema);
      const device = endDeviceKeyOf(given.ids?.endDeviceIds, "association.ids.end_device_ids");
      const fPort = checkFPort("association.ids.f_port", given.ids?.fPort ?? 0);
      await authorize(handler.requestHeader.get("authorization"), device.applicationId);
      const paths = writablePaths(
        ApplicationPackageAssociationSchema,
        request.fieldMask?.paths ?? [],
      );
      const stored = await registry.updateAssociation({ ...device, fPort }, (current) => {
        const at = timestampFromMs(now());
        const base: ApplicationPackageAssociation =
          current ??
          create(ApplicationPackageAssociationSchema, {
            ids: {
              endDeviceIds: {
                applicationIds: { applicationId: device.applicationId },
                deviceId: device.deviceId,
              },
              fPort,
            },
            createdAt: at,
          });
        const next = mergeFieldMask(ApplicationPackageAssociationSchema, base, given, paths);
        next.updatedAt = at;
        checkPackage(offered, next.packageName);
        return next;
      });
      if (!stored) throw new Error("the registry stored no association for a set");
      options.changed(device.applicationId);
      return visible(ApplicationPackageAssociationSchema, stored, paths);
    },

    async deleteAssociation(request, handler) {
      const device = endDeviceKeyOf(request.endDeviceIds, "end_device_ids");
      const fPort = checkFPort("f_port", request.fPort);
      await authorize(handler.requestHeader.get("authorization"), device.applicationId);
      // As The Things Stack: deleting an association that is not there is not an error.
      await registry.updateAssociation({ ...device, fPort }, () => null);
      options.changed(device.applicationId);
      return create(EmptySchema);
    },

    async getDefaultAssociation(request, handler) {
      const applicationId = applicationIdOf(
        request.ids?.applicationIds?.applicationId,
        "ids.application_ids",
      );
      const fPort = checkFPort("ids.f_port", request.ids?.fPort ?? 0);
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      const found = await registry.getDefaultAssociation({ applicationId, fPort });
      if (!found)
        throw errDefaultAssociationNotFound.create({
          application_id: applicationId,
          f_port: fPort,
        });
      return visible(
        ApplicationPackageDefaultAssociationSchema,
        found,
        request.fieldMask?.paths ?? [],
      );
    },

    async listDefaultAssociations(request, handler) {
      const applicationId = applicationIdOf(request.ids?.applicationId, "ids");
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      const paths = request.fieldMask?.paths ?? [];
      const page = await registry.listDefaultAssociations(applicationId, requestedPage(request));
      handler.responseHeader.set("x-total-count", String(page.total));
      return create(ApplicationPackageDefaultAssociationsSchema, {
        defaults: page.items.map((item) =>
          visible(ApplicationPackageDefaultAssociationSchema, item, paths),
        ),
      });
    },

    async setDefaultAssociation(request, handler) {
      const given = request.default ?? create(ApplicationPackageDefaultAssociationSchema);
      const applicationId = applicationIdOf(
        given.ids?.applicationIds?.applicationId,
        "default.ids.application_ids",
      );
      const fPort = checkFPort("default.ids.f_port", given.ids?.fPort ?? 0);
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      const paths = writablePaths(
        ApplicationPackageDefaultAssociationSchema,
        request.fieldMask?.paths ?? [],
      );
      const stored = await registry.updateDefaultAssociation(
        { applicationId, fPort },
        (current) => {
          const at = timestampFromMs(now());
          const base: ApplicationPackageDefaultAssociation =
            current ??
            create(ApplicationPackageDefaultAssociationSchema, {
              ids: { applicationIds: { applicationId }, fPort },
              createdAt: at,
            });
          const next = mergeFieldMask(
            ApplicationPackageDefaultAssociationSchema,
            base,
            given,
            paths,
          );
          next.updatedAt = at;
          checkPackage(offered, next.packageName);
          return next;
        },
      );
      if (!stored) throw new Error("the registry stored no default association for a set");
      options.changed(applicationId);
      return visible(ApplicationPackageDefaultAssociationSchema, stored, paths);
    },

    async deleteDefaultAssociation(request, handler) {
      const applicationId = applicationIdOf(
        request.applicationIds?.applicationId,
        "application_ids",
      );
      const fPort = checkFPort("f_port", request.fPort);
      await authorize(handler.requestHeader.get("authorization"), applicationId);
      await registry.updateDefaultAssociation({ applicationId, fPort }, () => null);
      options.changed(applicationId);
      return create(EmptySchema);
    },
  };
}

function applicationIdOf(value: string | undefined, field: string): string {
  return checkId(`${field}.application_id`, value ?? "");
}
