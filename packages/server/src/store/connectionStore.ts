import type { CompiledQuery, Insertable, Selectable, Updateable } from "kysely";
import { databaseNow } from "./databaseClock.js";
import type { Db } from "./db.js";
import { containsExactly, likeContains } from "./like.js";
import { prepareOnPostgres } from "./preparedStatements.js";
import type { ConnectionTable } from "./schema.js";
import { sqliteChangeStamp } from "./sqliteDialect.js";

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
  end_user_email: true,
  error_code: true,
};
const CONNECTION_COLUMNS = Object.keys(COLUMNS) as (keyof ConnectionTable)[];

/**
 * The console's indexed copies (0015_operator_console) of what a write puts in the JSON columns:
 * the end user's email, lowercase, and the first error's code.
 */
function withSearchColumns<T extends Updateable<ConnectionTable>>(changes: T): T {
  if (changes.end_user === undefined && changes.errors === undefined) return changes;
  const out = { ...changes };
  if (changes.end_user !== undefined) {
    const email = (safeJson(changes.end_user) as { email?: unknown } | null)?.email;
    out.end_user_email = typeof email === "string" ? email.toLowerCase() : null;
  }
  if (changes.errors !== undefined) {
    const first = (safeJson(changes.errors) as { type?: unknown }[] | null)?.[0]?.type;
    out.error_code = typeof first === "string" ? first : null;
  }
  return out;
}

function safeJson(text: string | null | undefined): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** Who a connection's user is and how their accounts' discovery went (the account picker's pages). */
const USER_COLUMNS = ["username", "display_name", "accounts_error", "accounts_synced_at"] as const;
export type ConnectionUser = Pick<ConnectionRow, (typeof USER_COLUMNS)[number]>;

/** The hot lookups, compiled once per database and shared by the repositories bound to its transactions. */
interface Lookups {
  byConnectionId: CompiledQuery<ConnectionRow>;
  statusByConnectionId: CompiledQuery<ConnectionRow & { leased: unknown }>;
}

function compileLookups(db: Db): Lookups {
  // Explicit columns, so PostgreSQL may keep them prepared (see prepareOnPostgres).
  const byConnectionId = db.selectFrom("connections").select(CONNECTION_COLUMNS).where("connection_id", "=", "").compile() as CompiledQuery<ConnectionRow>;
  if (byConnectionId.parameters.length !== 1) throw new Error("the connection lookup must have exactly one parameter");
  const statusByConnectionId = db
    .selectFrom("connections")
    .select(CONNECTION_COLUMNS)
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom("refresh_leases")
            .select("refresh_leases.connection_id")
            .whereRef("refresh_leases.connection_id", "=", "connections.connection_id")
            .where("refresh_leases.expires_at", ">", databaseNow(db)),
        )
        .as("leased"),
    )
    .where("connections.connection_id", "=", "")
    .orderBy("connections.id", "asc")
    .limit(1)
    .offset(0)
    .compile() as CompiledQuery<ConnectionRow & { leased: unknown }>;
  if (JSON.stringify(statusByConnectionId.parameters) !== JSON.stringify(["", 1, 0]))
    throw new Error("the status lookup's parameters must be [connection id, limit, offset]");
  prepareOnPostgres(byConnectionId.sql);
  prepareOnPostgres(statusByConnectionId.sql);
  return { byConnectionId, statusByConnectionId };
}

/** Connections (table `connections`): the connection API's reads and writes, the hot token and status lookups. */
export class ConnectionStore {
  /**
   * The token read's lookup (built and compiled once: Kysely's query building was a good part of a
   * read; each call reuses it with the connection id as its one parameter) and the status read's
   * (a list filtered by connection id only, with whether a live refresh lease exists by the
   * database's clock, `leased`): parameters [connection id, limit, offset].
   */
  private readonly lookups: Lookups;

  constructor(
    private readonly db: Db,
    lookups?: Lookups,
  ) {
    this.lookups = lookups ?? compileLookups(db);
  }

  /** The same repository on a transaction of its database (the compiled lookups are reused). */
  inTransaction(trx: Db): ConnectionStore {
    return new ConnectionStore(trx, this.lookups);
  }

