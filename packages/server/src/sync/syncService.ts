import {
  CampaignPerformanceDailySchema,
  CampaignSchema,
  PROVIDER_CONFIG_KEY,
  type RecordsQuery,
  type RecordsResponse,
  type SyncStatus,
} from "@ads-connect/shared";
import type { Config } from "../config.js";
import { AppError } from "../errors.js";
import type { Stores } from "../store/stores.js";
import type { SyncRecordAction } from "../store/syncRecordStore.js";
import type { SyncScheduleRow } from "../store/syncScheduleStore.js";
import { type Clock, systemClock } from "../util/clock.js";
import { parseJson } from "../util/parseJson.js";
import { decodeRecordCursor, encodeRecordCursor } from "../util/recordCursor.js";
import { defaultFrequencySeconds, formatFrequency, isSyncName, MODEL_OF, parseFrequency, SYNC_NAMES, type SyncName } from "./syncDefinitions.js";

const DEFAULT_LIMIT = 100;
const STATUS_LIMIT = 1000;

const SCHEMAS = { Campaign: CampaignSchema, CampaignPerformanceDaily: CampaignPerformanceDailySchema } as const;

/**
 * The campaign and performance syncs' API (Nango's shapes): their records, and trigger, pause,
 * start, status and frequency per connection. Runs happen in the sync job; a trigger makes a sync
 * due now and wakes the job.
 */
export class SyncService {
  private readonly now: Clock;

  constructor(private readonly deps: { config: Config; stores: Stores; wake: () => void; now?: Clock }) {
    this.now = deps.now ?? systemClock;
  }

  /** The records of a sync model (`Campaign`, `CampaignPerformanceDaily`) in cursor order. */
  async records(connectionId: string, query: RecordsQuery): Promise<RecordsResponse> {
    const model = query.model as keyof typeof SCHEMAS;
    if (!(await this.deps.stores.connections.exists(connectionId))) throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.deps.stores.syncRecords.records(connectionId, model, {
      after: query.cursor ? decodeRecordCursor(query.cursor) : 0,
      limit: limit + 1,
      modifiedAfter: query.modified_after !== undefined ? Date.parse(query.modified_after) : undefined,
      actions: query.filter ? ([...new Set(query.filter.toUpperCase().split(","))] as SyncRecordAction[]) : null,
      ids: query.ids,
    });
    const page = rows.slice(0, limit);
    const records = page.map((row) => ({
      ...SCHEMAS[model].parse(JSON.parse(row.data)),
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

  /** Names given to the sync API, checked; empty (or `*`) means both syncs. */
  names(names: readonly (string | { name: string })[], path = "syncs"): SyncName[] {
    const list = names.map((n) => (typeof n === "string" ? n : n.name)).filter((n) => n !== "*");
    if (list.length === 0) return [...SYNC_NAMES];
    const unknown = list.filter((n) => !isSyncName(n));
    if (unknown.length > 0)
      throw new AppError(
        "invalid_body",
        `Invalid request. ${path}: unknown sync "${unknown[0]}" (this server's syncs: accounts, ${SYNC_NAMES.join(", ")})`,
        400,
        {
          details: [{ path, message: `must name ${SYNC_NAMES.join(" or ")}` }],
        },
      );
    return [...new Set(list)] as SyncName[];
  }

  private async requireConnection(connectionId: string | undefined): Promise<void> {
    if (connectionId !== undefined && !(await this.deps.stores.connections.exists(connectionId)))
      throw new AppError("not_found", `No connection with id "${connectionId}"`, 404);
  }

  /** Makes the syncs due now (a full resync reads the backfill again and reports as INITIAL). */
  async trigger(connectionId: string, names: SyncName[], reset: boolean): Promise<void> {
    await this.requireConnection(connectionId);
    await this.deps.stores.syncSchedules.ensureForDiscoveredConnections(names, this.now());
    await this.deps.stores.syncSchedules.set({ connectionId, syncNames: names }, { due_at: this.now(), ...(reset ? { reset_requested: 1 } : {}) });
    this.deps.wake();
  }

  /** Pauses or resumes the syncs of one connection or of every connection. */
  async setPaused(connectionId: string | undefined, names: SyncName[], paused: boolean): Promise<void> {
    await this.requireConnection(connectionId);
    await this.deps.stores.syncSchedules.ensureForDiscoveredConnections(names, this.now());
    await this.deps.stores.syncSchedules.set({ connectionId, syncNames: names }, { paused: paused ? 1 : 0 });
    if (!paused) this.deps.wake();
  }

  async status(connectionId: string | undefined, names: SyncName[]): Promise<SyncStatus[]> {
    await this.requireConnection(connectionId);
    await this.deps.stores.syncSchedules.ensureForDiscoveredConnections(names, this.now());
    const rows = await this.deps.stores.syncSchedules.list({ connectionId, syncNames: names, limit: STATUS_LIMIT });
    const counts = new Map<string, Record<string, number>>();
    const out: SyncStatus[] = [];
    for (const row of rows) {
      if (!counts.has(row.connection_id)) counts.set(row.connection_id, await this.deps.stores.syncRecords.counts(row.connection_id));
      out.push(this.toStatus(row, counts.get(row.connection_id)!));
    }
    return out;
  }

  private toStatus(row: SyncScheduleRow & { leased: boolean }, counts: Record<string, number>): SyncStatus {
    const name = row.sync_name as SyncName;
    const model = MODEL_OF[name];
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    const status = row.paused ? "PAUSED" : row.leased || row.status === "RUNNING" ? "RUNNING" : row.status === "ERROR" ? "ERROR" : "SUCCESS";
    return {
      id: `${row.connection_id}:${name}`,
      connection_id: row.connection_id,
      name,
      variant: "base",
      status,
      type: row.initial_done && !row.reset_requested ? "INCREMENTAL" : "INITIAL",
      finishedAt: iso(row.last_finished_at),
      nextScheduledSyncAt: row.paused ? null : iso(row.due_at),
      frequency: formatFrequency(row.frequency_seconds ?? defaultFrequencySeconds(this.deps.config, name)),
      latestResult: row.last_result ? parseJson(row.last_result) : null,
      recordCount: { [model]: counts[model] ?? 0 },
      lastError: row.last_error ? parseJson(row.last_error) : null,
    };
  }

  /** A connection's own frequency for a sync (null: back to the integration's); answers it in seconds. */
  async updateFrequency(connectionId: string, name: string, frequency: string | null): Promise<number> {
    const [sync] = this.names([name], "sync_name");
    await this.requireConnection(connectionId);
    const seconds = frequency === null ? null : parseFrequency(frequency);
    await this.deps.stores.syncSchedules.ensureForDiscoveredConnections([sync!], this.now());
    const row = await this.deps.stores.syncSchedules.get(connectionId, sync!);
    if (!row) throw new AppError("invalid_body", "The connection's accounts were not discovered yet: its syncs have no schedule to change", 400);
    const effective = seconds ?? defaultFrequencySeconds(this.deps.config, sync!);
    // The next run moves closer when the new frequency is shorter; a later one stays.
    const base = row.last_finished_at ?? this.now();
    await this.deps.stores.syncSchedules.set(
      { connectionId, syncNames: [sync!] },
      { frequency_seconds: seconds, due_at: Math.min(row.due_at, base + effective * 1000) },
    );
    return effective;
  }

  static checkProviderConfigKey(key: string | undefined): void {
    if (key !== undefined && key !== PROVIDER_CONFIG_KEY) throw new AppError("unknown_provider_config", `provider_config_key must be "${PROVIDER_CONFIG_KEY}"`);
  }
}
