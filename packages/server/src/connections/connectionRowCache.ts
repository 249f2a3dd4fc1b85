import type { ConnectionChangeFeed, ConnectionChangeListener } from "../store/connectionChanges.js";
import type { ConnectionRow } from "../store/connectionStore.js";
import type { Clock } from "../util/clock.js";

/**
 * Connection rows kept in memory for token reads on PostgreSQL, so a read needs no query of its own.
 * Used only while the change feed listens: every committed write of a row, on any instance, drops
 * that row here as its notification arrives, and a kept row is served only after the feed's fence
 * (`caughtUp`, shared by the reads waiting meanwhile) has come back, so a write committed before the
 * read came in is always seen. When the feed's connection fails, everything is dropped and reads go
 * to the database until it listens again. A row read while a change arrived is not kept (it may
 * predate the change); no entry is kept longer than `ttlMs`. Rows are shared between reads and
 * never modified.
 */
export class ConnectionRowCache implements ConnectionChangeListener {
  private readonly entries = new Map<string, { row: ConnectionRow; until: number }>();
  /** Bumped by every change and reset: a read that saw it move may be older than the change. */
  private epoch = 0;

  constructor(
    private readonly feed: ConnectionChangeFeed,
    private readonly options: { maxEntries: number; ttlMs: number; now: Clock },
  ) {
    feed.subscribe(this);
  }

  /** The row (from memory when kept and the feed listens, else from `read`); undefined when there is none. */
  async find(connectionId: string, read: (connectionId: string) => Promise<ConnectionRow | undefined>): Promise<ConnectionRow | undefined> {
    if (!this.feed.listening) return read(connectionId);
    const hit = this.entries.get(connectionId);
    if (hit !== undefined) {
      // Served only if still kept once the changes committed before this read have arrived.
      if (hit.until > this.options.now() && (await this.feed.caughtUp()) && this.entries.get(connectionId) === hit) return hit.row;
      if (this.entries.get(connectionId) === hit) this.entries.delete(connectionId);
    }
    const epoch = this.epoch;
    const row = await read(connectionId);
    if (row !== undefined && epoch === this.epoch && this.feed.listening) this.keep(connectionId, row);
    return row;
  }

  changed(connectionId: string): void {
    this.epoch++;
    this.entries.delete(connectionId);
  }

  reset(): void {
    this.epoch++;
    this.entries.clear();
  }

  private keep(connectionId: string, row: ConnectionRow): void {
    this.entries.delete(connectionId);
    // Oldest first out: entries live `ttlMs` at most anyway.
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(connectionId, { row, until: this.options.now() + this.options.ttlMs });
  }
}
