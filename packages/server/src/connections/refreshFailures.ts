import { DEAD_GRANT_AADSTS } from "@ads-connect/shared";
import type { ConnectFlowError } from "../errors.js";
import { entraRetryAfterMs } from "../oauth/translateEntraError.js";

/** Why a refresh failed, which decides who hears about it and what happens to the connection. */
export type FailureClass = "dead_grant" | "transient" | "configuration" | "unknown";

export function classify(error: ConnectFlowError): FailureClass {
  if (error.code === "provider_temporarily_unavailable") return "transient";
  // Only Entra's explicit answers that the grant can never work again expire a connection.
  if (error.aadsts !== null && DEAD_GRANT_AADSTS.has(error.aadsts)) return "dead_grant";
  // The app's own registration or secret: the product team's to fix, not the end user's.
  if (error.actor === "product_team" && error.code !== "provider_error") return "configuration";
  // Anything else (an unknown Entra error, an answer we could not use, an ID token failing its
  // checks): recorded and reported, the connection kept; the next refresh tries again.
  return "unknown";
}

export const MAX_RETRY_DELAY_MS = 30_000;

/** What a 503 tells the caller to wait: Microsoft's own Retry-After when it gave one, else a few seconds. */
export function retryAfterSeconds(err: unknown): number {
  const ms = cappedRetryAfterMs(err);
  return ms === null ? 5 : Math.max(1, Math.ceil(ms / 1000));
}

/** Entra's Retry-After, at most MAX_RETRY_DELAY_MS. */
export function cappedRetryAfterMs(err: unknown): number | null {
  const ms = entraRetryAfterMs(err);
  return ms === null ? null : Math.min(ms, MAX_RETRY_DELAY_MS);
}

/** How long background refreshes pause when Entra throttles without saying how long. */
export const DEFAULT_THROTTLE_MS = 60_000;

/**
 * A background refresh that did not run: the app's token request budget is spent, or Entra is
 * throttling. Internal, not an AppError: only background work refreshes with a budget
 * (`refreshUnlessBusy` turns it into "no_budget", a sync run is postponed to `retryAt`); it never
 * reaches a response.
 */
export class NoTokenBudget extends Error {
  override name = "NoTokenBudget";
  constructor(
    message: string,
    /** When the budget may have room again: Entra's throttling ends, or the next minute begins. */
    readonly retryAt: number,
  ) {
    super(message);
  }
}

/** `sync`: a sync run's call to Microsoft Advertising needs a new token (expiring, or refused with 109). */
export type RefreshReason = "read" | "forced" | "ahead" | "idle" | "sync";

/** Refreshes nobody is waiting for: they take from the budget and stop (NoTokenBudget) when it has no room. */
export const isBackground = (reason: RefreshReason): boolean => reason === "ahead" || reason === "idle" || reason === "sync";
