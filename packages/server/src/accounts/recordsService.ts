import { AD_ACCOUNT_MODEL, type AdAccountRecord, AdAccountSchema, PROVIDER_CONFIG_KEY, type RecordsQuery, type RecordsResponse } from "@ads-connect/shared";
import { AppError } from "../errors.js";
import type { AdAccountAction, AdAccountStore } from "../store/adAccountStore.js";
import type { ConnectionStore } from "../store/connectionStore.js";
import { decodeRecordCursor, encodeRecordCursor } from "../util/recordCursor.js";

const DEFAULT_LIMIT = 100;

/**
 * Nango's records API over `ad_accounts`: records in cursor order (each change moves a record to
 * the end), `modified_after` for what changed since a sync webhook's `modifiedAfter`, deleted
 * accounts included with their metadata.
 */
export class RecordsService {
  constructor(private readonly stores: { connections: ConnectionStore; adAccounts: AdAccountStore }) {}

  async list(input: { connectionId: string | undefined; providerConfigKey: string | undefined; query: RecordsQuery }): Promise<RecordsResponse> {
    const { connectionId, providerConfigKey, query } = input;
    if (!connectionId)
      throw new AppError("invalid_query", "The Connection-Id header is required", 400, { details: [{ path: "Connection-Id", message: "required header" }] });
    if (!providerConfigKey)
      throw new AppError("invalid_query", "The Provider-Config-Key header is required", 400, {
        details: [{ path: "Provider-Config-Key", message: "required header" }],
      });
    if (providerConfigKey !== PROVIDER_CONFIG_KEY) throw new AppError("unknown_provider_config", `Provider-Config-Key must be "${PROVIDER_CONFIG_KEY}"`);
    if (query.model !== AD_ACCOUNT_MODEL)
      throw new AppError("invalid_query", `Invalid request query. model: unknown model "${query.model}" (this server syncs ${AD_ACCOUNT_MODEL})`, 400, {
        details: [{ path: "model", message: `must be ${AD_ACCOUNT_MODEL}` }],
      });
    if (!(await this.stores.connections.exists(connectionId))) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const after = query.cursor ? decodeRecordCursor(query.cursor) : 0;
    const actions = query.filter ? [...new Set(query.filter.toUpperCase().split(","))] : null;
    const rows = await this.stores.adAccounts.records(connectionId, {
      after,
      limit: limit + 1,
      modifiedAfter: query.modified_after !== undefined ? Date.parse(query.modified_after) : undefined,
      actions: actions as AdAccountAction[] | null,
      ids: query.ids,
    });
    const page = rows.slice(0, limit);
    const records: AdAccountRecord[] = page.map((row) => ({
      ...AdAccountSchema.parse(JSON.parse(row.data)),
      _nango_metadata: {
        first_seen_at: new Date(row.first_seen_at).toISOString(),
        last_modified_at: new Date(row.last_modified_at).toISOString(),
        last_action: row.last_action,
        deleted_at: row.deleted_at === null ? null : new Date(row.deleted_at).toISOString(),
        cursor: encodeRecordCursor(row.cursor),
      },
    }));
    return { records, next_cursor: rows.length > limit ? encodeRecordCursor(page.at(-1)!.cursor) : null };
  }
}
