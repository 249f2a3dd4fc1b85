import { BrowserClient, type Page } from "../../packages/server/src/testing/browserClient.js";
import { pickerForm, resultOf, signInAs, submitPicker, submitStart, WIDGET_ORIGIN } from "../../packages/server/src/testing/harness.js";
import { httpRequest } from "../../packages/server/src/testing/httpRequest.js";
import { type BackendClient, withTimeout } from "./api.js";
import { BALANCER_HEADER } from "./balancer.js";
import type { Rng } from "./rng.js";

export type FlowKind = "connect" | "reconnect" | "change_accounts";

/** One end user's trip through the popup, as the driver saw it. */
export interface FlowRecord {
  kind: FlowKind;
  sessionToken: string;
  username: string;
  /** Entra issued a code (its sign-in answered with the redirect to the callback). */
  reachedEntra: boolean;
  /** "success", "error:<code>", or "aborted:<step>" when the driver's own requests failed (instance killed). */
  outcome: string;
  connectionId: string | null;
}

/** Test users that sign in and have Microsoft Advertising accounts (one, and three: the picker). */
export const FLOW_USERS = ["adele@contoso.example", "three@contoso.example"] as const;

class Aborted extends Error {}

/** A page through the balancer; an unreachable instance or a cut connection aborts the step (`retries` more tries for GETs a person would reload). */
async function step(name: string, load: () => Promise<Page>, retries = 0): Promise<Page> {
  for (let attempt = 0; ; attempt++) {
    try {
      const page = await withTimeout(load(), 60_000);
      if (!page.headers.get(BALANCER_HEADER)) return page;
    } catch {
      // cut by a kill: reload
    }
    if (attempt >= retries) throw new Aborted(name);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** start → Continue → Entra's sign-in → callback → picker → result page, over HTTP as a popup does. */
export async function runFlow(baseUrl: string, kind: FlowKind, sessionToken: string, username: string, rng: Rng): Promise<FlowRecord> {
  const record: FlowRecord = { kind, sessionToken, username, reachedEntra: false, outcome: "aborted:start", connectionId: null };
  const browser = new BrowserClient();
  try {
    const startUrl = `${baseUrl}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: sessionToken, origin: WIDGET_ORIGIN })}`;
    const start = await step("start", () => browser.get(startUrl), 2);
    let page = await step("continue", () => submitStart(browser, start, "continue"));
    if (/name="interaction"/.test(page.body)) {
      const login = page;
      const redirect = await step("sign_in", () => signInAs(browser, login, username, { follow: false }));
      const location = redirect.headers.get("location");
      if (!location) throw new Aborted(`sign_in_${redirect.status}`);
      record.reachedEntra = new URL(location).searchParams.has("code");
      const callback = new URL(location, redirect.url).href;
      page = await step("callback", () => browser.get(callback), 2);
    }
    const picker = pickerForm(page);
    if (picker) {
      const chosen = picker.mode === "single" ? [rng.pick(picker.accountIds)] : picker.accountIds.filter((_, i) => i === 0 || rng.next() < 0.5);
      const pickerPage = page;
      page = await step("picker", () => submitPicker(browser, pickerPage, chosen));
    }
    const result = resultOf(page);
    if (result.type === "ads-connect:success") {
      record.outcome = "success";
      record.connectionId = result.connection_id;
    } else record.outcome = `error:${result.error.code}`;
  } catch (err) {
    record.outcome = err instanceof Aborted ? `aborted:${err.message}` : `aborted:${err instanceof Error ? err.message.slice(0, 60) : "?"}`;
  }
  return record;
}

/** Creates the session for a flow (retried through kills, as a product backend would). */
export async function createSession(api: BackendClient, kind: FlowKind, body: unknown): Promise<string | null> {
  const path = kind === "connect" ? "/connect/sessions" : kind === "reconnect" ? "/connect/sessions/reconnect" : "/connect/sessions/change-accounts";
  for (let attempt = 0; attempt < 5; attempt++) {
    const answer = await api(`session_${kind}`, "POST", path, body);
    if (answer?.status === 201) return (answer.json as { data: { token: string } }).data.token;
    if (answer && answer.status < 500 && answer.status !== 429) return null;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return null;
}

/** The widget-facing status of a session (its own token, no secret key). */
export async function sessionStatus(baseUrl: string, sessionToken: string): Promise<{ status: string; result: unknown } | null> {
  try {
    const response = await withTimeout(httpRequest(`${baseUrl}/connect/session/status`, { headers: { authorization: `Bearer ${sessionToken}` } }), 30_000);
    if (response.status !== 200) return null;
    return (JSON.parse(response.text) as { data: { status: string; result: unknown } }).data;
  } catch {
    return null;
  }
}
