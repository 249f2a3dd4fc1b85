import {
  type AccountSelectionOutcome,
  type AdAccount,
  CONNECT_ERROR,
  CONNECT_SUCCESS,
  type ConnectResult,
  type ConnectSuccess,
  type EndUserInput,
  PROVIDER_CONFIG_KEY,
} from "@ads-connect/shared";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { resolveSelection, sessionSelectionMode } from "../connections/accountSelection.js";
import { AppError } from "../errors.js";
import type { OperationLog } from "../oplog/operationLog.js";
import type { ConnectSessionRow } from "../store/connectSessionStore.js";
import type { Stores } from "../store/stores.js";
import { joinTrace } from "../telemetry/tracing.js";
import { hashToken, newToken, secretsEqual } from "../tokens/secureToken.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { authWebhook } from "../webhooks/authWebhook.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import { ConnectOperations, endWithResult } from "./connectOperation.js";
import type { PickerPageInput } from "./pages/accountPickerPage.js";
import type { ResultNotice } from "./pages/resultPage.js";
/** `connect_sessions.purpose` of a session that reopens only the account picker. */
export const CHANGE_ACCOUNTS_PURPOSE = "change_accounts";

export interface PickerCookie {
  name: string;
  value: string;
  maxAgeSeconds: number;
}

/** What the popup shows next: the picker, or a result page (with a notice to read first, when there are no accounts). */
export type PickerOutcome =
  | { kind: "picker"; page: Omit<PickerPageInput, "action" | "strings">; cookie: PickerCookie | null; status: number; locale: string | null }
  | { kind: "result"; status: number; result: ConnectResult; origin: string | null; notice?: ResultNotice; locale?: string | null };

const LATE_CHOICE_GRACE_SECONDS = 600;

/** `finalize`'s answer when the picker's connection was deleted. */
const GONE = Symbol("connection gone");

/** Cookie that ties a picker to the browser it was shown in. */
export function pickerCookieName(sessionId: string): string {
  return `adsc_picker_${hashToken(sessionId).slice(0, 16)}`;
}

function refusal(code: "state_invalid" | "state_already_used" | "attempt_browser_mismatch" | "attempt_expired", message: string, status = 400): PickerOutcome {
  return { kind: "result", status, result: { type: CONNECT_ERROR, error: { code, message, actor: "end_user", aadsts: null } }, origin: null };
}

/** The picker's answer when its connection was deleted (before it opened, or while it was open). */
function connectionGone(session: ConnectSessionRow, origin: string | null): PickerOutcome {
  return {
    kind: "result",
    status: 404,
    result: {
      type: CONNECT_ERROR,
      error: { code: "not_found", message: "The connection no longer exists. Connect again from the app.", actor: "end_user", aadsts: null },
    },
    origin,
    locale: session.locale,
  };
}

/**
 * The popup's account picker step, after a successful sign-in (or alone, for a change-accounts
 * session). State lives on the session row: a hashed one-time token, the hashed browser binding, the
 * deadline, and the creation webhook held back (queued with its due time at the deadline) until the
 * choice is stored; then the webhook's body gets the selection and becomes due at once.
 */
export class AccountPickerService {
  private readonly now: Clock;

  constructor(
    private readonly deps: {
      config: Config;
      stores: Stores;
      outbox: WebhookOutbox;
      logger: Logger;
      /** Refreshes a connection's accounts before a change-accounts picker (never throws). */
      refreshAccounts: (connectionId: string) => Promise<unknown>;
      now?: Clock;
      /** The connect attempt's operation gets the picker's steps and the result. */
      operations?: OperationLog;
    },
  ) {
    this.now = deps.now ?? systemClock;
    this.ops = new ConnectOperations(deps.operations);
  }

  private readonly ops: ConnectOperations;

  private get ttlMs(): number {
    return this.deps.config.accountPicker.ttlSeconds * 1000;
  }

