import { randomUUID } from "node:crypto";
import { PROVIDER_CONFIG_KEY, parseAadsts } from "@ads-connect/shared";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { ENTRA_ORIGIN, type EntraClient } from "../oauth/entraClient.js";
import { adminConsentRedirectUri } from "../oauth/redirectUris.js";
import { ADS_SCOPES } from "../oauth/scopes.js";
import type { Operation } from "../oplog/operation.js";
import { OperationLog } from "../oplog/operationLog.js";
import type { AdminConsentRequestRow } from "../store/adminConsentStore.js";
import type { Stores } from "../store/stores.js";
import { TENANT_ID } from "../tenant.js";
import { hashToken, newToken, secretsEqual } from "../tokens/secureToken.js";
import { type Clock, systemClock } from "../util/clock.js";

export const ADMIN_CONSENT_COOKIE = "adsc_admin_consent";

/** A text of the administrator's pages, by its key in the pages' string tables (the route picks the language). */
export type AdminTextKey =
  | "adminLinkInvalidHeading"
  | "adminAskAgain"
  | "adminAlreadyApprovedHeading"
  | "adminAlreadyApprovedBody"
  | "adminLinkExpiredHeading"
  | "adminLinkExpiredOn"
  | "adminResponseInvalidHeading"
  | "adminResponseInvalidBody"
  | "adminOtherBrowserHeading"
  | "adminOtherBrowserBody"
  | "adminResponseUsedHeading"
  | "adminResponseUsedBody"
  | "adminTooLongHeading"
  | "adminOpenAgain"
  | "adminTenantMismatchHeading"
  | "adminTenantMismatchBody"
  | "adminApprovedHeading"
  | "adminApprovedBody"
  | "adminApprovedNext"
  | "adminDeclinedHeading"
  | "adminMicrosoftSaid"
  | "adminNotConfirmed"
  | "adminDeclinedNext";
/** A paragraph: its text's key, plain-text values for its placeholders, and a `{date}` (ms). */
export interface AdminText {
  key: AdminTextKey;
  values?: Record<string, string>;
  date?: number;
}

/** What the administrator's browser is shown (or sent to). */
export type AdminConsentOutcome =
  | { kind: "redirect"; url: string; binding: string; maxAgeSeconds: number }
  | { kind: "page"; status: number; result: "approved" | "declined" | "invalid"; heading: AdminTextKey; paragraphs: AdminText[]; code?: string };

const text = (key: AdminTextKey): AdminText => ({ key });
const invalid = (status: number, code: string, heading: AdminTextKey, ...paragraphs: AdminText[]): AdminConsentOutcome => ({
  kind: "page",
  status,
  result: "invalid",
  heading,
  paragraphs,
  code,
});

/**
 * Admin consent, for organizations that let only administrators approve apps: a blocked sign-in
 * gets a link for the user's administrator; the link starts Entra's `/{tenant}/v2.0/adminconsent`
 * (state, browser binding, single use, like a sign-in), and the callback records the approval for
 * the tenant so the user can connect.
 */
export class AdminConsentService {
  private readonly now: Clock;

  private readonly operations: OperationLog;

  constructor(private readonly deps: { config: Config; stores: Stores; logger: Logger; entra?: EntraClient; now?: Clock; operations?: OperationLog }) {
    this.now = deps.now ?? systemClock;
    this.operations = deps.operations ?? OperationLog.disabled();
  }