  /**
   * A status read's rows (the list filtered by connection id only) and which of them some instance
   * holds a live refresh lease on now (see RefreshLeaseStore), in one query instead of two.
   */
  async listByConnectionIdWithLeases(connectionId: string, limit: number, offset: number): Promise<{ rows: ConnectionRow[]; leased: Set<string> }> {
    const { rows } = await this.db.executeQuery<ConnectionRow & { leased: unknown }>({
      ...this.lookups.statusByConnectionId,
      parameters: [connectionId, limit, offset],
    });
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

  /**
   * SQLite, outside a transaction: a number that changes whenever any connection, of this process or
   * another, may have written the database since it was last taken (see SqliteChangeStamp); a row
   * read after taking it is current while it stays the same. Undefined when not available.
   */
  changeStamp(): number | undefined {
    return sqliteChangeStamp(this.db)?.current();
  }

  /** Whether `changeStamp` can be used (SQLite, outside a transaction). */
  get stampsChanges(): boolean {
    return sqliteChangeStamp(this.db) !== undefined;
  }

  async findByConnectionId(connectionId: string): Promise<ConnectionRow | undefined> {
    const { rows } = await this.db.executeQuery<ConnectionRow>({ ...this.lookups.byConnectionId, parameters: [connectionId] });
    return rows[0];
  }

  async findByAccount(endUserId: string, tenantId: string, objectId: string): Promise<ConnectionRow | undefined> {
    return this.db
      .selectFrom("connections")
      .selectAll()
      .where("end_user_id", "=", endUserId)
      .where("tenant_id", "=", tenantId)
      .where("object_id", "=", objectId)
      .executeTakeFirst();
  }

  async insert(row: NewConnectionRow): Promise<void> {
    await this.db.insertInto("connections").values(withSearchColumns(row)).execute();
  }

  async update(connectionId: string, changes: Updateable<ConnectionTable>): Promise<boolean> {
    const result = await this.db.updateTable("connections").set(withSearchColumns(changes)).where("connection_id", "=", connectionId).executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /**
   * A write guarded by the row version. `expected`: write only if the row is still that version
   * (null: unconditionally). `bump`: this write stores new credentials (connect, reconnect, a
   * refresh's new tokens), so it starts a new version. False when nothing was written: someone
   * else stored credentials since, and this write is stale.
   */
  async updateVersioned(connectionId: string, guard: { expected: number | null; bump: boolean }, changes: Updateable<ConnectionTable>): Promise<boolean> {
    let query = this.db
      .updateTable("connections")
      .set((eb) => (guard.bump ? { ...withSearchColumns(changes), version: eb("version", "+", 1) } : withSearchColumns(changes)))
      .where("connection_id", "=", connectionId);
    if (guard.expected !== null) query = query.where("version", "=", guard.expected);
    const result = await query.executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  async delete(connectionId: string): Promise<boolean> {
    const result = await this.db.deleteFrom("connections").where("connection_id", "=", connectionId).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }

  async exists(connectionId: string): Promise<boolean> {
    return (await this.db.selectFrom("connections").select("connection_id").where("connection_id", "=", connectionId).executeTakeFirst()) !== undefined;
  }

  /** The stored selection (JSON), null when none; undefined when the connection does not exist. */
  async selectedAccountIds(connectionId: string): Promise<string | null | undefined> {
    const row = await this.db.selectFrom("connections").select("selected_account_ids").where("connection_id", "=", connectionId).executeTakeFirst();
    return row?.selected_account_ids;
  }

  /** What a proxied call needs of its connection: the selected accounts and the end user (undefined: no such connection). */
  async proxyView(connectionId: string): Promise<{ selected_account_ids: string | null; end_user_id: string } | undefined> {
    return this.db.selectFrom("connections").select(["selected_account_ids", "end_user_id"]).where("connection_id", "=", connectionId).executeTakeFirst();
  }

  async findUser(connectionId: string): Promise<ConnectionUser | undefined> {
    return this.db.selectFrom("connections").select(USER_COLUMNS).where("connection_id", "=", connectionId).executeTakeFirst();
  }

  /** How many connections have each status. */
  async countByStatus(): Promise<{ status: ConnectionRow["status"]; n: number }[]> {
    return this.db
      .selectFrom("connections")
      .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("status")
      .execute();
  }

  /** One page of every connection's encrypted credentials, in row order after `after` (a row id). */
  async credentialsPage(after: number, limit: number): Promise<{ id: number; credentials_enc: string }[]> {
    return this.db.selectFrom("connections").select(["id", "credentials_enc"]).where("id", ">", after).orderBy("id").limit(limit).execute();
  }

  /** One page of connection ids, in row order after `after` (a row id). */
  async idsPage(after: number, limit: number): Promise<{ id: number; connection_id: string }[]> {
    return this.db.selectFrom("connections").select(["id", "connection_id"]).where("id", ">", after).orderBy("id").limit(limit).execute();
  }
}
