import pg from "pg";
import { createDatabase } from "../store/createDatabase.js";
import { type PostgresCluster, startPostgresCluster } from "./postgresCluster.js";
import { TEMPLATE_DATABASE, TEST_POSTGRES_URL_ENV, withDatabase } from "./testDatabase.js";

type Shared = { cluster: Promise<PostgresCluster>; users: number };
const KEY = Symbol.for("ads-connect.test-postgres");
const shared = globalThis as { [KEY]?: Shared };

async function startMigrated(): Promise<PostgresCluster> {
  const cluster = await startPostgresCluster();
  try {
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    await client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
    await client.end();
    const db = await createDatabase({ url: withDatabase(cluster.url, TEMPLATE_DATABASE), poolSize: 1 });
    await db.destroy();
    return cluster;
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
}

/**
 * Vitest global setup of the PostgreSQL test projects: one throwaway cluster for the whole run
 * (shared by the projects that list this file), a template database migrated once that each test
 * server copies, torn down when the last project ends. The URL reaches the test workers through
 * the environment they inherit.
 */
export default async function setup(): Promise<() => Promise<void>> {
  shared[KEY] ??= { cluster: startMigrated(), users: 0 };
  const entry = shared[KEY];
  entry.users++;
  const cluster = await entry.cluster;
  process.env[TEST_POSTGRES_URL_ENV] = cluster.url;
  return async () => {
    if (--entry.users > 0) return;
    delete shared[KEY];
    delete process.env[TEST_POSTGRES_URL_ENV];
    await cluster.destroy();
  };
}