  /**
   * The tenant id an approval for this request must come from: the id itself, a domain's id (by
   * discovery), or null when the request named none (`organizations`). Undefined: a domain whose id
   * could not be learned.
   */
  private async expectedTenantId(tenant: string): Promise<string | null | undefined> {
    if (TENANT_ID.test(tenant)) return tenant.toLowerCase();
    if (["common", "organizations", "consumers"].includes(tenant.toLowerCase())) return null;
    try {
      const issuer = (await this.deps.entra?.configuration(tenant))?.serverMetadata().issuer ?? "";
      const id = new URL(issuer).pathname.split("/")[1] ?? "";
      return TENANT_ID.test(id) ? id.toLowerCase() : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * A new link for the administrator of the organization a sign-in was blocked in. `tenant` is the
   * attempt's tenant: a specific one is kept, `common` and the like become `organizations` (Entra
   * then asks the administrator to sign in and approves for their own organization).
   */
  async createLink(request: { sessionId: string; endUserId: string; tenant: string; scope: string }): Promise<string> {
    const token = newToken("adsc_ac_");
    const generic = ["common", "organizations", "consumers"].includes(request.tenant.toLowerCase());
    const now = this.now();
    await this.deps.stores.adminConsents.insertRequest({
      id: randomUUID(),
      token_hash: hashToken(token),
      session_id: request.sessionId,
      end_user_id: request.endUserId,
      tenant: generic ? "organizations" : request.tenant,
      // The resource permissions the sign-in asked for (admin consent takes no OpenID scopes).
      scope:
        request.scope
          .split(" ")
          .filter((s) => s.includes("/"))
          .join(" ") || ADS_SCOPES[this.deps.config.microsoft.adsEnvironment],
      created_at: now,
      expires_at: now + this.deps.config.adminConsentLinkTtlSeconds * 1000,
      state_hash: null,
      binding_hash: null,
      state_expires_at: null,
      completed_at: null,
      granted_tenant_id: null,
      error: null,
    });
    return `${this.deps.config.publicUrl}/oauth/admin-consent?request=${encodeURIComponent(token)}`;
  }

  /** The administrator opened the link: a fresh state bound to their browser, then Microsoft. */
  async start(token: string | undefined): Promise<AdminConsentOutcome> {
    const { config } = this.deps;
    const consents = this.deps.stores.adminConsents;
    const request = token ? await consents.findRequestByTokenHash(hashToken(token)) : undefined;
    if (!request) return invalid(404, "admin_consent_link_invalid", "adminLinkInvalidHeading", text("adminAskAgain"));
    const now = this.now();
    const op = this.operationOf(request);
    op.log("info", "Approval link opened");
    // Only an approval a sign-in has since confirmed: a browser-reported one may be forged.
    const verifiedAt = request.granted_tenant_id ? await consents.verifiedAt(request.granted_tenant_id) : undefined;
    if (verifiedAt != null) {
      op.log("info", "Already approved for the organization");
      op.succeed();
      return {
        kind: "page",
        status: 200,
        result: "approved",
        heading: "adminAlreadyApprovedHeading",
        paragraphs: [text("adminAlreadyApprovedBody")],
      };
    }
    if (request.expires_at <= now) {
      op.fail({ code: "admin_consent_link_expired", message: "The approval link has expired" });
      return invalid(
        410,
        "admin_consent_link_expired",
        "adminLinkExpiredHeading",
        { key: "adminLinkExpiredOn", date: request.expires_at },
        text("adminAskAgain"),
      );
    }

    const state = newToken("");
    const binding = newToken("");
    const ttl = config.attemptTtlSeconds;
    await consents.setRequestState(request.id, { stateHash: hashToken(state), bindingHash: hashToken(binding), expiresAt: now + ttl * 1000 });
    const url = new URL(`${config.microsoft.emulatorUrl ?? ENTRA_ORIGIN}/${encodeURIComponent(request.tenant)}/v2.0/adminconsent`);
    url.search = new URLSearchParams({
      client_id: config.microsoft.clientId,
      scope: request.scope,
      redirect_uri: adminConsentRedirectUri(config.publicUrl),
      state,
    }).toString();
    this.deps.logger.info({ requestId: request.id, tenant: request.tenant }, "admin consent started");
    op.log("info", "Sent to Microsoft's admin consent");
    return { kind: "redirect", url: url.href, binding, maxAgeSeconds: ttl };
  }

  /** Entra's answer: `admin_consent=True&tenant=…` or `error=…`, checked against the state and the browser. */
  async callback(query: URLSearchParams, binding: string | undefined): Promise<AdminConsentOutcome> {
    const { stores, logger } = this.deps;
    const state = query.get("state");
    const request = state ? await stores.adminConsents.findRequestByStateHash(hashToken(state)) : undefined;
    if (!state || !request) return invalid(400, "state_invalid", "adminResponseInvalidHeading", text("adminResponseInvalidBody"));
    if (!binding || !request.binding_hash || !secretsEqual(hashToken(binding), request.binding_hash)) {
      return invalid(403, "attempt_browser_mismatch", "adminOtherBrowserHeading", text("adminOtherBrowserBody"));
    }
    // Single use: whoever clears the state first handles the answer.
    if (!(await stores.adminConsents.claimRequestState(request.id, hashToken(state))))
      return invalid(400, "state_already_used", "adminResponseUsedHeading", text("adminResponseUsedBody"));
    const now = this.now();
    const op = this.operationOf(request);
    op.log("info", "Callback: back from Microsoft's admin consent");
    const failed = (code: string, message: string) => op.fail({ code, message });
    if ((request.state_expires_at ?? 0) <= now) {
      failed("attempt_expired", "The approval took too long");
      return invalid(400, "attempt_expired", "adminTooLongHeading", text("adminOpenAgain"));
    }

    const tenantId = query.get("tenant") ?? "";
    if (query.get("admin_consent")?.toLowerCase() === "true" && TENANT_ID.test(tenantId)) {
      const expected = await this.expectedTenantId(request.tenant);
      if (expected === undefined || (expected !== null && expected !== tenantId.toLowerCase())) {
        logger.warn({ requestId: request.id }, "admin consent for another tenant than requested refused");
        failed("admin_consent_tenant_mismatch", "The approval is for another organization than requested");
        return invalid(400, "admin_consent_tenant_mismatch", "adminTenantMismatchHeading", text("adminTenantMismatchBody"));
      }
      // Recorded as reported by the browser, unverified until a sign-in from the tenant works.
      await stores.transaction(async (tx) => {
        await tx.adminConsents.recordGrant({ tenantId: tenantId.toLowerCase(), at: now, requestId: request.id, scope: query.get("scope") ?? request.scope });
        await tx.adminConsents.completeRequest(request.id, now, tenantId.toLowerCase());
        await tx.events.record(now, "admin_consent_granted", null);
      });
      logger.info({ requestId: request.id, tenantId }, "admin consent granted");
      op.succeed();
      return {
        kind: "page",
        status: 200,
        result: "approved",
        heading: "adminApprovedHeading",
        paragraphs: [text("adminApprovedBody"), text("adminApprovedNext")],
      };
    }

    const error = query.get("error") ?? "invalid_response";
    const description = (query.get("error_description") ?? "").split(/\r?\n/)[0]!.slice(0, 300);
    await stores.transaction(async (tx) => {
      await tx.adminConsents.failRequest(request.id, `${error}: ${description}`);
      await tx.events.record(now, "admin_consent_failed", null, { code: "admin_consent_declined", actor: "end_user_admin", aadsts: null });
    });
    // Microsoft's number, not its description (descriptions can name the account).
    logger.warn({ requestId: request.id, error, aadsts: parseAadsts(description) }, "admin consent not granted");
    const aadsts = parseAadsts(description);
    failed("admin_consent_declined", `Microsoft answered ${error.slice(0, 50)}${aadsts ? ` (AADSTS${aadsts})` : ""}`);
    return {
      kind: "page",
      status: 200,
      result: "declined",
      heading: "adminDeclinedHeading",
      paragraphs: [description ? { key: "adminMicrosoftSaid", values: { description } } : text("adminNotConfirmed"), text("adminDeclinedNext")],
      code: error,
    };
  }

  /** The request's `admin/consent` operation: one per approval link, whichever instance serves its steps. */
  private operationOf(request: AdminConsentRequestRow): Operation {
    return this.operations.resume(`admin-consent-${request.id}`, {
      type: "admin",
      action: "consent",
      sessionId: request.session_id,
      endUserId: request.end_user_id,
      integration: PROVIDER_CONFIG_KEY,
    });
  }
}