  /**
   * After a successful callback (the first load or a reload of it): decides without asking when it
   * can (no account, one account, `all`, a reconnect whose selection still exists), else shows the
   * picker (again, with a fresh token, on a reload while it is open).
   */
  async present(sessionId: string, success: ConnectSuccess, origin: string | null): Promise<PickerOutcome> {
    const session = await this.session(sessionId);
    if (!session?.picker_connection_id) return { kind: "result", status: 200, result: success, origin, locale: session?.locale ?? null };
    if (session.picker_done_at !== null || (session.picker_expires_at ?? 0) <= this.now()) {
      const recorded = session.last_result ? parseJson<ConnectResult>(session.last_result) : success;
      return { kind: "result", status: 200, result: recorded, origin, locale: session.locale };
    }
    return this.decide(session, success.operation === "override");
  }

  /** A change-accounts session after its handshake or Continue: the picker for its connection, nothing else. */
  async openForChange(session: ConnectSessionRow, origin: string | null): Promise<PickerOutcome> {
    const connectionId = session.reconnect_connection_id;
    const { stores } = this.deps;
    const exists = connectionId ? await stores.connections.exists(connectionId) : false;
    if (!connectionId || !exists) return connectionGone(session, origin);
    // Microsoft is asked for the accounts once per session (its first picker), not on every load.
    if (await stores.sessions.claimPickerConnection(session.id, connectionId)) await this.deps.refreshAccounts(connectionId);
    const now = this.now();
    await stores.sessions.reopenPicker(session.id, { picker_connection_id: connectionId, picker_origin: origin, picker_expires_at: now + this.ttlMs });
    const fresh = (await this.session(session.id))!;
    return this.decide(fresh, false);
  }

  /** The picker's form: one-time token + this browser's binding, then a valid choice. */
  async submit(token: string | undefined, ids: string[], cookies: Record<string, string | undefined>): Promise<PickerOutcome> {
    const session = token ? await this.deps.stores.sessions.findByPickerTokenHash(hashToken(token)) : undefined;
    if (!token || !session?.picker_connection_id)
      return refusal("state_invalid", "This account choice is not valid. Close this window and connect again from the app.");
    return joinTrace(session.trace_context, "ads_connect connect picker", () => this.submitFor(session, token, ids, cookies));
  }

  private async submitFor(session: ConnectSessionRow, token: string, ids: string[], cookies: Record<string, string | undefined>): Promise<PickerOutcome> {
    const binding = cookies[pickerCookieName(session.id)];
    if (!binding || !session.picker_binding_hash || !secretsEqual(hashToken(binding), session.picker_binding_hash)) {
      return refusal(
        "attempt_browser_mismatch",
        "This account choice was opened in another browser or window. Close this window and try again from the app.",
        403,
      );
    }
    if (session.picker_done_at !== null)
      return refusal("state_already_used", "These accounts were already chosen. Close this window; to change them, use the app.");
    if ((session.picker_expires_at ?? 0) <= this.now()) {
      return refusal("attempt_expired", "This page was open too long. Your Microsoft account is connected without ad accounts; choose them from the app.");
    }
    const mode = sessionSelectionMode(session.account_selection);
    const active = await this.deps.stores.adAccounts.active(session.picker_connection_id ?? "");
    const { accounts, unknown } = resolveSelection(active, ids);
    const wrongCount = mode === "single" ? accounts.length !== 1 || new Set(ids).size !== 1 : accounts.length === 0;
    if (unknown.length > 0 || wrongCount) {
      // Same token, same page: nothing was spent.
      const page = await this.pageInput(session, active, mode === "single" ? "single" : "multiple", token);
      return {
        kind: "picker",
        status: 400,
        cookie: null,
        locale: session.locale,
        page: { ...page, error: mode === "single" ? "chooseOne" : "chooseAtLeastOne", checked: accounts.map((a) => a.id) },
      };
    }
    const result = await this.finalize(
      session,
      accounts.map((a) => a.id),
      "chosen",
      hashToken(token),
    );
    if (result === GONE) return connectionGone(session, session.picker_origin);
    if (!result) return refusal("state_already_used", "These accounts were already chosen. Close this window; to change them, use the app.");
    return { kind: "result", status: 200, result, origin: session.picker_origin, locale: session.locale };
  }

