import type { ConnectionRow } from "../store/connectionStore.js";
import type { Clock } from "../util/clock.js";

/**
 * Connection rows kept in memory for token reads on SQLite. A kept row is served only while the
 * database's change stamp (ConnectionStore.changeStamp: this connection's writes and every other
 * connection's commits, other processes' included) is the one taken before the row was read, so
 * any write committed before a read came in — a deletion, an expiry, a refresh, on any process —
 * drops everything kept. No entry is kept longer than `ttlMs`. Rows are shared and never modified.
 */
export class StampedRowCache {
  private readonly entries = new Map<string, { row: ConnectionRow; until: number }>();
  private stamp: number | undefined;

  constructor(
    private readonly changeStamp: () => number | undefined,
    private readonly options: { maxEntries: number; ttlMs: number; now: Clock },
  ) {}

  async find(connectionId: string, read: (connectionId: string) => Promise<ConnectionRow | undefined>): Promise<ConnectionRow | undefined> {
    const stamp = this.changeStamp();
    if (stamp === undefined || stamp !== this.stamp) {
      this.entries.clear();
      this.stamp = stamp;
    }
    const hit = this.entries.get(connectionId);
    if (hit !== undefined) {
      if (hit.until > this.options.now()) return hit.row;
      this.entries.delete(connectionId);
    }
    const row = await read(connectionId);
    // Kept under the stamp taken before the read: a write since then changes the stamp, so the row
    // is dropped before any later read could be served it.
    if (row !== undefined && stamp !== undefined && stamp === this.stamp) this.keep(connectionId, row);
    return row;
  }

  private keep(connectionId: string, row: ConnectionRow): void {
    this.entries.delete(connectionId);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(connectionId, { row, until: this.options.now() + this.options.ttlMs });
  }
}
