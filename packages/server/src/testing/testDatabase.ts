import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Which database the storage tests run on: `ADS_CONNECT_TEST_DATABASE=postgres` (the vitest
 * projects ending in `-pg`) or SQLite (default). On PostgreSQL the global setup
 * (postgresGlobalSetup.ts) starts a throwaway cluster and exports its URL.
 */
export const TEST_DATABASE_ENV = "ADS_CONNECT_TEST_DATABASE";
export const TEST_POSTGRES_URL_ENV = "ADS_CONNECT_TEST_POSTGRES_URL";
/** Migrated once by the global setup; every test database is a copy of it. */
export const TEMPLATE_DATABASE = "ads_connect_template";

export function testDatabaseKind(): "sqlite" | "postgres" {
  return process.env[TEST_DATABASE_ENV] === "postgres" ? "postgres" : "sqlite";
}

export interface TestDatabase {
  /** What to add to the server's environment: `DATABASE_URL` on PostgreSQL, nothing on SQLite (DATA_DIR decides). */
  env: Record<string, string>;
  /** The PostgreSQL URL, or null on SQLite. */
  url: string | null;
  drop(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.href;
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database for one test server, so tests stay isolated and can run in parallel: migrated
 * already (a copy of the template), or empty with `migrated: false`.
 */
export async function createTestDatabase(kind = testDatabaseKind(), options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if (kind === "sqlite") return { env: {}, url: null, drop: async () => {} };
  const clusterUrl = process.env[TEST_POSTGRES_URL_ENV];
  if (!clusterUrl) throw new Error(`${TEST_DATABASE_ENV}=postgres needs the PostgreSQL global setup (packages/server/src/testing/postgresGlobalSetup.ts)`);
  const name = `test_${randomBytes(8).toString("hex")}`;
  await admin(clusterUrl, (c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${options.migrated === false ? "template0" : TEMPLATE_DATABASE}`));
  const url = withDatabase(clusterUrl, name);
  return {
    env: { DATABASE_URL: url },
    url,
    drop: () => admin(clusterUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}
