import { signInRedirectUri } from "../oauth/redirectUris.js";
import { systemClock } from "../util/clock.js";
import type { PickerOutcome } from "./accountPickerService.js";
import { CallbackFlow } from "./callbackFlow.js";
import type { CallbackOutcome, FlowDeps, ProceedOutcome, StartOutcome } from "./flowTypes.js";
import { RedirectFlow } from "./redirectFlow.js";
import { ResultRecorder } from "./resultRecorder.js";
import { StartFlow } from "./startFlow.js";

export type { BindingCookie, CallbackOutcome, ErrorOutcome, FlowDeps, ProceedOutcome, StartOutcome } from "./flowTypes.js";
export { REDIRECT_COOKIE } from "./redirectFlow.js";

/**
 * The browser-facing half of the OAuth dance: start (session token → Entra authorize URL) and the
 * callback (code → tokens → connection). Every attempt carries state, PKCE (S256) and a nonce, is
 * bound to the starting browser, expires, and can be used once. The steps live in startFlow.ts,
 * callbackFlow.ts and resultRecorder.ts; this is the one thing the routes and the server call.
 */
export class ConnectFlowService {
  private readonly starts: StartFlow;
  private readonly callbacks: CallbackFlow;
  private readonly results: ResultRecorder;
  /** Redirect mode: start (form POST from the page), the way back, and redeeming the result. */
  readonly redirects: RedirectFlow;

  constructor(private readonly deps: FlowDeps) {
    // One clock for every step.
    const steps = { ...deps, now: deps.now ?? systemClock };
    this.results = new ResultRecorder(steps);
    this.starts = new StartFlow(steps);
    this.callbacks = new CallbackFlow(steps, this.results);
    this.redirects = new RedirectFlow(steps, this.starts);
  }

  get redirectUri(): string {
    return signInRedirectUri(this.deps.config.publicUrl);
  }

  /** The popup start URL (see StartFlow.start). */
  start(sessionToken: string | undefined, origin: string | undefined, flow?: string): Promise<StartOutcome> {
    return this.starts.start(sessionToken, origin, flow);
  }

  /** The account picker's form (see AccountPickerService.submit). */
  chooseAccounts(token: string | undefined, accountIds: string[], cookies: Record<string, string | undefined>): Promise<PickerOutcome> {
    return this.deps.picker.submit(token, accountIds, cookies);
  }

  /** The start page's form (see StartFlow.proceed). */
  proceed(
    proof: string | undefined,
    decision: string | undefined,
    cookies: Record<string, string | undefined>,
    browserLocale?: string,
  ): Promise<ProceedOutcome> {
    return this.starts.proceed(proof, decision, cookies, browserLocale);
  }

  /** Microsoft's redirect back (see CallbackFlow.callback). */
  callback(query: URLSearchParams, cookies: Record<string, string | undefined>): Promise<CallbackOutcome> {
    return this.callbacks.callback(query, cookies);
  }

  /** For the shutdown (see ResultRecorder.failUnfinished). */
  failUnfinished(): Promise<number> {
    return this.results.failUnfinished();
  }

  /** At start (see ResultRecorder.sweepInterrupted). */
  sweepInterrupted(): Promise<number> {
    return this.results.sweepInterrupted();
  }
}
