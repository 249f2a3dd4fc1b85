import {
  AADSTS_CATALOGUE,
  CONNECTION_STATUSES,
  catalogueEntry,
  type ErrorActor,
  type IntegrationProblem,
  type IntegrationStatus,
  PROVIDER_CONFIG_KEY,
  UNKNOWN_AADSTS,
} from "@ads-connect/shared";
import type { Config } from "../config.js";
import { clientSecretExpiry, clientSecretExpiryProblem } from "../oauth/clientSecretExpiry.js";
import { ENTRA_ORIGIN } from "../oauth/entraClient.js";
import { adminConsentRedirectUri, signInRedirectUri } from "../oauth/redirectUris.js";
import { USER_HOLD_PREFIX } from "../store/proxyHoldStore.js";
import type { Stores } from "../store/stores.js";
import { encryptionKeyUsage, keyUsageFindings } from "../tokens/keyUsage.js";
import { keyFingerprint } from "../tokens/secretKeys.js";
import { type Clock, systemClock } from "../util/clock.js";
import type { KeyUseRecorder } from "./keyUseRecorder.js";

const DAY_MS = 86_400_000;
const MAX_HOLDS_LISTED = 100;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const ACTORS: readonly string[] = ["end_user", "end_user_admin", "product_team", "none"] satisfies ErrorActor[];

/** The message the catalogue gives for Microsoft's number, else for our code. */
function messageFor(code: string, aadsts: number | null): string {
  return catalogueEntry(aadsts)?.message ?? Object.values(AADSTS_CATALOGUE).find((entry) => entry.code === code)?.message ?? UNKNOWN_AADSTS.message;
}

/** `GET /integrations/microsoft-ads/status`: the integration's health for the product team. */
export class IntegrationStatusService {
  constructor(
    private readonly config: Config,
    private readonly stores: Pick<Stores, "events" | "holds" | "connections" | "adminConsents">,
    private readonly keyUses: KeyUseRecorder,
    private readonly now: Clock = systemClock,
  ) {}

  async status(): Promise<IntegrationStatus> {
    const { microsoft, publicUrl } = this.config;
    const now = this.now();
    const currentKeyId = this.config.encryptionKeys[0]?.id ?? "";
    const [lastConnect, lastRefresh, errors, openProblem, counts, consents, keyUsage, holds, secretKeyUses] = await Promise.all([
      this.stores.events.lastAt("connect_succeeded"),
      this.stores.events.lastAt("refresh_succeeded"),
      this.stores.events.errorsSince(now - DAY_MS),
      this.stores.events.openConfigurationProblem(),
      this.stores.connections.countByStatus(),
      this.stores.adminConsents.listGrants(),
      encryptionKeyUsage(
        this.stores.connections,
        this.config.encryptionKeys.map((k) => k.id),
      ),
      this.stores.holds.active(now, MAX_HOLDS_LISTED),
      this.keyUses.usage(),
    ]);

    const byStatus = Object.fromEntries(CONNECTION_STATUSES.map((s) => [s, 0])) as Record<(typeof CONNECTION_STATUSES)[number], number>;
    for (const row of counts) byStatus[row.status] = Number(row.n);

    const secret = clientSecretExpiry(microsoft.clientSecretExpiresAt, now);
    const problems: IntegrationProblem[] = [];
    if (openProblem) {
      problems.push({
        code: openProblem.code,
        message: messageFor(openProblem.code, openProblem.aadsts),
        aadsts: openProblem.aadsts,
        since: iso(openProblem.at),
      });
    }
    for (const finding of keyUsageFindings(keyUsage, currentKeyId)) {
      if (finding.level === "error") problems.push({ code: "credentials_unreadable", message: finding.message, aadsts: null, since: null });
    }
    const secretProblem = clientSecretExpiryProblem(secret);
    if (secretProblem)
      problems.push({
        code: secret.state === "expired" ? "client_secret_expired" : "client_secret_expiring",
        message: secretProblem,
        aadsts: null,
        since: null,
      });

    return {
      integration_id: PROVIDER_CONFIG_KEY,
      configured: Boolean(microsoft.clientId && microsoft.clientSecret) && !openProblem && secret.state !== "expired",
      identity_provider: {
        kind: microsoft.emulatorUrl ? "emulator" : "entra",
        authority: `${microsoft.emulatorUrl ?? ENTRA_ORIGIN}/${microsoft.tenant}/v2.0`,
        client_id: microsoft.clientId,
        tenant: microsoft.tenant,
      },
      ads_environment: microsoft.adsEnvironment,
      redirect_uris: { sign_in: signInRedirectUri(publicUrl), admin_consent: adminConsentRedirectUri(publicUrl) },
      last_successful_connect_at: iso(lastConnect),
      last_successful_refresh_at: iso(lastRefresh),
      connections: { total: Object.values(byStatus).reduce((a, b) => a + b, 0), by_status: byStatus },
      errors_last_24h: errors.map((e) => ({
        code: e.code,
        actor: e.actor !== null && ACTORS.includes(e.actor) ? (e.actor as ErrorActor) : null,
        count: e.count,
        last_at: new Date(e.last_at).toISOString(),
        aadsts: e.aadsts,
      })),
      client_secret: { expires_at: iso(secret.expiresAt), days_left: secret.daysLeft, state: secret.state },
      encryption_keys: { current: currentKeyId, in_use: keyUsage },
      secret_keys: secretKeyUses.map((k) => ({ fingerprint: k.fingerprint, requests: k.requests, last_used_at: iso(k.lastUsedAt) })),
      webhook_signing_key: { fingerprint: keyFingerprint(this.config.webhookSigningKey) },
      admin_consents: consents.map((c) => ({
        tenant_id: c.tenant_id,
        granted_at: new Date(Number(c.granted_at)).toISOString(),
        status: c.verified_at === null ? ("pending_verification" as const) : ("verified" as const),
        verified_at: c.verified_at === null ? null : new Date(Number(c.verified_at)).toISOString(),
      })),
      problems,
      holds: holds.map((hold) => {
        const user = hold.customer_key.startsWith(USER_HOLD_PREFIX);
        return {
          customer_id: user ? null : hold.customer_key,
          connection_id: user ? hold.customer_key.slice(USER_HOLD_PREFIX.length) : null,
          // A hold stored before the clamp is shown as the proxy reads it.
          until: new Date(Math.min(hold.until, now + this.config.proxy.maxHoldSeconds * 1000)).toISOString(),
          reason: hold.reason,
        };
      }),
    };
  }
}
