import type { AccountSelection, AdAccount } from "@ads-connect/shared";
import { AppError } from "../errors.js";

/** A session without `account_selection` lets the person choose several accounts. */
export const DEFAULT_ACCOUNT_SELECTION: AccountSelection = "multiple";

export function sessionSelectionMode(stored: string | null): AccountSelection {
  return stored === "single" || stored === "multiple" || stored === "all" ? stored : DEFAULT_ACCOUNT_SELECTION;
}

/**
 * The chosen ids as active accounts of the connection, in Microsoft's order, or why not: ids that
 * are not (or no longer) among the connection's accounts.
 */
export function resolveSelection(active: AdAccount[], ids: readonly string[]): { accounts: AdAccount[]; unknown: string[] } {
  const wanted = new Set(ids);
  const known = new Set(active.map((a) => a.id));
  return { accounts: active.filter((a) => wanted.has(a.id)), unknown: [...wanted].filter((id) => !known.has(id)) };
}

/** For `PATCH /connections/:id`: any subset of the active accounts ([] included), else a 400 naming the strangers. */
export function validateSelectionPatch(active: AdAccount[], ids: readonly string[]): string[] {
  const { accounts, unknown } = resolveSelection(active, ids);
  if (unknown.length > 0) {
    throw new AppError(
      "invalid_body",
      `selected_account_ids must be ids of this connection's active ad accounts; unknown: ${unknown.slice(0, 10).join(", ")}`,
      400,
      {
        details: unknown.slice(0, 50).map((id) => ({ path: "selected_account_ids", message: `"${id}" is not an active ad account of this connection` })),
      },
    );
  }
  return accounts.map((a) => a.id);
}
