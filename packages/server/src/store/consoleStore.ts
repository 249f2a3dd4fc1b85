import { sql } from "kysely";
import type { ConnectionRow } from "./connectionStore.js";
import type { Db } from "./db.js";
import type { ConnectionTable } from "./schema.js";

export type ConsoleSort = "created_at" | "updated_at" | "end_user_id" | "status";

export interface ConsoleConnectionQuery {
  /** An end user id or email, an account number or id, or a connection id (exact, email and number ignore case). */
  search?: string | undefined;
  status?: ConnectionTable["status"] | undefined;
  errorCode?: string | undefined;
  sort: ConsoleSort;
  order: "asc" | "desc";
  limit: number;
  offset: number;
}

/** The connections list counts its matches up to this many. */
const COUNT_CAP = 10_000;

/** The list's columns: what a row of the console's table shows (no credentials). */
const LIST_COLUMNS = [
  "connection_id",
  "provider_config_key",
  "end_user_id",
  "end_user",
  "username",
  "display_name",
  "status",
  "error_code",
  "created_at",
  "updated_at",
  "last_refreshed_at",
  "accounts_synced_at",
] as const;
export type ConsoleConnectionRow = Pick<ConnectionRow, (typeof LIST_COLUMNS)[number]>;

/** One outbox row with its delivery state, for the console's webhooks page. */
export interface ConsoleDeliveryRow {
  id: string;
  body: string;
  created_at: number;
  next_attempt_at: number;
  attempts: number;
  delivered_at: number | null;
  gave_up_at: number | null;
  last_error: string | null;
}

/** The operator console's own reads and writes: its sign-ins, the connections table, the overview's counts. */
export class ConsoleStore {
  constructor(private readonly db: Db) {}

  async insertSession(tokenHash: string, createdAt: number, expiresAt: number): Promise<void> {
    await this.db.insertInto("console_sessions").values({ token_hash: tokenHash, created_at: createdAt, expires_at: expiresAt }).execute();
  }

  /** Whether the session is live at `now`. */
  async sessionValid(tokenHash: string, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom("console_sessions")
      .select("token_hash")
      .where("token_hash", "=", tokenHash)
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return row !== undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.db.deleteFrom("console_sessions").where("token_hash", "=", tokenHash).execute();
  }

  /** Drops expired sign-ins (run at each new sign-in: there are few). */
  async deleteExpiredSessions(now: number): Promise<void> {
    await this.db.deleteFrom("console_sessions").where("expires_at", "<=", now).execute();
  }

  /**
   * One page of connections and how many match (counted up to `countCap`: past it `total` is the cap
   * and `capped` true, so a broad list does not count the whole table on every page), on the indexed
   * columns of 0015_operator_console.
   */
  async connections(query: ConsoleConnectionQuery, countCap = COUNT_CAP): Promise<{ rows: ConsoleConnectionRow[]; total: number; capped: boolean }> {
    let base = this.db.selectFrom("connections");
    if (query.status) base = base.where("status", "=", query.status);
    if (query.errorCode) base = base.where("error_code", "=", query.errorCode);
    const search = query.search?.trim();
    if (search) {
      // One indexed lookup per column, their ids united: an OR across columns (and the accounts)
      // would make PostgreSQL scan the whole table.
      const lower = search.toLowerCase();
      const ids = this.db
        .selectFrom("connections")
        .select("connection_id")
        .where("connection_id", "=", search)
        .union(this.db.selectFrom("connections").select("connection_id").where("end_user_id", "=", search))
        .union(this.db.selectFrom("connections").select("connection_id").where("end_user_email", "=", lower))
        .union(this.db.selectFrom("connections").select("connection_id").where("username", "=", lower))
        .union(this.db.selectFrom("ad_accounts").select("connection_id").where("account_id", "=", search))
        .union(this.db.selectFrom("ad_accounts").select("connection_id").where("account_number", "in", [search, search.toUpperCase()]));
      base = base.where("connection_id", "in", ids);
    }
    const [rows, count] = await Promise.all([
      base.select(LIST_COLUMNS).orderBy(query.sort, query.order).orderBy("id", query.order).limit(query.limit).offset(query.offset).execute(),
      this.db
        .selectFrom(
          base
            .select("id")
            .limit(countCap + 1)
            .as("matching"),
        )
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
    ]);
    const n = Number(count.n);
    return { rows, total: Math.min(n, countCap), capped: n > countCap };
  }

