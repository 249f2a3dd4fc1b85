/**
 * The error catalogue's entry type and the words its parts share (errorCatalogue.ts puts the parts
 * together).
 */

/**
 * Who must act on an error, in the reference's words: the end user (or their organization's
 * administrator), the product team whose backend and pages call ads-connect, the operator who
 * configures and runs the ads-connect server (environment, Entra app registration, database), or
 * nobody (temporary: trying again works). The wire's `actor` field (ErrorActorSchema) folds the
 * operator into `product_team`.
 *
 * @example
 * ```ts
 * import type { ErrorCatalogueActor } from "@ads-connect/node";
 *
 * const isOurs = (actor: ErrorCatalogueActor) => actor === "product_team" || actor === "operator";
 * ```
 */
export type ErrorCatalogueActor = "end_user" | "end_user_admin" | "product_team" | "operator" | "none";

/**
 * One error code's reference entry: its HTTP status(es), who must act, a typical message and the next step.
 *
 * @example
 * ```ts
 * import { ERROR_CATALOGUE, type ErrorCatalogueEntry } from "@ads-connect/node";
 *
 * const entry: ErrorCatalogueEntry = ERROR_CATALOGUE.rate_limited;
 * console.log(entry.http, entry.action);
 * ```
 */
export interface ErrorCatalogueEntry {
  /**
   * Every HTTP status the server answers with this code; empty when the code is never an HTTP
   * answer (a popup result, the session status, a connection's `errors`, or the widget itself).
   */
  http: readonly number[];
  actor: ErrorCatalogueActor;
  /** A typical message, in plain words (the actual one may name the field, header or limit). */
  message: string;
  /** The next step for whoever must act. */
  action: string;
}

/** HTTP statuses of a code that is never an HTTP answer (a popup result, the session status…). */
export const popup: readonly number[] = [];
export const RETRY = "Nothing to fix: connect again (or retry the call) in a moment.";
