import type * as oidc from "openid-client";
import type { Logger } from "pino";
import type { Alerter } from "../alerts/slackAlerter.js";
import type { Config } from "../config.js";
import { AppError, type ConnectFlowError } from "../errors.js";
import type { ConnectionRow } from "../store/connectionStore.js";
import type { Stores } from "../store/stores.js";
import { decryptCredentials, encryptCredentials, type StoredCredentials } from "../tokens/storedCredentials.js";
import type { TokenCipher } from "../tokens/tokenCipher.js";
import type { Clock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { authWebhook, type StoredEndUser } from "../webhooks/authWebhook.js";
import type { WebhookOutbox } from "../webhooks/webhookOutbox.js";
import type { FailureClass } from "./refreshFailures.js";
import { keepAliveDueAt } from "./refreshSchedule.js";

/**
 * What a refresh's outcome leaves behind, once Entra has answered: the new credentials or the
 * failure written over the credential version the refresh read (nothing when a reconnect or another
 * refresh wrote newer ones meanwhile), with their event, webhook and alert. TokenRefresher decides
 * when to refresh and talks to Entra; this records the result.
 */
export class RefreshOutcomes {
  constructor(
    private readonly deps: {
      config: Config;
      stores: Stores;
      cipher: TokenCipher;
      outbox: WebhookOutbox;
      alerter: Alerter;
      logger: Logger;
      now: Clock;
    },
  ) {}

  /**
   * Someone stored new credentials (a reconnect, another process's refresh) while this refresh was
   * on its way: its outcome is about credentials that no longer exist. The current ones are served.
   */
  async superseded(connectionId: string, log: Logger): Promise<StoredCredentials> {
    const row = await this.deps.stores.connections.findByConnectionId(connectionId);
    if (!row) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    if (row.status === "expired") throw new AppError("grant_expired", "The Microsoft connection has expired; the end user must reconnect.", 424);
    log.debug("serving the connection's current credentials");
    return decryptCredentials(this.deps.cipher, row);
  }

  async saveSuccess(
    row: ConnectionRow,
    current: StoredCredentials,
    response: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  ): Promise<StoredCredentials | null> {
    const now = this.deps.now();
    const next: StoredCredentials = {
      access_token: response.access_token,
      // Entra rotates refresh tokens: store the newest every time, in the same write as the access token.
      refresh_token: response.refresh_token ?? current.refresh_token,
      id_token: response.id_token ?? current.id_token,
      token_type: response.token_type,
      scope: response.scope ?? current.scope,
      expires_at: now + (response.expiresIn() ?? 3600) * 1000,
    };
    const recovered = row.failure_reported === 1;
    const written = await this.deps.stores.transaction(async (tx) => {
      const stored = await tx.connections.updateVersioned(
        row.connection_id,
        { expected: row.version, bump: true },
        {
          credentials_enc: await encryptCredentials(this.deps.cipher, row.connection_id, next),
          access_token_expires_at: next.expires_at,
          last_refreshed_at: now,
          keepalive_due_at: keepAliveDueAt(now, this.deps.config.refreshAhead.touchIdleAfterSeconds),
          status: "connected",
          errors: "[]",
          refresh_failures: 0,
          failure_reported: 0,
          updated_at: now,
        },
      );
      if (!stored) return false;
      await tx.events.record(now, "refresh_succeeded", row.connection_id);
      if (recovered) await this.deps.outbox.enqueue(this.webhook(row, true), tx.webhooks);
      return true;
    });
    if (!written) return null;
    this.deps.logger.info({ connectionId: row.connection_id, expiresAt: new Date(next.expires_at).toISOString() }, "token refreshed");
    if (recovered) {
      await this.deps.alerter.alert({
        key: `recovered:${row.connection_id}`,
        text: `:white_check_mark: Microsoft Ads connection ${row.connection_id} works again.`,
      });
    }
    return next;
  }

  /** Records the failure unless the connection got new credentials since `row` was read; false then. */
  async saveFailure(row: ConnectionRow, kind: FailureClass, error: ConnectFlowError): Promise<boolean> {
    const now = this.deps.now();
    const failures = row.refresh_failures + 1;
    const errors = JSON.stringify([{ type: error.code, log_id: "" }]);
    // The connection id only: alerts and logs carry no end-user ids, usernames or names (look them up by id).
    const who = `connection ${row.connection_id}`;
    const pending: { alert?: { key: string; text: string } } = {};
    const current = await this.deps.stores.transaction(async (tx) => {
      const guard = { expected: row.version, bump: false };
      if (kind === "configuration") {
        // The integration is misconfigured; the end user's grant is probably fine. Keep serving nothing new, blame nobody.
        // Nothing about the connection changes; the write only asks whether the row is still the one read.
        if (!(await tx.connections.updateVersioned(row.connection_id, guard, { version: row.version }))) return false;
        await tx.events.record(now, "refresh_failed", row.connection_id, error);
        pending.alert = {
          key: `configuration:${error.code}`,
          text: `:rotating_light: ads-connect cannot refresh Microsoft tokens: ${error.code}${error.aadsts ? ` (AADSTS${error.aadsts})` : ""}. ${error.message}`,
        };
        return true;
      }
      const report = kind === "dead_grant" || kind === "unknown" || failures >= this.deps.config.transientAlertThreshold;
      const stored = await tx.connections.updateVersioned(row.connection_id, guard, {
        ...(kind === "dead_grant" ? { status: "expired" as const, errors } : kind === "unknown" ? { status: "error" as const, errors } : {}),
        refresh_failures: failures,
        failure_reported: report ? 1 : row.failure_reported,
        updated_at: now,
      });
      if (!stored) return false;
      await tx.events.record(now, "refresh_failed", row.connection_id, error);
      // One webhook per failure episode: a connection failing on every retry does not flood the receiver.
      if (report && row.failure_reported === 0) {
        await this.deps.outbox.enqueue(this.webhook(row, false, { type: error.code, description: error.message }), tx.webhooks);
      }
      if (kind === "dead_grant")
        pending.alert = {
          key: `dead_grant:${row.connection_id}`,
          text: `:warning: Microsoft Ads ${who} has expired (${error.code}${error.aadsts ? `, AADSTS${error.aadsts}` : ""}). The end user must reconnect.`,
        };
      else if (report)
        pending.alert = {
          key: `failing:${row.connection_id}`,
          text: `:warning: Microsoft Ads ${who}: token refresh failed ${failures} times in a row (${error.code}).`,
        };
      return true;
    });
    if (!current) return false;
    if (pending.alert) await this.deps.alerter.alert(pending.alert);
    return true;
  }

  private webhook(row: ConnectionRow, success: boolean, error?: { type: string; description: string }) {
    return authWebhook({
      operation: "refresh",
      success,
      connectionId: row.connection_id,
      endUser: parseJson<StoredEndUser>(row.end_user),
      tags: parseJson(row.tags),
      ...(error ? { error } : {}),
    });
  }
}
