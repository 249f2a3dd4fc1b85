import pg from "pg";
import type { Logger } from "pino";

/** The channel the `connections` table's trigger notifies with the changed row's connection id (migration 0022). */
export const CONNECTION_CHANGES_CHANNEL = "adsc_connection_changed";

/** The listening connection's `application_name`. */
export const CONNECTION_CHANGES_APPLICATION = "ads-connect connection changes";

/** What a subscriber hears: one connection's row changed, or the feed lost track or the table was emptied (anything may have changed). */
export interface ConnectionChangeListener {
  changed(connectionId: string): void;
  reset(): void;
}

/**
 * PostgreSQL only: which connection rows change, as every instance writes them. One connection of
 * its own (outside the pool) LISTENs on the `connections` table's trigger channel; the trigger
 * notifies at commit, for any write by any instance, job or hand-written SQL. `listening` is true
 * only while that connection is up and listening: when it fails (PostgreSQL restarting, the network)
 * subscribers are reset, since a change may be missed meanwhile, and it connects again every
 * `retryMs` until it listens again.
 *
 * `caughtUp()` is the fence that makes what subscribers keep current: it sends an empty query on the
 * listening connection, and PostgreSQL sends a listening session the notifications of every
 * transaction committed before that query ahead of the query's answer. A writer's commit is done
 * before its client hears of it, so a change any client has seen committed is known here once a
 * fence sent after that has come back. Callers share fences: one is in flight at a time, and those
 * who come meanwhile wait for the next one.
 */
export class ConnectionChangeFeed {
  private client: pg.Client | undefined;
  private isListening = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<ConnectionChangeListener>();
  private fenceInFlight = false;
  /** The fence the callers that came while one was in flight wait for (sent when that one is back). */
  private nextFence: { promise: Promise<boolean>; resolve: (ok: boolean) => void } | undefined;

  constructor(private readonly options: { url: string; connectTimeoutMs: number; queryTimeoutMs: number; logger: Logger; retryMs?: number }) {}

  /** True while every committed change of a connection row reaches the subscribers. */
  get listening(): boolean {
    return this.isListening;
  }

  subscribe(listener: ConnectionChangeListener): void {
    this.listeners.add(listener);
  }

  /**
   * True once every change committed before this call has reached the subscribers; false when the
   * feed is not listening (or stops meanwhile): then what they kept may be stale.
   */
  caughtUp(): Promise<boolean> {
    if (!this.isListening) return Promise.resolve(false);
    if (this.nextFence !== undefined) return this.nextFence.promise;
    let resolve!: (ok: boolean) => void;
    const promise = new Promise<boolean>((r) => (resolve = r));
    this.nextFence = { promise, resolve };
    if (!this.fenceInFlight) this.sendFence();
    return promise;
  }

  private sendFence(): void {
    const fence = this.nextFence;
    const client = this.client;
    this.nextFence = undefined;
    if (fence === undefined) return;
    if (client === undefined || !this.isListening) {
      fence.resolve(false);
      return;
    }
    this.fenceInFlight = true;
    client.query("").then(
      () => this.fenceBack(fence, client, true),
      () => {
        // A fence that failed or timed out: the connection cannot be trusted to have told everything.
        this.lost(client);
        this.fenceBack(fence, client, false);
      },
    );
  }

  private fenceBack(fence: { resolve: (ok: boolean) => void }, client: pg.Client, ok: boolean): void {
    this.fenceInFlight = false;
    fence.resolve(ok && this.isListening && this.client === client);
    this.sendFence();
  }

  start(): void {
    if (!this.stopped && this.client === undefined) void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    this.isListening = false;
    for (const listener of this.listeners) listener.reset();
    this.sendFence();
    if (client === undefined) return;
    // A connection still being opened to an unreachable database does not hold the shutdown up.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([client.end().catch(() => {}), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.url,
      connectionTimeoutMillis: this.options.connectTimeoutMs,
      keepAlive: true,
      query_timeout: this.options.queryTimeoutMs,
      // How operators (and pg_stat_activity) tell it from the pool's connections.
      application_name: CONNECTION_CHANGES_APPLICATION,
    });
    this.client = client;
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    client.on("notification", (message) => {
      if (message.channel !== CONNECTION_CHANGES_CHANNEL) return;
      // An empty payload: the table was truncated.
      if (message.payload) for (const listener of this.listeners) listener.changed(message.payload);
      else for (const listener of this.listeners) listener.reset();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CONNECTION_CHANGES_CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.client !== client) return;
    this.isListening = true;
    this.options.logger.debug("listening for connection changes");
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (this.isListening) this.options.logger.warn("lost the connection that listens for connection changes; token reads go to the database until it is back");
    this.isListening = false;
    for (const listener of this.listeners) listener.reset();
    this.fenceInFlight = false;
    this.sendFence();
    client.end().catch(() => {});
    if (this.stopped) return;
    this.retry = setTimeout(() => void this.connect(), this.options.retryMs ?? 1000);
    this.retry.unref();
  }
}
