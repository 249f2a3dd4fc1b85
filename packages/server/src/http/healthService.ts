import type { Kysely } from "kysely";
import { isDatabaseUnavailable } from "../store/databaseErrors.js";
import { pendingMigrations } from "../store/migrations.js";
import type { Database } from "../store/schema.js";

export interface Readiness {
  ready: boolean;
  database: "reachable" | "unreachable";
  migrations: "current" | "pending" | "unknown";
}

/** `GET /readyz`: can this instance serve requests (database reachable, schema up to date)? */
export class HealthService {
  constructor(private readonly db: Kysely<Database>) {}

  async readiness(): Promise<Readiness> {
    try {
      const pending = await pendingMigrations(this.db as Kysely<unknown>);
      return { ready: pending.length === 0, database: "reachable", migrations: pending.length === 0 ? "current" : "pending" };
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      return { ready: false, database: "unreachable", migrations: "unknown" };
    }
  }
}