  private async decide(session: ConnectSessionRow, reconnect: boolean): Promise<PickerOutcome> {
    const connectionId = session.picker_connection_id!;
    const active = await this.deps.stores.adAccounts.active(connectionId);
    const mode = sessionSelectionMode(session.account_selection);
    const origin = session.picker_origin;
    if (reconnect) {
      const selected = await this.deps.stores.connections.selectedAccountIds(connectionId);
      const previous = selected ? parseJson<string[]>(selected) : [];
      const kept = resolveSelection(active, previous).accounts;
      if (kept.length > 0 && (mode !== "single" || kept.length === 1)) return this.decided(session, kept, "kept", origin);
    }
    if (active.length === 0) return this.decided(session, [], "no_accounts", origin);
    if (active.length === 1 || mode === "all") return this.decided(session, active, "automatic", origin);
    return this.open(session, active, mode);
  }

  private async decided(session: ConnectSessionRow, accounts: AdAccount[], outcome: AccountSelectionOutcome, origin: string | null): Promise<PickerOutcome> {
    const result = await this.finalize(
      session,
      accounts.map((a) => a.id),
      outcome,
      null,
    );
    if (result === GONE) return connectionGone(session, origin);
    // Another load of the page decided first: show what it stored.
    const shown = result ?? parseJson<ConnectResult>((await this.session(session.id))?.last_result ?? "null");
    if (!shown) return refusal("state_already_used", "These accounts were already chosen. Close this window and check the app.");
    const locale = session.locale;
    if (outcome !== "no_accounts" || shown.type !== CONNECT_SUCCESS) return { kind: "result", status: 200, result: shown, origin, locale };
    return { kind: "result", status: 200, result: shown, origin, locale, notice: await this.noAccountsNotice(session.picker_connection_id!) };
  }

  /** Zero accounts: what it means and the next step (or, when discovery failed, that it is retried). */
  private async noAccountsNotice(connectionId: string): Promise<ResultNotice> {
    const row = await this.deps.stores.connections.findUser(connectionId);
    const failed = row?.accounts_error != null && row.accounts_synced_at === null;
    return { kind: failed ? "accounts_unavailable" : "no_accounts", user: row?.username ?? "", productName: this.deps.config.productName };
  }

  /** Shows the picker: a new one-time token and browser binding (an older page's token stops working). */
  private async open(session: ConnectSessionRow, active: AdAccount[], mode: "single" | "multiple"): Promise<PickerOutcome> {
    const token = newToken("");
    const binding = newToken("");
    if (!(await this.deps.stores.sessions.issuePickerToken(session.id, hashToken(token), hashToken(binding))))
      return refusal("state_already_used", "These accounts were already chosen. Close this window and check the app.");
    // Outlives the deadline a little, so a late choice hears "expired" rather than "another browser".
    const maxAgeSeconds = Math.max(1, Math.ceil(((session.picker_expires_at ?? 0) - this.now()) / 1000)) + LATE_CHOICE_GRACE_SECONDS;
    this.ops.of(session).log("info", `Account picker shown: ${active.length} accounts to choose from (${mode})`);
    return {
      kind: "picker",
      status: 200,
      page: await this.pageInput(session, active, mode, token),
      cookie: { name: pickerCookieName(session.id), value: binding, maxAgeSeconds },
      locale: session.locale,
    };
  }

