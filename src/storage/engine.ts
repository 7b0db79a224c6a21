/** The SQL engines lorastack runs on. */
export type DatabaseEngine = "sqlite" | "postgres";

/** Where the database is, derived from `database.uri` and `data_dir`. */
export type DatabaseLocation =
  | { engine: "sqlite"; file: string }
  | { engine: "postgres"; uri: string };
