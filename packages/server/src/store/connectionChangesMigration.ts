import { type Kysely, type Migration, sql } from "kysely";
import { CONNECTION_CHANGES_CHANNEL } from "./connectionChanges.js";

/**
 * 0022_connection_changes: PostgreSQL's notifications of changed connection rows (ConnectionChangeFeed).
 */
export const connectionChangesMigration = (dialect: "sqlite" | "postgres"): Record<string, Migration> => ({
  "0022_connection_changes": {
    async up(db: Kysely<unknown>) {
      // PostgreSQL: every write of a connection row (from any instance, job or hand-written SQL)
      // tells the listening instances which connection changed, at commit (an empty payload: the table
      // was truncated; ConnectionChangeFeed),
      // so they may serve token reads from memory. SQLite reads its rows in-process and needs none.
      if (dialect !== "postgres") return;
      await sql
        .raw(
          `CREATE FUNCTION adsc_connection_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' THEN PERFORM pg_notify('${CONNECTION_CHANGES_CHANNEL}', ''); RETURN NULL; END IF;
  IF TG_OP <> 'INSERT' THEN PERFORM pg_notify('${CONNECTION_CHANGES_CHANNEL}', OLD.connection_id); END IF;
  IF TG_OP <> 'DELETE' THEN PERFORM pg_notify('${CONNECTION_CHANGES_CHANNEL}', NEW.connection_id); END IF;
  RETURN NULL;
END $$`,
        )
        .execute(db);
      await sql
        .raw("CREATE TRIGGER connections_changed AFTER INSERT OR UPDATE OR DELETE ON connections FOR EACH ROW EXECUTE FUNCTION adsc_connection_changed()")
        .execute(db);
      await sql
        .raw("CREATE TRIGGER connections_truncated AFTER TRUNCATE ON connections FOR EACH STATEMENT EXECUTE FUNCTION adsc_connection_changed()")
        .execute(db);
    },
  },
});
