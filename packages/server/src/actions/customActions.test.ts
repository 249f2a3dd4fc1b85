import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ActionsListResponseSchema, CONNECT_SUCCESS } from "@ads-connect/shared";
import { Nango } from "@nangohq/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeBlocks, readDoc } from "../docs/markdown.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

const SERVER_DIR = fileURLToPath(new URL("../../", import.meta.url));
/** The actions guide's worked example, exactly as documented (docs/snippets.test.ts also type-checks it against the built packages). */
function readmeExample(): { file: string; code: string } {
  for (const block of codeBlocks(readDoc("docs/actions.md"))) {
    const file = /^<!-- actions-example: (\S+)/.exec(block.comment ?? "")?.[1];
    if (file && block.lang === "ts") return { file, code: block.code };
  }
  throw new Error("docs/actions.md has no actions-example block");
}

/** Every account of the user through ctx.paginate (Customer Management's PageInfo paging), as a .mjs module. */
const ALL_ACCOUNTS_MJS = `
import { z } from "zod";
import { ActionError, defineAction } from "@ads-connect/server/actions";

export const allAccounts = defineAction({
  name: "all-accounts",
  input: z.object({ size: z.number().int().min(1).max(1000).default(1000) }),
  output: z.object({ ids: z.array(z.string()), pages: z.array(z.number()) }),
  async run(ctx, input) {
    if (ctx.accounts.all.length === 0) throw new ActionError("This connection has no Microsoft Advertising accounts", 409);
    const { data: user } = await ctx.proxy({ method: "POST", endpoint: "/CustomerManagement/v13/User/Query", data: { UserId: null } });
    const ids = [];
    const pages = [];
    for await (const page of ctx.paginate({ endpoint: "/CustomerManagement/v13/Accounts/Search", data: { Predicates: [{ Field: "UserId", Operator: "Equals", Value: user.User.Id }], Ordering: null }, items: "Accounts", size: input.size })) {
      pages.push(page.length);
      ids.push(...page.map((a) => a.Id));
    }
    return { ids, pages };
  },
});
`;

/** Two actions with bugs: output that breaks its own schema, and a crash. */
const BUGGY_TS = `
import { z } from "zod";
import { defineAction } from "@ads-connect/server/actions";

export const wrongOutput = defineAction({ name: "wrong-output", input: z.object({}), output: z.object({ count: z.number() }), async run() { return { count: "many" } as never; } });
export const crashes = defineAction({ name: "crashes", input: z.object({}), output: z.object({}), async run(ctx) { return (ctx as unknown as { nothing: { here: () => never } }).nothing.here(); } });
`;

const BAD_MODULES: Record<string, string> = {
  "broken-syntax.ts": "export const x = ;\n",
  "throws.mjs": 'throw new Error("the config file is missing");\n',
  "no-action.ts": "export const notAnAction = { name: 'x', run() {} };\n",
  "duplicate.mjs":
    'import { z } from "zod";\nimport { defineAction } from "@ads-connect/server/actions";\nexport default defineAction({ name: "list-campaigns", input: z.object({}), output: z.object({}), async run() { return {}; } });\n',
  "bad-definition.ts":
    'import { z } from "zod";\nimport { defineAction } from "@ads-connect/server/actions";\nexport default defineAction({ name: "Bad Name", input: z.object({}), output: z.object({}), async run() { return {}; } });\n',
};

