// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { connect } from "./connect.js";
import { postFromPopup, SUCCESS_RESULT, stubWindowOpen } from "./testPopup.js";
import type { ConnectEvent, ConnectFlow, SessionStatusData } from "./types.js";

// connect() loads the closed-popup watch on demand; loaded here first, so that import settles within
// a fake-timer advance (as it does from the browser's cache) instead of on the first test's clock.
await import("./closed.js");

const SERVER = "https://connect.example.test";
const success = SUCCESS_RESULT;
const status = (over: Partial<SessionStatusData>): SessionStatusData => ({
  status: "authorizing",
  expires_at: "",
  attempt_started_at: null,
  flow: null,
  result: null,
  ...over,
});

let stub: ReturnType<typeof stubWindowOpen>;
let events: ConnectEvent[];
let flow: ConnectFlow | undefined;
const start = (extra: Partial<Parameters<typeof connect>[0]> = {}) =>
  (flow = connect({ serverUrl: SERVER, sessionToken: "tok", externalPolling: true, onEvent: (e) => events.push(e), ...extra }));
const popup = (i = 0) => stub.opened[i]!.popup;
const finals = () => events.filter((e) => e.type === "success" || e.type === "error" || e.type === "cancelled");

beforeEach(() => {
  vi.useFakeTimers();
  stub = stubWindowOpen();
  events = [];
});
afterEach(() => {
  flow?.cancel();
  stub.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});
/** Whether this page has the focus; a live popup (also one cut off by COOP) holds it instead. */
const pageFocused = (focused: boolean) => vi.spyOn(document, "hasFocus").mockReturnValue(focused);

