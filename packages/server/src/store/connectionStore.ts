import type { Insertable, Kysely, Selectable, Transaction, Updateable } from "kysely";
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

export class ConnectionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async list(filter: ConnectionFilter): Promise<ConnectionRow[]> {
    let query = this.db.selectFrom("connections").selectAll();
    if (filter.connectionId) query = query.where("connection_id", "=", filter.connectionId);
    if (filter.endUserId) query = query.where("end_user_id", "=", filter.endUserId);
    if (filter.endUserOrganizationId) {
      // Organization lives in the end_user JSON; match its serialized id exactly.
      query = query.where("end_user", "like", `%"organization":{"id":${JSON.stringify(filter.endUserOrganizationId)}%`);
    }
    if (filter.search) {
      const like = `%${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`.toLowerCase();
      // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
      query = query.where((eb) =>
        eb.or((["connection_id", "username", "end_user_id"] as const).map((column) => eb(eb.fn<string>("lower", [eb.ref(column)]), "like", like))),
      );
    }
    return query.orderBy("id", "asc").limit(filter.limit).offset(filter.offset).execute();
  }

  async findByConnectionId(connectionId: string, db: Db = this.db): Promise<ConnectionRow | undefined> {
    return db.selectFrom("connections").selectAll().where("connection_id", "=", connectionId).executeTakeFirst();
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

  async delete(connectionId: string, db: Db = this.db): Promise<boolean> {
    const result = await db.deleteFrom("connections").where("connection_id", "=", connectionId).executeTakeFirst();
    return result.numDeletedRows === 1n;
  }
}
