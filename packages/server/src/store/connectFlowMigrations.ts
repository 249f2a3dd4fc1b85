import type { Kysely, Migration } from "kysely";

/**
 * 0018_connect_redirects, 0019_session_locale and 0020_trace_context: columns and tables the connect flow
 * gained with redirect mode, the popup's language and OpenTelemetry.
 */
export const connectFlowMigrations = (): Record<string, Migration> => ({
  "0018_connect_redirects": {
    async up(db: Kysely<unknown>) {
      // Redirect mode (issue 28): a sign-in in the page itself instead of a popup, tied to the
      // browser by a cookie, and its result kept for the one-time token the return URL carries.
      await db.schema
        .createTable("connect_redirects")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("binding_hash", "text", (c) => c.notNull().unique())
        .addColumn("return_to", "text", (c) => c.notNull())
        .addColumn("origin", "text", (c) => c.notNull())
        .addColumn("created_at", "bigint", (c) => c.notNull())
        .addColumn("expires_at", "bigint", (c) => c.notNull())
        .addColumn("result", "text")
        .addColumn("result_token_hash", "text", (c) => c.unique())
        .addColumn("redeemed_at", "bigint")
        .execute();
      await db.schema.createIndex("connect_redirects_expires_at").on("connect_redirects").column("expires_at").execute();
    },
  },
  "0019_session_locale": {
    async up(db: Kysely<unknown>) {
      // The popup's language as the product asked for it (a BCP 47 tag), so every page of the
      // session, on any instance, speaks it; null: the browser's Accept-Language decides.
      await db.schema.alterTable("connect_sessions").addColumn("locale", "text").execute();
    },
  },
  "0020_trace_context": {
    async up(db: Kysely<unknown>) {
      // OpenTelemetry (issue 26): the W3C traceparent of a connect flow, kept with its session and
      // attempts so the flow's requests join one trace on any instance, and of a queued webhook so
      // its delivery joins the trace that queued it. Ids only; null when tracing is off.
      await db.schema.alterTable("connect_sessions").addColumn("trace_context", "text").execute();
      await db.schema.alterTable("oauth_attempts").addColumn("trace_context", "text").execute();
      await db.schema.alterTable("webhook_outbox").addColumn("trace_context", "text").execute();
    },
  },
});
