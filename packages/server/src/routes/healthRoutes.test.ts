import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { REFRESH_AHEAD: "off" } });
});
afterAll(() => h.close());

it("/healthz says the process is up and /readyz that the database is reachable and migrated, without a key", async () => {
  const noKey = { authorization: "" };
  expect(await h.api("GET", "/healthz", undefined, noKey)).toMatchObject({ status: 200, json: { ok: true } });
  expect(await h.api("GET", "/health", undefined, noKey)).toMatchObject({ status: 200, json: { ok: true } });
  const ready = await h.api("GET", "/readyz", undefined, noKey);
  expect(ready).toMatchObject({ status: 200, json: { ready: true, database: "reachable", migrations: "current" } });
  expect(ready.headers.get("cache-control")).toBe("no-store");
});
