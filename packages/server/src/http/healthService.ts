import { isDatabaseUnavailable } from "../store/databaseErrors.js";
import type { Stores } from "../store/stores.js";

export interface Readiness {
  ready: boolean;
  database: "reachable" | "unreachable";
  migrations: "current" | "pending" | "unknown";
}

/** `GET /readyz`: can this instance serve requests (database reachable, schema up to date)? */
export class HealthService {
  constructor(private readonly stores: Pick<Stores, "pendingMigrations">) {}

  async readiness(): Promise<Readiness> {
    try {
      const pending = await this.stores.pendingMigrations();
      return { ready: pending.length === 0, database: "reachable", migrations: pending.length === 0 ? "current" : "pending" };
    } catch (err) {
      if (!isDatabaseUnavailable(err)) throw err;
      return { ready: false, database: "unreachable", migrations: "unknown" };
    }
  }
}
