import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const logLines = () =>
  h.logs
    .flatMap((l) => l.split("\n"))
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const linesFor = (msg: string) => logLines().filter((l) => l.msg === msg);

it("write one line per request: id, method, redacted URL, status, response time; the level follows the status", async () => {
  const { result } = await connectAs(h, "adele@contoso.example");
  if (result.type !== "ads-connect:success") throw new Error("connect failed");
  const id = result.connection_id;
  expect((await h.api("GET", `/connections/${id}?provider_config_key=microsoft-ads&token=t0ps3cret`)).status).toBe(200);
  expect((await h.api("GET", `/connections/nope-${id}`)).status).toBe(404);
  await expect.poll(() => linesFor(`GET /connections/nope-${id} 404`).length).toBe(1);

  const [ok] = linesFor(`GET /connections/${id} 200`);
  expect(ok).toMatchObject({
    level: 30,
    req: { method: "GET", url: `/connections/${id}?provider_config_key=microsoft-ads&token=%5BREDACTED%5D` },
    res: { statusCode: 200 },
  });
  expect(typeof ok!.responseTime).toBe("number");
  expect(Object.keys(ok!.req as object)).toEqual(["id", "method", "url"]);
  expect(linesFor(`GET /connections/${id} 200`)).toHaveLength(1);
  const [missing] = linesFor(`GET /connections/nope-${id} 404`);
  expect(missing).toMatchObject({ level: 40, res: { statusCode: 404 } });
  expect((missing!.req as { id: unknown }).id).not.toEqual((ok!.req as { id: unknown }).id);
  expect(h.logs.join("")).not.toContain("t0ps3cret");

  // A route's own line (req.log) carries the request, its URL redacted: the OAuth code and state never appear.
  const [connected] = linesFor("connected");
  expect(connected).toMatchObject({ connectionId: id, req: { method: "GET" } });
  expect((connected!.req as { url: string }).url).toMatch(/^\/oauth\/callback\?.*code=%5BREDACTED%5D/);
});
