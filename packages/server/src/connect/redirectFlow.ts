import { randomUUID } from "node:crypto";
import type { ConnectResult } from "@ads-connect/shared";
import { AppError } from "../errors.js";
import { hashToken, newToken } from "../tokens/secureToken.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import type { PickerOutcome } from "./accountPickerService.js";
import { type BindingCookie, errorResult, type FlowDeps, type ProceedOutcome, type StartOutcome } from "./flowTypes.js";

/** Ties a redirect-mode sign-in to the browser that started it; sent to the `/oauth/` pages only. */
export const REDIRECT_COOKIE = "adsc_redirect";
/** The return URL's query parameter: the one-time token that redeems the result. */
export const RESULT_PARAM = "adsc_result";

/** Where a redirect-mode start sends the browser. */
export type RedirectStart =
  /** Not from an allowed page: a result page, nobody to return to. */
  | { kind: "refused"; status: number; result: ConnectResult }
  /** To Microsoft, with the attempt's binding cookie and the redirect's. */
  | { kind: "redirect"; url: string; cookies: BindingCookie[] }
  /** Ended before Microsoft (expired session…): back to the page with the result. */
  | { kind: "result"; result: ConnectResult; cookie: BindingCookie }
  /** A change-accounts session: its picker, here. */
  | { kind: "picker"; outcome: PickerOutcome; cookie: BindingCookie };

interface Steps {
  start(token: string | undefined, origin: string | undefined, flow?: string): Promise<StartOutcome>;
  proceed(proof: string | undefined, decision: string | undefined, cookies: Record<string, string | undefined>): Promise<ProceedOutcome>;
}

/**
 * Redirect mode (for in-app browsers and blocked popups, like Plaid's OAuth redirect): the product
 * page itself goes to Microsoft and comes back to a return URL with a one-time result token, which
 * the widget redeems (`POST /connect/redirect/result`). The start is a form POST from the page: the
 * browser's own `Origin` header proves an allowed page sent it, as the popup's handshake does, so it
 * goes straight to Microsoft. Every result page of the flow becomes the way back while the
 * browser's redirect cookie is open.
 */
export class RedirectFlow {
  private readonly now: Clock;

  constructor(
    private readonly deps: FlowDeps,
    private readonly steps: Steps,
  ) {
    this.now = deps.now ?? systemClock;
  }

  async start(input: {
    token: string | undefined;
    flow: string | undefined;
    returnTo: string | undefined;
    origin: string | undefined;
  }): Promise<RedirectStart> {
    const { config, stores } = this.deps;
    const returnTo = URL.canParse(input.returnTo ?? "") ? new URL(input.returnTo!) : null;
    const origin = input.origin;
    if (!origin || !config.allowedOrigins.includes(origin) || returnTo?.origin !== origin) {
      const error = new AppError(
        "origin_not_allowed",
        "This page is not allowed to connect Microsoft Advertising: the page and its return URL must be on an origin in ALLOWED_ORIGINS.",
      );
      return { kind: "refused", status: 400, result: errorResult(error) };
    }
    const binding = newToken("");
    const now = this.now();
    const ttlSeconds = config.attemptTtlSeconds + config.accountPicker.ttlSeconds;
    await stores.redirects.insert({
      id: randomUUID(),
      binding_hash: hashToken(binding),
      return_to: returnTo.href,
      origin,
      created_at: now,
      expires_at: now + ttlSeconds * 1000,
      result: null,
      result_token_hash: null,
      redeemed_at: null,
    });
    const cookie = { name: REDIRECT_COOKIE, value: binding, maxAgeSeconds: ttlSeconds };
    const started = await this.steps.start(input.token, origin, input.flow);
    if (started.kind === "error" || started.kind === "result") return { kind: "result", result: started.result, cookie };
    if (started.kind === "picker") return { kind: "picker", outcome: started, cookie };
    // The page's Origin stood in for the handshake: continue at once, as this browser.
    const proceeded = await this.steps.proceed(started.proof, undefined, { [started.cookie.name]: started.cookie.value });
    if (proceeded.kind === "redirect") return { kind: "redirect", url: proceeded.url, cookies: [proceeded.cookie, cookie] };
    if (proceeded.kind === "error" || proceeded.kind === "result") return { kind: "result", result: proceeded.result, cookie };
    return { kind: "picker", outcome: proceeded, cookie };
  }

  /**
   * A result page of this browser's open redirect: the return URL with a new one-time result token
   * (the result kept for it), or null when the browser has no open redirect (a popup).
   */
  async returnUrl(binding: string | undefined, result: ConnectResult): Promise<string | null> {
    if (!binding) return null;
    const token = newToken("adsc_rr_");
    const row = await this.deps.stores.redirects.recordResult(hashToken(binding), this.now(), JSON.stringify(result), hashToken(token));
    if (!row) return null;
    const url = new URL(row.return_to);
    url.searchParams.set(RESULT_PARAM, token);
    return url.href;
  }

  /** The result for a one-time token, once, and only to the page origin that started it. */
  async redeem(token: string | undefined, origin: string | undefined): Promise<ConnectResult> {
    const row = token && origin ? await this.deps.stores.redirects.redeem(hashToken(token), origin, this.now()) : undefined;
    if (!row?.result) throw new AppError("redirect_result_invalid", "This sign-in result was already read, has expired, or belongs to another site.", 401);
    return parseJson<ConnectResult>(row.result);
  }
}
