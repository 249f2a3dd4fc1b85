import { sql } from "kysely";
import type { Db } from "./db.js";
import type { IntegrationEventKind } from "./schema.js";

export interface EventError {
  code: string;
  actor: string;
  aadsts: number | null;
}

export interface ErrorCount {
  code: string;
  actor: string | null;
  count: number;
  last_at: number;
  /** Microsoft's numbers seen with this code, ascending. */
  aadsts: number[];
}

/** What happened to the integration over time: connects, refreshes, admin consents and their errors. */
export class IntegrationEventStore {
  constructor(private readonly db: Db) {}

  /** Written inside the caller's transaction (see Stores.transaction) so the event and the change it describes land together. */
  async record(at: number, kind: IntegrationEventKind, connectionId: string | null, error?: EventError): Promise<void> {
    await this.db
      .insertInto("integration_events")
      .values({ at, kind, connection_id: connectionId, code: error?.code ?? null, actor: error?.actor ?? null, aadsts: error?.aadsts ?? null })
      .execute();
  }

  /** When each kind last happened, or null. */
  async lastAt(kind: IntegrationEventKind): Promise<number | null> {
    const row = await this.db
      .selectFrom("integration_events")
      .select((eb) => eb.fn.max("at").as("at"))
      .where("kind", "=", kind)
      .executeTakeFirst();
    return row?.at == null ? null : Number(row.at);
  }

  /** Failures since `since`, grouped by our code, most frequent first. */
  async errorsSince(since: number): Promise<ErrorCount[]> {
    const rows = await this.db
      .selectFrom("integration_events")
      .select(["code", "actor", "aadsts", "at"])
      .where("at", ">=", since)
      .where("code", "is not", null)
      .execute();
    const byCode = new Map<string, ErrorCount>();
    for (const row of rows) {
      const code = row.code!;
      const entry = byCode.get(code) ?? { code, actor: row.actor, count: 0, last_at: 0, aadsts: [] };
      entry.count++;
      const at = Number(row.at);
      if (at >= entry.last_at) {
        entry.last_at = at;
        entry.actor = row.actor ?? entry.actor;
      }
      const aadsts = row.aadsts === null ? null : Number(row.aadsts);
      if (aadsts !== null && !entry.aadsts.includes(aadsts)) entry.aadsts.push(aadsts);
      byCode.set(code, entry);
    }
    return [...byCode.values()].map((e) => ({ ...e, aadsts: e.aadsts.sort((a, b) => a - b) })).sort((a, b) => b.count - a.count || b.last_at - a.last_at);
  }

  /**
   * The newest failure the product team must fix (a bad client secret, an unknown app…) when no
   * connect or refresh has succeeded since: the integration is broken, whoever signs in.
   */
  async openConfigurationProblem(): Promise<{ code: string; aadsts: number | null; at: number } | null> {
    const problem = await this.db
      .selectFrom("integration_events")
      .select(["code", "aadsts", "at"])
      .where("actor", "=", "product_team")
      .where("kind", "in", ["connect_failed", "refresh_failed"])
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!problem?.code) return null;
    const fixedSince = await this.db
      .selectFrom("integration_events")
      .select(sql<number>`count(*)`.as("n"))
      .where("kind", "in", ["connect_succeeded", "refresh_succeeded"])
      .where("at", ">", problem.at)
      .executeTakeFirst();
    if (Number(fixedSince?.n ?? 0) > 0) return null;
    return { code: problem.code, aadsts: problem.aadsts === null ? null : Number(problem.aadsts), at: Number(problem.at) };
  }
}