  private async pageInput(
    session: ConnectSessionRow,
    accounts: AdAccount[],
    mode: "single" | "multiple",
    token: string,
  ): Promise<Omit<PickerPageInput, "action" | "strings">> {
    const row = await this.deps.stores.connections.findUser(session.picker_connection_id!);
    const user = row ? (row.display_name ? `${row.display_name} (${row.username})` : row.username) : "";
    return { mode, accounts, token, user, productName: this.deps.config.productName };
  }

  /**
   * Stores the selection, once: the session's picker is spent (with `claim`, only by the holder of
   * that token), the connection's selection written, the result (session status, reloads) updated
   * and the held creation webhook released with the selection — all in one transaction. Null when
   * someone else finished the picker first, GONE when the connection was deleted.
   */
  private async finalize(
    session: ConnectSessionRow,
    ids: string[],
    outcome: AccountSelectionOutcome,
    claim: string | null,
  ): Promise<ConnectResult | typeof GONE | null> {
    const connectionId = session.picker_connection_id!;
    const now = this.now();
    const result = await this.deps.stores.transaction(async (tx) => {
      // The connection's row is locked first (FOR UPDATE on PostgreSQL), as a deletion does before it
      // touches the held webhook and the sessions: taken the other way round (session, then connection),
      // a save and a deletion at the same moment could each wait for the other's row, a deadlock.
      if (!(await tx.schedule.accountSyncState(connectionId))) return GONE;
      if (!(await tx.sessions.spendPicker(session.id, now, claim))) return null;
      const active = await tx.adAccounts.active(connectionId);
      const chosen = resolveSelection(active, ids).accounts;
      await tx.connections.update(connectionId, { selected_account_ids: JSON.stringify(chosen.map((a) => a.id)), updated_at: now });
      // The next runs delete the records of accounts no longer selected (and report them in their webhooks).
      await tx.syncSchedules.makeDue(connectionId, now);
      let success: ConnectSuccess;
      if (session.purpose === CHANGE_ACCOUNTS_PURPOSE) {
        const row = await tx.connections.findByConnectionId(connectionId);
        if (!row) throw new Error(`connection ${connectionId} vanished inside its own transaction`);
        success = {
          type: CONNECT_SUCCESS,
          connection_id: connectionId,
          provider_config_key: PROVIDER_CONFIG_KEY,
          operation: "override",
          account: { username: row.username, display_name: row.display_name, tenant_id: row.tenant_id, account_type: row.account_type },
          accounts: chosen,
        };
        const json = JSON.stringify(success);
        await tx.sessions.complete(session.id, json, now);
        return success;
      }
      const before = session.last_result ? parseJson<ConnectResult>(session.last_result) : null;
      if (before?.type !== CONNECT_SUCCESS) throw new AppError("internal_error", "The picker's session has no recorded connect result.", 500);
      success = { ...before, accounts: chosen };
      const json = JSON.stringify(success);
      await tx.sessions.replaceResult(session.id, json);
      // A reload of the callback shows the result with the accounts.
      await tx.attempts.replaceSessionResult(session.id, session.last_result, json);
      if (session.picker_webhook_id) {
        const body = authWebhook({
          operation: success.operation,
          success: true,
          connectionId,
          endUser: parseJson<EndUserInput>(session.end_user),
          session,
          selection: { accounts: chosen, outcome },
        });
        const released = await this.deps.outbox.release(session.picker_webhook_id, body, tx.webhooks);
        if (!released)
          this.deps.logger.warn({ connectionId, webhookId: session.picker_webhook_id }, "the creation webhook went out before the accounts were chosen");
      }
      return success;
    });
    if (result && result !== GONE) {
      this.deps.logger.info({ connectionId, outcome, accounts: ids.length }, "ad accounts selected");
      const op = this.ops.of(session);
      op.update({ connectionId });
      op.log("info", `Accounts selected (${outcome}): ${ids.length}`);
      endWithResult(op, result);
    }
    return result;
  }

  private session(id: string): Promise<ConnectSessionRow | undefined> {
    return this.deps.stores.sessions.findById(id);
  }
}
