import type { SessionStatusResponse } from "@ads-connect/shared";
import { expect } from "vitest";
import { BrowserClient } from "./browserClient.js";
import { beginSignIn, type Harness, pickerForm, signInAs } from "./harness.js";

// A picker open on a connection, for the tests of a deletion racing the picker's save.
const PICKER_USER = "three@contoso.example";

/** A connection whose picker is open: its page, the browser that holds it, the session's token and held webhook. */
export async function openPicker(h: Harness) {
  const { token } = await h.createSession({ end_user: { id: "race-user" } });
  const browser = new BrowserClient();
  const page = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), PICKER_USER);
  const form = pickerForm(page);
  if (!form) throw new Error(`no picker: ${page.body.slice(0, 300)}`);
  const { connection_id } = await h.server.db.selectFrom("connections").select("connection_id").where("username", "=", PICKER_USER).executeTakeFirstOrThrow();
  const session = await h.server.db
    .selectFrom("connect_sessions")
    .select(["id", "picker_webhook_id"])
    .where("picker_connection_id", "=", connection_id)
    .executeTakeFirstOrThrow();
  return { token, browser, page, form, connectionId: connection_id, webhookId: session.picker_webhook_id! };
}

/** After the deletion, whatever the order: no connection, the session reads not_found, the held webhook released or given up. */
export async function expectDeleted(h: Harness, picker: Awaited<ReturnType<typeof openPicker>>): Promise<void> {
  expect(
    await h.server.db.selectFrom("connections").select("connection_id").where("connection_id", "=", picker.connectionId).executeTakeFirst(),
  ).toBeUndefined();
  const res = await fetch(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${picker.token}` } });
  expect(((await res.json()) as SessionStatusResponse).data).toMatchObject({ status: "error", result: { error: { code: "not_found" } } });
  const held = await h.server.db.selectFrom("webhook_outbox").select(["body", "gave_up_at"]).where("id", "=", picker.webhookId).executeTakeFirstOrThrow();
  const released = (JSON.parse(held.body) as { selectedAccounts?: unknown }).selectedAccounts !== undefined;
  expect(released || held.gave_up_at !== null).toBe(true);
}