  /** Connections by current error code (the overview's "failing now"). */
  async connectionsByErrorCode(): Promise<{ code: string; n: number }[]> {
    const rows = await this.db
      .selectFrom("connections")
      .select(["error_code", (eb) => eb.fn.countAll<number>().as("n")])
      .where("error_code", "is not", null)
      .groupBy("error_code")
      .execute();
    return rows.map((r) => ({ code: r.error_code!, n: Number(r.n) }));
  }

  /** Integration events since `since`, counted per kind and bucket (`(at - since) / bucketMs`). */
  async eventBuckets(since: number, bucketMs: number): Promise<{ kind: string; bucket: number; n: number }[]> {
    // Literal numbers (safe integers computed here), so PostgreSQL sees the grouped expression as the selected one.
    const bucket = sql<number>`(${sql.ref("at")} - ${sql.lit(Math.trunc(since))}) / ${sql.lit(Math.trunc(bucketMs))}`;
    const rows = await this.db
      .selectFrom("integration_events")
      .select(["kind", bucket.as("bucket"), (eb) => eb.fn.countAll<number>().as("n")])
      .where("at", ">=", since)
      .groupBy(["kind", bucket])
      .execute();
    return rows.map((r) => ({ kind: r.kind, bucket: Math.floor(Number(r.bucket)), n: Number(r.n) }));
  }

  /** Failure codes since `since` with their counts and last time (the overview's top errors). */
  async failureCodes(since: number, limit: number): Promise<{ code: string; n: number; last_at: number }[]> {
    const rows = await this.db
      .selectFrom("integration_events")
      .select(["code", (eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.max("at").as("last_at")])
      .where("at", ">=", since)
      .where("code", "is not", null)
      .groupBy("code")
      .orderBy("n", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => ({ code: r.code!, n: Number(r.n), last_at: Number(r.last_at) }));
  }

  /** The outbox rows that were waiting at some time in [from, to]: their creation and end times (the backlog chart). */
  async backlogSpans(from: number, to: number): Promise<{ created_at: number; ended_at: number | null }[]> {
    const rows = await this.db
      .selectFrom("webhook_outbox")
      .select(["created_at", "delivered_at", "gave_up_at"])
      .where("created_at", "<=", to)
      .where((eb) =>
        eb.and([eb.or([eb("delivered_at", "is", null), eb("delivered_at", ">", from)]), eb.or([eb("gave_up_at", "is", null), eb("gave_up_at", ">", from)])]),
      )
      .execute();
    return rows.map((r) => ({
      created_at: Number(r.created_at),
      ended_at: r.delivered_at !== null ? Number(r.delivered_at) : r.gave_up_at !== null ? Number(r.gave_up_at) : null,
    }));
  }

  /** Webhook deliveries, newest first, optionally only pending/failed/delivered ones. */
  async deliveries(options: { status?: "pending" | "failed" | "delivered" | undefined; limit: number; offset: number }): Promise<ConsoleDeliveryRow[]> {
    let query = this.db
      .selectFrom("webhook_outbox")
      .select(["id", "body", "created_at", "next_attempt_at", "attempts", "delivered_at", "gave_up_at", "last_error"]);
    if (options.status === "delivered") query = query.where("delivered_at", "is not", null);
    if (options.status === "failed") query = query.where("gave_up_at", "is not", null);
    if (options.status === "pending") query = query.where("delivered_at", "is", null).where("gave_up_at", "is", null);
    const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(options.limit).offset(options.offset).execute();
    return rows.map((r) => ({ ...r, created_at: Number(r.created_at), next_attempt_at: Number(r.next_attempt_at), attempts: Number(r.attempts) }));
  }

  /** Operations of a type and action started since `since`, per bucket (`(started_at - since) / bucketMs`), optionally only those failed with `errorCode`. */
  async operationBuckets(type: string, action: string, since: number, bucketMs: number, errorCode?: string): Promise<{ bucket: number; n: number }[]> {
    const bucket = sql<number>`(${sql.ref("started_at")} - ${sql.lit(Math.trunc(since))}) / ${sql.lit(Math.trunc(bucketMs))}`;
    let query = this.db
      .selectFrom("operations")
      .select([bucket.as("bucket"), (eb) => eb.fn.countAll<number>().as("n")])
      .where("type", "=", type)
      .where("action", "=", action)
      .where("started_at", ">=", since);
    if (errorCode) query = query.where("error_code", "=", errorCode);
    const rows = await query.groupBy(bucket).execute();
    return rows.map((r) => ({ bucket: Math.floor(Number(r.bucket)), n: Number(r.n) }));
  }
}
