import { BrowserClient, beginSignIn, type Harness, httpRequest, resultOf, signInAs, startHarness, WIDGET_ORIGIN } from "@ads-connect/server/testing";
import { Window } from "happy-dom";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connect } from "./connect.js";
import { stubWindowOpen } from "./testPopup.js";
import type { ConnectEvent, ConnectFlow } from "./types.js";

// The core against the real server: its own polling of the session status, and getSessionToken.
// Node environment with a happy-dom window for the page: a DOM environment would also replace the
// `fetch` the server in this same process uses.
(globalThis as { window?: unknown }).window = new Window({ url: WIDGET_ORIGIN });
let h: Harness;
let stub: ReturnType<typeof stubWindowOpen>;
let events: ConnectEvent[];
let flow: ConnectFlow | undefined;
const finals = () => events.filter((e) => e.type === "success" || e.type === "error" || e.type === "cancelled");

beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(() => {
  expect(window.location.origin).toBe(WIDGET_ORIGIN);
  stub = stubWindowOpen();
  events = [];
});
afterEach(() => {
  flow?.cancel();
  stub.restore();
});

/** Does what the popup would: follows the start URL, signs in at the emulator, lands on the result page. */
async function completeInPopup(url: string, username: string) {
  const browser = new BrowserClient();
  return resultOf(await signInAs(browser, await beginSignIn(browser, url), username));
}

describe("connect with the real server", () => {
  it("learns the result by polling when the popup's opener link is cut", async () => {
    // The popup, alive though it reads closed, holds the focus.
    (window.document as { hasFocus: () => boolean }).hasFocus = () => false;
    const { token } = await h.createSession();
    flow = connect({ serverUrl: h.server.url, sessionToken: token, onEvent: (e) => events.push(e), pollIntervalMs: 50 });
    const popupResult = await completeInPopup(stub.opened[0]!.url, "adele@contoso.example");
    // COOP severed the link: no message ever arrives, the popup just reads closed.
    stub.opened[0]!.popup.closed = true;
    await expect.poll(finals, { timeout: 10_000 }).toHaveLength(1);
    expect(finals()[0]).toEqual({ type: "success", result: popupResult });
    expect(events.map((e) => e.type)).toEqual(["open", "popup_closed", "success"]);
  });

  it("is cancelled after the grace period when the closed popup never reached the server", async () => {
    const { token } = await h.createSession();
    flow = connect({ serverUrl: h.server.url, sessionToken: token, onEvent: (e) => events.push(e), pollIntervalMs: 50, closedGraceMs: 300 });
    stub.opened[0]!.popup.closed = true;
    await expect.poll(finals, { timeout: 10_000 }).toEqual([{ type: "cancelled", reason: "popup_closed" }]);
  });

  it("with getSessionToken fetches a new token when the server says the first one expired", async () => {
    const short = await startHarness({ env: { CONNECT_SESSION_TTL_SECONDS: "1" } });
    try {
      await getsAFreshToken(short);
    } finally {
      await short.close();
    }
  });

  async function getsAFreshToken(h: Harness) {
    const stale = await h.createSession();
    const status = async () =>
      JSON.parse((await httpRequest(`${h.server.url}/connect/session/status`, { headers: { authorization: `Bearer ${stale.token}` } })).text);
    await expect.poll(async () => (await status()).data.status, { timeout: 10_000, interval: 100 }).toBe("expired");
    const handed: string[] = [];
    const getSessionToken = async () => {
      const token = handed.length === 0 ? stale.token : (await h.createSession()).token;
      handed.push(token);
      return token;
    };
    flow = connect({ serverUrl: h.server.url, getSessionToken, onEvent: (e) => events.push(e) });
    const popup = stub.opened[0]!.popup;
    expect(popup.location.href).toBe("");
    await expect.poll(() => popup.location.href, { timeout: 10_000 }).toContain("connect_session_token=");
    expect(handed).toHaveLength(2);
    expect(new URL(popup.location.href).searchParams.get("connect_session_token")).toBe(handed[1]);
    expect(flow.sessionToken).toBe(handed[1]);
  }

  it("a failing getSessionToken ends the flow with a clear error and closes the popup", async () => {
    flow = connect({ serverUrl: h.server.url, getSessionToken: () => Promise.reject(new Error("backend down")), onEvent: (e) => events.push(e) });
    await expect.poll(finals).toMatchObject([{ type: "error", error: { code: "session_token_unavailable" } }]);
    expect(stub.opened[0]!.popup.closed).toBe(true);
  });
});
