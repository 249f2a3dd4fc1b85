import { CONNECT_SUCCESS, ConnectionSchema } from "@ads-connect/shared";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

// Account sync reaches Microsoft Advertising through the same client as the proxy and actions:
// the customer holds after 117/429 and the response size limit (PROXY_MAX_RESPONSE_BYTES) apply to it too.
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { PROXY_MAX_RESPONSE_BYTES: "65536" } });
});
afterAll(() => h.close());
afterEach(() => h.server.db.deleteFrom("proxy_holds").execute());

async function connect(username: string): Promise<string> {
  const { result } = await connectAs(h, username);
  if (result.type !== CONNECT_SUCCESS) throw new Error(`connect failed: ${JSON.stringify(result)}`);
  return result.connection_id;
}

const accountsError = async (id: string) => ConnectionSchema.parse((await h.api("GET", `/connections/${id}`)).json).accounts_error;

describe("account sync through the one Microsoft Advertising client", () => {
  it("a held connection is not called during sync: recorded as msads_rate_limited, retried after the hold", async () => {
    const id = await connect("adele@contoso.example");
    // Sync's calls are the user's own (no CustomerId): their hold is the connection's user key, as for the proxy's user-level calls.
    await h.server.db
      .insertInto("proxy_holds")
      .values({ customer_key: `user:${id}`, until: Date.now() + 60_000, reason: "call_rate_exceeded" })
      .execute();
    const before = h.ads.callCount();
    const sync = await h.api("POST", `/connections/${id}/sync`);
    expect(sync.status).toBe(200);
    expect(sync.json).toMatchObject({ success: false, accounts_error: { code: "msads_rate_limited" } });
    expect(h.ads.callCount()).toBe(before);
    const error = await accountsError(id);
    expect(Date.parse(error!.retry_at!)).toBeGreaterThanOrEqual(Date.now() + 30_000);

    // The hold ends (moved, not waited for): the next sync reaches Microsoft and clears the error.
    await h.server.db
      .updateTable("proxy_holds")
      .set({ until: Date.now() - 1 })
      .execute();
    expect((await h.api("POST", `/connections/${id}/sync`)).json).toMatchObject({ success: true, accounts_error: null });
    expect(h.ads.callCount()).toBeGreaterThan(before);
  });

  it("117 during sync holds the connection's calls: the next sync sends nothing until the window passes", async () => {
    const id = await connect("megan@contoso.example");
    h.ads.injectFault(117, { operation: "User/Query" });
    const first = await h.api("POST", `/connections/${id}/sync`);
    expect(first.json).toMatchObject({ success: false, accounts_error: { code: "msads_rate_limited", msads_codes: [117] } });
    const holds = await h.server.db.selectFrom("proxy_holds").select(["customer_key", "reason"]).execute();
    expect(holds).toEqual([{ customer_key: `user:${id}`, reason: "call_rate_exceeded" }]);
    const before = h.ads.callCount();
    expect((await h.api("POST", `/connections/${id}/sync`)).json).toMatchObject({ success: false, accounts_error: { code: "msads_rate_limited" } });
    expect(h.ads.callCount()).toBe(before);
  });

  it("an answer larger than PROXY_MAX_RESPONSE_BYTES is refused, recorded, and the connection kept", async () => {
    // 2,500 accounts: a page of 1000 is far more than 64 KB.
    const id = await connect("many@contoso.example");
    const connection = ConnectionSchema.parse((await h.api("GET", `/connections/${id}`)).json);
    expect(connection.status).toBe("connected");
    expect(connection.accounts).toEqual([]);
    expect(connection.accounts_error).toMatchObject({ code: "proxy_response_too_large" });
    expect(connection.accounts_error!.message).toContain("PROXY_MAX_RESPONSE_BYTES");
  });
});
