import { readdirSync, readFileSync } from "node:fs";
import { ApiErrorBodySchema, CONNECT_SUCCESS, ERROR_CATALOGUE } from "@ads-connect/shared";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// Found by the chaos run (issue 25): a pre-built action answered 409 action_failed ("no selected
// account") while the error catalogue documented action_failed as 400 or 500 only.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

it("a pre-built action on a connection without accounts answers 409 action_failed, a status the catalogue documents", async () => {
  const { result } = await connectAs(h, "none@contoso.example");
  if (result.type !== CONNECT_SUCCESS) throw new Error(JSON.stringify(result));
  const res = await h.api(
    "POST",
    "/action/trigger",
    { action_name: "list-campaigns" },
    { "Connection-Id": result.connection_id, "Provider-Config-Key": "microsoft-ads" },
  );
  expect([res.status, ApiErrorBodySchema.parse(res.json).error.code]).toEqual([409, "action_failed"]);
  expect(ERROR_CATALOGUE.action_failed.http).toContain(res.status);
});

it("every status the server's own actions throw an ActionError with is documented for action_failed", () => {
  const dir = new URL("./", import.meta.url);
  const files = [...readdirSync(new URL("prebuilt/", dir)).map((f) => new URL(`prebuilt/${f}`, dir)), new URL("actionContext.ts", dir)];
  const statuses = new Set<number>();
  for (const file of files) for (const m of readFileSync(file, "utf8").matchAll(/new ActionError\([\s\S]*?,\s*(\d{3})\s*,?\s*\)/g)) statuses.add(Number(m[1]));
  expect(statuses.size).toBeGreaterThan(3);
  for (const status of statuses) expect(ERROR_CATALOGUE.action_failed.http).toContain(status);
});
