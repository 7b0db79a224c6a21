/**
 * The tables of the lorastack database, as Kysely sees them. Each migration that adds a table
 * adds its row type here.
 */
export interface DatabaseSchema {
  metadata: MetadataTable;
}

/** Facts about the database itself, such as the installation id shared by a cluster. */
export interface MetadataTable {
  key: string;
  value: string;
  updated_at: string;
}
