import { loadConfig } from "../config.js";
import { createDatabase } from "../store/createDatabase.js";
import type { CliIo } from "./cliIo.js";

/** `ads-connect migrate`: brings the database to the latest schema (what starting also does) and exits. */
export async function migrateCli(io: CliIo): Promise<number> {
  const config = loadConfig(io.env, (message) => io.err(`${message}\n`));
  const db = await createDatabase(config.databaseFile);
  await db.destroy();
  io.out(`Database ${config.databaseFile} is migrated to the latest schema.\n`);
  return 0;
}
