import type { Selectable } from "kysely";
import type { Db } from "./db.js";
import type { AdminConsentRequestTable } from "./schema.js";

export type AdminConsentRequestRow = Selectable<AdminConsentRequestTable>;

/** Admin consent (tables `admin_consent_requests` and `admin_consents`): the links and the approvals they brought. */
export class AdminConsentStore {
  constructor(private readonly db: Db) {}

  async insertRequest(row: AdminConsentRequestRow): Promise<void> {
    await this.db.insertInto("admin_consent_requests").values(row).execute();
  }

  async findRequestByTokenHash(tokenHash: string): Promise<AdminConsentRequestRow | undefined> {
    return this.db.selectFrom("admin_consent_requests").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
  }

  async findRequestByStateHash(stateHash: string): Promise<AdminConsentRequestRow | undefined> {
    return this.db.selectFrom("admin_consent_requests").selectAll().where("state_hash", "=", stateHash).executeTakeFirst();
  }

  /** A fresh state bound to the administrator's browser. */
  async setRequestState(id: string, state: { stateHash: string; bindingHash: string; expiresAt: number }): Promise<void> {
    await this.db
      .updateTable("admin_consent_requests")
      .set({ state_hash: state.stateHash, binding_hash: state.bindingHash, state_expires_at: state.expiresAt })
      .where("id", "=", id)
      .execute();
  }

  /** Single use: whoever clears the state first handles the answer (true for that caller only). */
  async claimRequestState(id: string, stateHash: string): Promise<boolean> {
    const claimed = await this.db
      .updateTable("admin_consent_requests")
      .set({ state_hash: null, binding_hash: null })
      .where("id", "=", id)
      .where("state_hash", "=", stateHash)
      .executeTakeFirst();
    return Number(claimed.numUpdatedRows) === 1;
  }

  async completeRequest(id: string, at: number, grantedTenantId: string): Promise<void> {
    await this.db
      .updateTable("admin_consent_requests")
      .set({ completed_at: at, granted_tenant_id: grantedTenantId, error: null })
      .where("id", "=", id)
      .execute();
  }

  async failRequest(id: string, error: string): Promise<void> {
    await this.db.updateTable("admin_consent_requests").set({ error }).where("id", "=", id).execute();
  }

  /** When a sign-in confirmed the tenant's approval: null while unverified, undefined without an approval. */
  async verifiedAt(tenantId: string): Promise<number | null | undefined> {
    const row = await this.db.selectFrom("admin_consents").select("verified_at").where("tenant_id", "=", tenantId).executeTakeFirst();
    return row?.verified_at;
  }

  /** Records (or renews) a tenant's approval as the browser reported it: unverified until a sign-in from the tenant works. */
  async recordGrant(grant: { tenantId: string; at: number; requestId: string; scope: string }): Promise<void> {
    await this.db
      .insertInto("admin_consents")
      .values({ tenant_id: grant.tenantId, granted_at: grant.at, request_id: grant.requestId, scope: grant.scope, verified_at: null })
      .onConflict((oc) => oc.column("tenant_id").doUpdateSet({ granted_at: grant.at, request_id: grant.requestId, scope: grant.scope }))
      .execute();
  }

  /** A sign-in from the tenant worked: its browser-reported approval (if any) is now verified. */
  async markVerified(tenantId: string, at: number): Promise<void> {
    await this.db
      .updateTable("admin_consents")
      .set({ verified_at: at })
      .where("tenant_id", "=", tenantId.toLowerCase())
      .where("verified_at", "is", null)
      .execute();
  }

  /** Every approval, newest first. */
  async listGrants(): Promise<{ tenant_id: string; granted_at: number; verified_at: number | null }[]> {
    return this.db.selectFrom("admin_consents").select(["tenant_id", "granted_at", "verified_at"]).orderBy("granted_at", "desc").execute();
  }
}
