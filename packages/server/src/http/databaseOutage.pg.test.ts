import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { type PostgresCluster, startPostgresCluster } from "../testing/postgresCluster.js";
import { withDatabase } from "../testing/testDatabase.js";

// PostgreSQL only: the server on a cluster of its own that the test stops and starts again.
let cluster: PostgresCluster;
let h: Harness;
beforeAll(async () => {
  cluster = await startPostgresCluster();
  const client = new pg.Client({ connectionString: cluster.url });
  await client.connect();
  await client.query("CREATE DATABASE outage");
  await client.end();
  h = await startHarness({ database: "sqlite", env: { DATABASE_URL: withDatabase(cluster.url, "outage"), REFRESH_AHEAD: "off" } });
});
afterAll(async () => {
  await h?.close();
  await cluster?.destroy();
});

async function timed(method: string, path: string) {
  const started = performance.now();
  const res = await h.api(method, path);
  return { ...res, ms: performance.now() - started };
}

it("while PostgreSQL is down: API requests answer a fast 503 database_unavailable with Retry-After, /readyz says not ready, /healthz stays up; after it is back everything works again by itself", async () => {
  const { result } = await connectAs(h, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error("connect failed");
  const id = result.connection_id;
  expect((await h.api("GET", "/readyz")).json).toEqual({ ready: true, database: "reachable", migrations: "current" });

  await cluster.stop();
  for (const path of [`/connections/${id}`, `/connections?connectionId=${id}`, "/connections"]) {
    const res = await timed("GET", path);
    expect(res.status, path).toBe(503);
    expect(res.json).toEqual({ error: { code: "database_unavailable", message: expect.stringMatching(/database/i) } });
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(res.ms).toBeLessThan(2000);
  }
  const notReady = await timed("GET", "/readyz");
  expect(notReady.status).toBe(503);
  expect(notReady.json).toEqual({ ready: false, database: "unreachable", migrations: "unknown" });
  expect(Number(notReady.headers.get("retry-after"))).toBeGreaterThan(0);
  expect((await h.api("GET", "/healthz")).status).toBe(200);
  expect((await h.api("GET", "/health")).status).toBe(200);

  await cluster.start();
  const token = await h.api("GET", `/connections/${id}`);
  expect(token.status).toBe(200);
  expect(h.emulator.isAccessTokenValid((token.json as { credentials: { access_token: string } }).credentials.access_token)).toBe(true);
  expect((await h.api("GET", `/connections?connectionId=${id}`)).status).toBe(200);
  expect((await h.api("GET", "/readyz")).status).toBe(200);
  // No stack trace or connection detail reached the logs as an unhandled error.
  expect(h.logs.join("")).not.toContain('"unhandled error"');
});
