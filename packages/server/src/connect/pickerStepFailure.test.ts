import { CONNECT_SUCCESS, type SessionStatusResponse } from "@ads-connect/shared";
import { sql } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BrowserClient } from "../testing/browserClient.js";
import { beginSignIn, type Harness, pickerForm, resultOf, signInAs, startHarness } from "../testing/harness.js";
import { testDatabaseKind } from "../testing/testDatabase.js";

// The callback has stored the connection and its success when the account picker step fails: the
// page reports the success, and the session's status must read it at once, not `authorizing` (an
// armed picker) until the picker's deadline; its held creation webhook goes at once.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { SYNCS: "off" } });
});
afterAll(() => h.close());

/** A real database failure in the picker step: storing a picker token (showing the picker) is refused. */
async function refusePickerTokens(): Promise<void> {
  if (testDatabaseKind() === "postgres") {
    await sql`create function refuse_picker_token() returns trigger language plpgsql as $$ begin raise exception 'picker token refused'; end $$`.execute(
      h.server.db,
    );
    await sql`create trigger refuse_picker_token before update of picker_token_hash on connect_sessions
      for each row when (new.picker_token_hash is not null) execute function refuse_picker_token()`.execute(h.server.db);
  } else {
    await sql`create trigger refuse_picker_token before update of picker_token_hash on connect_sessions
      when new.picker_token_hash is not null begin select raise(abort, 'picker token refused'); end`.execute(h.server.db);
  }
}

it("a picker step that throws after the callback committed leaves the session reading the success at once", async () => {
  await refusePickerTokens();
  const { token } = await h.createSession({ end_user: { id: "picker-fault-user" } });
  const browser = new BrowserClient();
  // Three ad accounts: the picker would be shown, and showing it fails.
  const page = await signInAs(browser, await beginSignIn(browser, h.startUrl(token)), "three@contoso.example");
  expect(pickerForm(page)).toBeNull();
  const shown = resultOf(page);
  expect(shown.type).toBe(CONNECT_SUCCESS);

  const res = await fetch(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  const status = ((await res.json()) as SessionStatusResponse).data;
  expect(status).toMatchObject({ status: "success", result: { type: CONNECT_SUCCESS, account: { username: "three@contoso.example" } } });
  // The held creation webhook goes now, without a selection, not at the picker's deadline (10 minutes).
  const creation = () =>
    h.webhooks.received.map((w) => JSON.parse(w.rawBody) as Record<string, unknown>).filter((b) => b.type === "auth" && b.operation === "creation");
  await expect.poll(creation, { timeout: 10_000, interval: 100 }).toHaveLength(1);
  expect(creation()[0]).toMatchObject({ success: true, accountSelection: "not_chosen", selectedAccounts: [] });
});
