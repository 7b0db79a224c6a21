/**
 * The application packages this Application Server implements, by name, with The Things
 * Stack's default FPort for each. A name not here is refused (`package_not_implemented`).
 */
export const packageCatalog: ReadonlyMap<string, { defaultFPort: number }> = new Map([
  // Stores the upstream messages of the devices it is associated with (src/application-server/storage/).
  ["storage-integration", { defaultFPort: 200 }],
]);

/** The storage integration's package name. */
export const storagePackageName = "storage-integration";