describe("connect", () => {
  it("opens the start URL with the page origin and a flow id inside the call", async () => {
    const f = start();
    expect(stub.opened).toHaveLength(1);
    const url = new URL(stub.opened[0]!.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${SERVER}/oauth/connect/microsoft-ads`);
    expect(url.searchParams.get("connect_session_token")).toBe("tok");
    expect(url.searchParams.get("origin")).toBe(window.location.origin);
    expect(url.searchParams.get("flow")).toBe(f.id);
    expect(events).toEqual([{ type: "open" }]);
  });

  it("answers the start page's handshake only from its own popup at the server's origin, for its own flow, to the server's origin", async () => {
    const f = start();
    const hello = { type: "ads-connect:handshake", flow: f.id, nonce: "n-1" };
    await postFromPopup(hello, "https://evil.example", popup());
    await postFromPopup(hello, SERVER, window);
    await postFromPopup({ ...hello, flow: "someone-elses-flow" }, SERVER, popup());
    expect(popup().messages).toEqual([]);
    await postFromPopup(hello, SERVER, popup());
    expect(popup().messages).toEqual([{ data: hello, targetOrigin: SERVER }]);
    expect(finals()).toEqual([]);
  });

  it("accepts a result only from the server's origin, its own popup, and in the shared shape", async () => {
    start();
    await postFromPopup(success, "https://evil.example", popup());
    await postFromPopup(success, SERVER, window);
    await postFromPopup(success, SERVER, null);
    await postFromPopup({ ...success, operation: "delete" }, SERVER, popup());
    await postFromPopup("ads-connect:success", SERVER, popup());
    expect(finals()).toEqual([]);
    await postFromPopup(success, SERVER, popup());
    expect(finals()).toEqual([{ type: "success", result: success }]);
  });

  it("reports the result exactly once when both the message and the poll bring it", async () => {
    const f = start();
    popup().closed = true;
    await vi.advanceTimersByTimeAsync(400);
    expect(events.at(-1)).toEqual({ type: "popup_closed" });
    f.receiveStatus(status({ status: "success", flow: f.id, result: success }));
    await postFromPopup(success, SERVER, popup());
    f.receiveStatus(status({ status: "success", flow: f.id, result: success }));
    expect(finals()).toEqual([{ type: "success", result: success }]);
  });

  it("cleans up: after the outcome no listener, timer or popup is left", async () => {
    start();
    await postFromPopup(success, SERVER, popup());
    expect(vi.getTimerCount()).toBe(0);
    expect(popup().closed).toBe(true);
    await postFromPopup(success, SERVER, popup());
    expect(finals()).toHaveLength(1);
  });

  it("a click-time part that cannot load (a host's deploy mid-flow): the popup's result comes from the session's status", async () => {
    vi.doMock("./started.js", () => {
      throw new TypeError("Failed to fetch dynamically imported module");
    });
    try {
      const f = start();
      await postFromPopup(success, SERVER, popup());
      expect(events.at(-1)).toEqual({ type: "popup_closed" });
      expect(finals()).toEqual([]);
      f.receiveStatus(status({ status: "success", flow: f.id, result: success }));
      expect(finals()).toEqual([{ type: "success", result: success }]);
    } finally {
      vi.doUnmock("./started.js");
    }
  });

  it("cancel closes the popup and reports cancelled once", async () => {
    const f = start();
    f.cancel();
    f.cancel();
    expect(popup().closed).toBe(true);
    expect(finals()).toEqual([{ type: "cancelled", reason: "user" }]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a second call while a flow runs focuses its popup instead of opening another", async () => {
    const first = start();
    const second = start();
    expect(second).toBe(first);
    expect(stub.opened).toHaveLength(1);
    expect(popup().focusCount).toBe(1);
  });

  it("opens a popup sized for Microsoft's sign-in and consent pages, or as asked", async () => {
    const sizes: string[] = [];
    const open = window.open;
    window.open = ((url, target, features) => {
      sizes.push(String(features));
      return open(url, target, features);
    }) as typeof window.open;
    start().cancel();
    start({ popupWidth: 600, popupHeight: 800 });
    window.open = open;
    expect(sizes[0]).toMatch(/^popup,width=500,height=700,left=-?\d+,top=-?\d+$/);
    expect(sizes[1]).toMatch(/^popup,width=600,height=800,/);
  });

  it("a blocked popup goes to a full-page redirect by default, and mode redirect never opens one", async () => {
    stub.restore();
    stub = stubWindowOpen({ blocked: true });
    // The token never comes: this test stops short of leaving the page.
    start({ sessionToken: undefined, getSessionToken: () => new Promise<string>(() => {}) });
    expect(events).toEqual([{ type: "redirect" }]);
    flow!.cancel();
    stub.restore();
    stub = stubWindowOpen();
    events = [];
    start({ mode: "redirect", sessionToken: undefined, getSessionToken: () => new Promise<string>(() => {}) });
    expect(stub.opened).toHaveLength(0);
    expect(events).toEqual([{ type: "redirect" }]);
  });

  it("with mode popup a blocked popup is an error of its own, and the next click can try again", async () => {
    stub.restore();
    stub = stubWindowOpen({ blocked: true });
    start({ mode: "popup" });
    expect(finals()).toMatchObject([{ type: "error", error: { code: "popup_blocked" } }]);
    stub.restore();
    stub = stubWindowOpen();
    start();
    expect(stub.opened).toHaveLength(1);
  });

  describe("a popup closed by the user", () => {
    // The late watch polls the session itself; this fake server name answers nothing (offline).
    beforeEach(() => {
      vi.spyOn(window, "fetch").mockRejectedValue(new TypeError("offline"));
    });

    it("is closed (popup_closed) within 2 s of this page regaining the focus, not before", async () => {
      pageFocused(false);
      start();
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(400);
      expect(events.at(-1)).toEqual({ type: "popup_closed" });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(finals()).toEqual([]);
      pageFocused(true);
      window.dispatchEvent(new Event("focus"));
      await vi.advanceTimersByTimeAsync(1999);
      expect(finals()).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      expect(finals()).toEqual([{ type: "cancelled", reason: "popup_closed" }]);
    });

    it("is closed 2 s after the closure shows when this page has the focus already", async () => {
      pageFocused(true);
      start({ closedFocusMs: 1500 });
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(300 + 1500);
      expect(finals()).toEqual([{ type: "cancelled", reason: "popup_closed" }]);
    });

    it("still takes a late success once (the popup lived on, cut off by COOP), and nothing after it", async () => {
      pageFocused(true);
      const f = start();
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(300 + 2000);
      expect(finals()).toEqual([{ type: "cancelled", reason: "popup_closed" }]);
      await postFromPopup(success, SERVER, popup());
      f.receiveStatus(status({ status: "success", flow: f.id, result: success }));
      await postFromPopup(success, SERVER, popup());
      expect(finals()).toEqual([
        { type: "cancelled", reason: "popup_closed" },
        { type: "success", result: success },
      ]);
      expect(vi.getTimerCount()).toBe(0);
    });

    it("after the closed state, a new flow stops the old one's watch", async () => {
      pageFocused(true);
      start();
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(300 + 2000);
      const second = start();
      expect(stub.opened).toHaveLength(2);
      await postFromPopup(success, SERVER, popup(0));
      expect(finals()).toEqual([{ type: "cancelled", reason: "popup_closed" }]);
      second.cancel();
    });
  });

  describe("a popup that looks closed before any result while this page has no focus (COOP, or the user away)", () => {
    beforeEach(() => {
      pageFocused(false);
    });

    it("keeps waiting while the server says this flow's attempt is at Microsoft", async () => {
      const f = start();
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(400);
      await vi.advanceTimersByTimeAsync(60_000);
      f.receiveStatus(status({ status: "authorizing", flow: f.id }));
      expect(finals()).toEqual([]);
      f.receiveStatus(
        status({
          status: "error",
          flow: f.id,
          result: { type: "ads-connect:error", error: { code: "consent_declined", message: "m", actor: "end_user", aadsts: 65004 } },
        }),
      );
      expect(finals()).toMatchObject([{ type: "error", error: { code: "consent_declined" } }]);
    });

    it("ignores another flow's result on the same session", async () => {
      const f = start();
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(400);
      f.receiveStatus(status({ status: "success", flow: "an-older-click", result: success }));
      expect(finals()).toEqual([]);
    });

    it("is cancelled when the server says the attempt is over without a result", async () => {
      const f = start();
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(400);
      f.receiveStatus(status({ status: "pending", flow: f.id }));
      expect(finals()).toEqual([{ type: "cancelled", reason: "attempt_over" }]);
    });

    it("is cancelled after the grace period when the attempt never reached Microsoft", async () => {
      const f = start({ closedGraceMs: 2000 });
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(400);
      f.receiveStatus(status({ status: "pending", flow: null }));
      expect(finals()).toEqual([]);
      await vi.advanceTimersByTimeAsync(2000);
      f.receiveStatus(status({ status: "pending", flow: null }));
      expect(finals()).toEqual([{ type: "cancelled", reason: "popup_closed" }]);
    });

    it("ends with the expired session when the session ran out", async () => {
      const f = start();
      popup().closed = true;
      await vi.advanceTimersByTimeAsync(400);
      f.receiveStatus(status({ status: "expired", flow: f.id }));
      expect(finals()).toMatchObject([{ type: "error", error: { code: "connect_session_expired" } }]);
    });

    it("ignores status answers while the popup is still open", async () => {
      const f = start();
      f.receiveStatus(status({ status: "pending", flow: null }));
      f.receiveStatus(status({ status: "expired" }));
      expect(finals()).toEqual([]);
    });
  });
});
