import { CONNECT_ERROR, type ConnectResult, type EndUserInput } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { AccountSync } from "../accounts/accountSync.js";
import type { AdminConsentService } from "../admin/adminConsentService.js";
import type { Config } from "../config.js";
import type { ConnectionService } from "../connections/connectionService.js";
import { type AppError, ConnectFlowError } from "../errors.js";
import type { EntraClient } from "../oauth/entraClient.js";
import type { OperationLog } from "../oplog/operationLog.js";
import type { Stores } from "../store/stores.js";
import { countConnect } from "../telemetry/metrics.js";
import { markErrorAnswer } from "../telemetry/tracing.js";
import { hashToken } from "../tokens/secureToken.js";
import type { TokenCipher } from "../tokens/tokenCipher.js";
import type { Clock } from "../util/clock.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import type { AccountPickerService, PickerOutcome } from "./accountPickerService.js";
import type { ConnectSessionService } from "./connectSessionService.js";

/** What every step of the sign-in flow works with. */
export interface FlowDeps {
  config: Config;
  /** The repositories (attempts, sessions, events…) and their transactions. */
  stores: Stores;
  sessions: ConnectSessionService;
  connections: ConnectionService;
  entra: EntraClient;
  cipher: TokenCipher;
  outbox: WebhookOutbox;
  adminConsent: AdminConsentService;
  /** Discovers the user's Microsoft Advertising accounts once a connect stored the connection. */
  accounts: AccountSync;
  /** The account picker step that follows a successful sign-in. */
  picker: AccountPickerService;
  logger: Logger;
  now?: Clock;
  /** The operation log: each connect attempt is an `auth/create_connection` operation. */
  operations?: OperationLog;
}

export interface BindingCookie {
  name: string;
  value: string;
  maxAgeSeconds: number;
}

/** The page that asks for the go-ahead before Microsoft: the widget's handshake, else the person's Continue. */
export interface StartPage {
  kind: "page";
  /** One-time proof in the page's form; with the binding cookie it lets this browser continue once. */
  proof: string;
  cookie: BindingCookie;
  /** PRODUCT_NAME; null: the page's "this app". */
  productName: string | null;
  /** The session's language tag; null: the browser's decides. */
  locale: string | null;
  /** Whom the connection would belong to, as the product described its end user. */
  endUser: EndUserInput;
  /** The widget's page to shake hands with; null for a plain connect link. */
  origin: string | null;
  flow: string | null;
  /** A change-accounts session: Continue opens the account picker (no Microsoft sign-in). */
  changeAccounts: boolean;
}

/** A result page instead of going on: where it may post the result (null: nobody to tell). */
export interface ErrorOutcome {
  kind: "error";
  status: number;
  result: ConnectResult;
  origin: string | null;
  /** Sent as `Retry-After` when Microsoft is temporarily unavailable. */
  retryAfterSeconds?: number;
  /** The session's language tag, when the session is known. */
  locale?: string | null;
}

export type StartOutcome = StartPage | ErrorOutcome | PickerOutcome;

export type ProceedOutcome =
  | { kind: "redirect"; url: string; cookie: BindingCookie; startCookieName: string }
  | ErrorOutcome
  | (PickerOutcome & { startCookieName: string });

export interface CallbackOutcome {
  status: number;
  result: ConnectResult;
  /** Where the result page may post the result; null when nobody should be told. */
  origin: string | null;
  /** After a success: the account picker to show, or the result page's notice (no accounts). */
  next?: PickerOutcome;
  /** The session's language tag, when the attempt is known. */
  locale?: string | null;
}

/** Cookie that ties a start page to the browser that opened it (its Continue is refused elsewhere). */
export function startCookieName(sessionId: string): string {
  return `adsc_start_${hashToken(sessionId).slice(0, 16)}`;
}

/** Cookie that ties an attempt to the browser that started it (login CSRF protection). */
export function bindingCookieName(state: string): string {
  return `adsc_attempt_${hashToken(state).slice(0, 16)}`;
}

export function errorResult(error: AppError): ConnectResult {
  const flow = error instanceof ConnectFlowError ? error : null;
  return {
    type: CONNECT_ERROR,
    error: { code: error.code, message: error.message, actor: flow?.actor ?? "end_user", aadsts: flow?.aadsts ?? null },
  };
}

/** A connect attempt's end in the metrics (outcome, error code) and on the request's span. */
export function countConnectResult(result: ConnectResult): void {
  if (result.type === CONNECT_ERROR) {
    countConnect("failure", result.error.code);
    markErrorAnswer(result.error.code, 200);
  } else countConnect("success");
}
