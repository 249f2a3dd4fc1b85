import { CONNECT_SUCCESS, type SessionStatusResponse } from "@ads-connect/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { countRows } from "../testing/countRows.js";
import { beginSignIn, connectAs, type Harness, pickerForm, signInAs, startHarness, submitPicker, submitStart, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

// Deleting a connection scrubs the connect sessions that made or reopened it (their stored results
// name the Microsoft user and the chosen ad accounts), in the deletion's own transaction (SQLite
// here, PostgreSQL in the -pg project). Their status then reads as finished: an error `not_found`.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off" } });
});
afterAll(() => h.close());

/**
 * Kept on purpose: the operation log (the audit trail) and what was sent or is being sent to the
 * product (the webhook outbox's delivery record). The outbox's events given up never tried (a
 * creation webhook held for a picker when the connection was deleted) were never sent: scanned.
 */
const NOT_SCANNED = new Set(["operations", "operation_messages", "webhook_outbox", "webhook_attempts", "kysely_migration", "kysely_migration_lock"]);

/** `table.column` of every stored text that holds `text` (migrations' and audit tables aside). */
async function rowsHolding(text: string): Promise<string[]> {
  const found: string[] = [];
  const pattern = text.toLowerCase().replace(/'/g, "''");
  const cancelled = `select count(*) as n from webhook_outbox where gave_up_at is not null and attempts = 0 and lower(body) like '%${pattern}%'`;
  if ((await countRows(h, cancelled)) > 0) found.push("webhook_outbox.body (cancelled)");
  for (const table of await h.server.db.introspection.getTables()) {
    if (NOT_SCANNED.has(table.name)) continue;
    for (const column of table.columns) {
      if (!/^(text|varchar|character varying)$/i.test(column.dataType)) continue;
      const n = await countRows(h, `select count(*) as n from ${table.name} where lower(${column.name}) like '%${pattern}%'`);
      if (n > 0) found.push(`${table.name}.${column.name}`);
    }
  }
  return found;
}

async function status(token: string): Promise<{ status: number; body: SessionStatusResponse }> {
  const res = await fetch(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, body: (await res.json()) as SessionStatusResponse };
}

const NAMES = ["three@contoso.example", "Theo Three-Accounts", "Contoso Search", "Contoso Shopping", "Contoso Brand"];

describe("deleting a connection scrubs its connect sessions", () => {
  it("no stored row names its user or ad accounts, and its sessions read as finished without them", async () => {
    const session = await h.createSession({ end_user: { id: "scrubbed-user", email: "owner@product.example" } });
    const { result } = await connectAs(h, "three@contoso.example", { token: session.token });
    if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
    const id = result.connection_id;
    expect(result.accounts.map((a) => a.name).sort()).toEqual(["Contoso Brand", "Contoso Search", "Contoso Shopping"]);
    // Reopened for its accounts: a change-accounts session whose picker is open when it is deleted.
    const change = await h.api("POST", "/connect/sessions/change-accounts", { connection_id: id, integration_id: "microsoft-ads" });
    expect(change.status, change.text).toBe(201);
    const changeToken = (change.json as { data: { token: string } }).data.token;
    const changeBrowser = new BrowserClient();
    const pickerPage = await submitStart(changeBrowser, await changeBrowser.get(h.startUrl(changeToken)));
    expect(pickerForm(pickerPage)).not.toBeNull();
    // Another user's connection and session stay as they are.
    const keptSession = await h.createSession({ end_user: { id: "kept-user", email: "kept@product.example" } });
    const kept = await connectAs(h, "megan@contoso.example", { token: keptSession.token });
    const keptStatus = await status(keptSession.token);
    expect((await status(session.token)).body.data).toMatchObject({ status: "success", result: { account: { username: "three@contoso.example" } } });
    for (const name of NAMES) expect(await rowsHolding(name), name).not.toEqual([]);

    expect((await h.api("DELETE", `/connections/${id}?provider_config_key=microsoft-ads`)).json).toEqual({ success: true });

    for (const name of NAMES) expect(await rowsHolding(name), name).toEqual([]);
    const after = await status(session.token);
    expect(after.status).toBe(200);
    expect(after.body.data).toMatchObject({
      status: "error",
      result: { type: "ads-connect:error", error: { code: "not_found", actor: "end_user", aadsts: null } },
    });
    expect(after.body.data.attempt_started_at).not.toBeNull();
    // The open picker is closed: its form is refused, and the change-accounts session reads as finished too.
    const late = await submitPicker(changeBrowser, pickerPage, pickerForm(pickerPage)!.accountIds);
    expect(late.status).toBeGreaterThanOrEqual(400);
    for (const name of NAMES) expect(late.body).not.toContain(name);
    expect((await status(changeToken)).body.data).toMatchObject({ status: "error", result: { error: { code: "not_found" } } });
    // The other user's session is untouched.
    expect(await status(keptSession.token)).toEqual(keptStatus);
    expect(kept.result.type).toBe(CONNECT_SUCCESS);
    // The audit trail stays.
    await h.server.services.operations.flush();
    expect(await countRows(h, `select count(*) as n from operations where connection_id = '${id}'`)).toBeGreaterThan(0);
  });

  it("a creation webhook held by its open account picker is given up without the user: what is kept of it names nobody", async () => {
    const endUser = { id: "held-user", email: "held-owner@product.example", display_name: "Helda Held", tags: { plan: "held-plan" } };
    const { token } = await h.createSession({ end_user: endUser });
    const browser = new BrowserClient();
    const page = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), "agency@contoso.example");
    expect(pickerForm(page)).not.toBeNull();
    const id = await h.server.db.selectFrom("connections").select("connection_id").where("username", "=", "agency@contoso.example").executeTakeFirstOrThrow();
    const held = await h.server.db.selectFrom("webhook_outbox").select("body").where("body", "like", `%"connectionId":"${id.connection_id}"%`).execute();
    expect(held).toHaveLength(1);
    expect(held[0]!.body).toContain("held-owner@product.example");

    expect((await h.api("DELETE", `/connections/${id.connection_id}`)).json).toEqual({ success: true });

    expect(await rowsHolding("agency@contoso.example")).toEqual([]);
    // The connect session keeps the end user the product sent for it until it expires (pruned by age).
    for (const text of ["held-user", "held-owner@product.example", "Helda Held", "held-plan"])
      expect(
        (await rowsHolding(text)).filter((at) => !at.startsWith("connect_sessions.")),
        text,
      ).toEqual([]);
  });

  it("a redirect-mode result not yet redeemed: it redeems as the deletion's not_found, without the user", async () => {
    const { token } = await h.createSession({ end_user: { id: "redirect-user", email: "owner@product.example" } });
    const browser = new BrowserClient();
    const started = await browser.postForm(
      `${h.server.url}/oauth/connect/microsoft-ads/redirect`,
      { connect_session_token: token, flow: "flow-scrub", return_to: `${WIDGET_ORIGIN}/settings` },
      { follow: false, headers: { origin: WIDGET_ORIGIN } },
    );
    const callback = await signInAs(browser, await browser.get(started.headers.get("location")!), "adele@contoso.example", { follow: false });
    const returned = await browser.get(new URL(callback.headers.get("location")!, callback.url).href, { follow: false });
    const resultToken = new URL(returned.headers.get("location")!).searchParams.get("adsc_result")!;
    const id = await h.server.db.selectFrom("connections").select("connection_id").where("username", "=", "adele@contoso.example").executeTakeFirstOrThrow();
    expect(await rowsHolding("Contoso Ads")).toContain("connect_redirects.result");

    expect((await h.api("DELETE", `/connections/${id.connection_id}`)).json).toEqual({ success: true });

    for (const name of ["adele@contoso.example", "Contoso Ads"]) expect(await rowsHolding(name), name).toEqual([]);
    const redeemed = await httpRequest(`${h.server.url}/connect/redirect/result`, {
      method: "POST",
      headers: { authorization: `Bearer ${resultToken}`, origin: WIDGET_ORIGIN },
    });
    expect(redeemed.status).toBe(200);
    expect(JSON.parse(redeemed.text)).toMatchObject({ data: { type: "ads-connect:error", error: { code: "not_found" } } });
    expect((await status(token)).body.data).toMatchObject({ status: "error", flow: "flow-scrub", result: { error: { code: "not_found" } } });
  });
});