let h: Harness;
let nango: Nango;
let dir: string;
beforeAll(async () => {
  // Inside the package, so the modules' imports (zod, @ads-connect/server/actions) resolve as in a product's folder.
  mkdirSync(path.join(SERVER_DIR, ".tmp"), { recursive: true });
  dir = mkdtempSync(path.join(SERVER_DIR, ".tmp", "actions-"));
  const example = readmeExample();
  writeFileSync(path.join(dir, example.file), example.code);
  writeFileSync(path.join(dir, "all-accounts.mjs"), ALL_ACCOUNTS_MJS);
  writeFileSync(path.join(dir, "buggy.ts"), BUGGY_TS);
  for (const [file, code] of Object.entries(BAD_MODULES)) writeFileSync(path.join(dir, file), code);
  h = await startHarness({ env: { ACTIONS_DIR: dir } });
  nango = new Nango({ host: h.server.url, secretKey: h.secretKey });
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(username: string) {
  const { result } = await connectAs(h, username);
  if (result.type !== CONNECT_SUCCESS) throw new Error(JSON.stringify(result));
  return result.connection_id;
}

describe("ACTIONS_DIR", () => {
  it("the README's example (.ts) and a .mjs module load, listed beside the pre-built actions; bad modules are reported, the server runs on", async () => {
    const list = ActionsListResponseSchema.parse((await h.api("GET", "/actions")).json);
    expect(list.actions.filter((a) => a.source === "custom").map((a) => [a.name, a.file])).toEqual([
      ["active-campaigns", "active-campaigns.ts"],
      ["all-accounts", "all-accounts.mjs"],
      // A module namespace lists its exports in name order.
      ["crashes", "buggy.ts"],
      ["wrong-output", "buggy.ts"],
    ]);
    expect(list.actions.find((a) => a.name === "active-campaigns")).toMatchObject({
      description: expect.stringMatching(/active campaigns/),
      input_schema: { type: "object", properties: { min_daily_budget: { type: "number" } } },
    });
    const reasons = Object.fromEntries(list.failed.map((f) => [f.file, f.reason]));
    expect(Object.keys(reasons).sort()).toEqual(Object.keys(BAD_MODULES).sort());
    expect(reasons["broken-syntax.ts"]).toMatch(/^failed to load: .*broken-syntax\.ts:1:\d+: ERROR/);
    expect(reasons["throws.mjs"]).toBe("failed to load: the config file is missing");
    expect(reasons["no-action.ts"]).toBe("exports no defineAction(...) result (exports: notAnAction)");
    expect(reasons["duplicate.mjs"]).toBe('duplicate action name "list-campaigns" (already defined by ads-connect (pre-built))');
    expect(reasons["bad-definition.ts"]).toMatch(/name must be lower-case letters, digits and dashes/);
    // Neither this machine's folder nor a stack trace in what is reported.
    for (const reason of Object.values(reasons)) {
      expect(reason).not.toContain(dir);
      expect(reason).not.toMatch(/\n|\s+at\s+\S+\s+\(/);
    }
    // One log line per bad module, naming the file and the reason.
    const logged = h.logs
      .map((l) => JSON.parse(l) as { msg: string; file?: string; reason?: string; err?: unknown })
      .filter((l) => l.msg === "action module not loaded");
    expect(logged.map((l) => [l.file, l.reason]).sort()).toEqual(Object.entries(reasons).sort());
    expect(logged.every((l) => l.err === undefined)).toBe(true);
    expect((await h.api("GET", "/health")).status).toBe(200);
    // The pre-built list-campaigns is still the pre-built one.
    expect(list.actions.find((a) => a.name === "list-campaigns")!.source).toBe("prebuilt");
  });

  it("the README's example runs through @nangohq/node against the emulator", async () => {
    const id = await connect("adele@contoso.example");
    const [account] = h.ads.accounts("adele@contoso.example");
    const expected = h.ads.campaigns(account!.Id).filter((c) => c.Status === "Active" && (c.DailyBudget ?? 0) >= 30);
    expect(expected.length).toBeGreaterThan(0);
    const out = await nango.triggerAction("microsoft-ads", id, "active-campaigns", { min_daily_budget: 30 });
    expect(out).toEqual({ campaigns: expected.map((c) => ({ id: c.Id, name: c.Name, daily_budget: c.DailyBudget })) });
    const bad = await h.api(
      "POST",
      "/action/trigger",
      { action_name: "active-campaigns", input: { min_daily_budget: -1 } },
      { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" },
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: "invalid_action_input", errors: [{ path: "input.min_daily_budget" }] } });
  });

  it("ctx.paginate: the 2,500-account user's accounts complete and in order, in pages of 1000 (and of 300)", async () => {
    const id = await connect("many@contoso.example");
    const expected = h.ads.accounts("many@contoso.example").map((a) => a.Id);
    const before = h.ads.requests.length;
    const out = await nango.triggerAction<unknown, { ids: string[]; pages: number[] }>("microsoft-ads", id, "all-accounts", {});
    expect(out.pages).toEqual([1000, 1000, 500]);
    expect(out.ids).toEqual(expected);
    const sent = h.ads.requests
      .slice(before)
      .filter((r) => r.operation === "Accounts/Search")
      .map((r) => (r.body as { PageInfo: unknown }).PageInfo);
    expect(sent).toEqual([
      { Index: 0, Size: 1000 },
      { Index: 1, Size: 1000 },
      { Index: 2, Size: 1000 },
    ]);
    const small = await nango.triggerAction<unknown, { ids: string[]; pages: number[] }>("microsoft-ads", id, "all-accounts", { size: 300 });
    expect(small.pages).toEqual([...Array(8).fill(300), 100]);
    expect(small.ids).toEqual(expected);
  });

  it("an action's ActionError is its status; output that breaks the schema and a crash are 500s without details of the bug", async () => {
    const none = await connect("none@contoso.example");
    const headers = { "Connection-Id": none, "Provider-Config-Key": "microsoft-ads" };
    const refused = await h.api("POST", "/action/trigger", { action_name: "all-accounts" }, headers);
    expect([refused.status, refused.json]).toEqual([
      409,
      { error: { code: "action_failed", message: "This connection has no Microsoft Advertising accounts", operation_id: expect.any(String) } },
    ]);
    const wrong = await h.api("POST", "/action/trigger", { action_name: "wrong-output" }, headers);
    expect(wrong.status).toBe(500);
    expect(wrong.json).toMatchObject({ error: { code: "invalid_action_output", errors: [{ path: "output.count" }] } });
    expect(wrong.text).not.toContain("many");
    const crash = await h.api("POST", "/action/trigger", { action_name: "crashes" }, headers);
    expect(crash.json).toEqual({
      error: {
        code: "action_failed",
        message: 'The action "crashes" failed unexpectedly; the error is in the server\'s log.',
        operation_id: expect.any(String),
      },
    });
    expect(crash.status).toBe(500);
    expect(h.logs.some((l) => l.includes('"action":"crashes"') && l.includes('"msg":"action failed"') && l.includes("TypeError"))).toBe(true);
    expect((await h.api("GET", "/health")).status).toBe(200);
  });
});
