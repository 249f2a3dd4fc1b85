import type { CompiledQuery, Insertable, Kysely, Selectable, Transaction, Updateable } from "kysely";
import { containsExactly, likeContains } from "./like.js";
import { prepareOnPostgres } from "./preparedStatements.js";
import type { ConnectionTable, Database } from "./schema.js";

export type ConnectionRow = Selectable<ConnectionTable>;
export type NewConnectionRow = Insertable<ConnectionTable>;

export interface ConnectionFilter {
  connectionId?: string | undefined;
  endUserId?: string | undefined;
  endUserOrganizationId?: string | undefined;
  search?: string | undefined;
  limit: number;
  offset: number;
}

type Db = Kysely<Database> | Transaction<Database>;

/** Every column, named (TypeScript checks the list is complete): the hot lookups select these, not `*`. */
const COLUMNS: Record<keyof ConnectionTable, true> = {
  id: true,
  connection_id: true,
  provider_config_key: true,
  end_user_id: true,
  end_user: true,
  tenant_id: true,
  object_id: true,
  username: true,
  display_name: true,
  account_type: true,
  status: true,
  errors: true,
  credentials_enc: true,
  access_token_expires_at: true,
  scope: true,
  connection_config: true,
  metadata: true,
  tags: true,
  created_at: true,
  updated_at: true,
  last_fetched_at: true,
  last_refreshed_at: true,
  refresh_failures: true,
  failure_reported: true,
  version: true,
  ms_user_id: true,
  selected_account_ids: true,
  accounts_synced_at: true,
  accounts_error: true,
  accounts_sync_due_at: true,
  keepalive_due_at: true,
};
const CONNECTION_COLUMNS = Object.keys(COLUMNS) as (keyof ConnectionTable)[];

export class ConnectionStore {
  /**
   * The token read's lookup, built and compiled once (Kysely's query building was a good part of
   * a read): each call reuses it with the connection id as its one parameter.
   */
  private readonly byConnectionId: CompiledQuery<ConnectionRow>;
  /** The status read's query (a list filtered by connection id only) with whether a live refresh lease exists (`leased`), compiled once: parameters [now, connection id, limit, offset]. */
  private readonly statusByConnectionId: CompiledQuery<ConnectionRow & { leased: unknown }>;

  constructor(private readonly db: Kysely<Database>) {
    // Explicit columns, so PostgreSQL may keep them prepared (see prepareOnPostgres).
    this.byConnectionId = db.selectFrom("connections").select(CONNECTION_COLUMNS).where("connection_id", "=", "").compile() as CompiledQuery<ConnectionRow>;
    if (this.byConnectionId.parameters.length !== 1) throw new Error("the connection lookup must have exactly one parameter");
    this.statusByConnectionId = db
      .selectFrom("connections")
      .select(CONNECTION_COLUMNS)
      .select((eb) =>
        eb
          .exists(eb.selectFrom("refresh_leases").select("refresh_leases.connection_id").whereRef("refresh_leases.connection_id", "=", "connections.connection_id").where("refresh_leases.expires_at", ">", -1))
          .as("leased"),
      )
      .where("connections.connection_id", "=", "")
      .orderBy("connections.id", "asc")
      .limit(1)
      .offset(0)
      .compile() as CompiledQuery<ConnectionRow & { leased: unknown }>;
    if (JSON.stringify(this.statusByConnectionId.parameters) !== JSON.stringify([-1, "", 1, 0])) throw new Error("the status lookup's parameters must be [now, connection id, limit, offset]");
    prepareOnPostgres(this.byConnectionId.sql);
    prepareOnPostgres(this.statusByConnectionId.sql);
  }

  /**
   * A status read's rows (the list filtered by connection id only) and which of them some instance
   * holds a live refresh lease on at `now` (see RefreshLeaseStore), in one query instead of two.
   */
  async listByConnectionIdWithLeases(connectionId: string, limit: number, offset: number, now: number): Promise<{ rows: ConnectionRow[]; leased: Set<string> }> {
    const { rows } = await this.db.executeQuery<ConnectionRow & { leased: unknown }>({ ...this.statusByConnectionId, parameters: [now, connectionId, limit, offset] });
    const leased = new Set<string>();
    // PostgreSQL answers a boolean, SQLite 0 or 1. The rows keep their extra `leased` column (no copy
    // without it by object rest: on the token read that pattern made garbage outlive scavenges, see
    // ConnectionService.get); the summaries built from them name their fields.
    for (const row of rows) if (row.leased === true || row.leased === 1) leased.add(row.connection_id);
    return { rows, leased };
  }

  async list(filter: ConnectionFilter): Promise<ConnectionRow[]> {
    let query = this.db.selectFrom("connections").selectAll();
    if (filter.connectionId) query = query.where("connection_id", "=", filter.connectionId);
    if (filter.endUserId) query = query.where("end_user_id", "=", filter.endUserId);
    if (filter.endUserOrganizationId) {
      // Organization lives in the end_user JSON; match its serialized id exactly.
      query = query.where(containsExactly("end_user", `"organization":{"id":${JSON.stringify(filter.endUserOrganizationId)}`));
    }
    if (filter.search) {
      const search = filter.search;
      query = query.where((eb) => eb.or(["connection_id", "username", "end_user_id"].map((column) => likeContains(column, search))));
    }
    return query.orderBy("id", "asc").limit(filter.limit).offset(filter.offset).execute();
  }

  async findByConnectionId(connectionId: string, db: Db = this.db): Promise<ConnectionRow | undefined> {
    const { rows } = await db.executeQuery<ConnectionRow>({ ...this.byConnectionId, parameters: [connectionId] });
    return rows[0];
  }

  async findByAccount(endUserId: string, tenantId: string, objectId: string, db: Db = this.db): Promise<ConnectionRow | undefined> {
    return db
      .selectFrom("connections")
      .selectAll()
      .where("end_user_id", "=", endUserId)
      .where("tenant_id", "=", tenantId)
      .where("object_id", "=", objectId)
      .executeTakeFirst();
  }

  async insert(row: NewConnectionRow, db: Db = this.db): Promise<void> {
    await db.insertInto("connections").values(row).execute();
  }

  async update(connectionId: string, changes: Updateable<ConnectionTable>, db: Db = this.db): Promise<boolean> {
    const result = await db.updateTable("connections").set(changes).where("connection_id", "=", connectionId).executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * A write guarded by the row version. `expected`: write only if the row is still that version
   * (null: unconditionally). `bump`: this write stores new credentials (connect, reconnect, a
   * refresh's new tokens), so it starts a new version. False when nothing was written: someone
   * else stored credentials since, and this write is stale.
   */
  async updateVersioned(
    connectionId: string,
    guard: { expected: number | null; bump: boolean },
    changes: Updateable<ConnectionTable>,
    db: Db = this.db,
  ): Promise<boolean> {
    let query = db
      .updateTable("connections")
      .set((eb) => (guard.bump ? { ...changes, version: eb("version", "+", 1) } : changes))
      .where("connection_id", "=", connectionId);
    if (guard.expected !== null) query = query.where("version", "=", guard.expected);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async delete(connectionId: string, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom("connections").where("connection_id", "=", connectionId).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }
}
