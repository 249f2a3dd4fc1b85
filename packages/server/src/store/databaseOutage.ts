import { sql } from "kysely";
import type { Logger } from "pino";
import { AppError } from "../errors.js";
import { isDatabaseUnavailable } from "./databaseErrors.js";
import type { Db } from "./db.js";

/** How often, while the database is unreachable, it is asked whether it is back. */
const PROBE_MS = 1000;

/**
 * An unreachable database (a PostgreSQL restart or failover) is expected and handled: requests
 * answer 503 with Retry-After and the jobs try again on their next pass. This logs it once: a warn
 * line with the error's code when it starts, an info line when the database answers again, instead
 * of an error with a stack per request and job pass. Callers hand it every error they catch;
 * anything else stays theirs to log as the error it is.
 */
export class DatabaseOutage {
  private downSince: number | null = null;
  private probe: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  /** True when `err` means the database is unreachable (the outage is logged when it starts); false for anything else. */
  noted(err: unknown): boolean {
    // Another AppError may carry a network error of its own upstream (Entra, Microsoft) as its cause: not ours.
    if (err instanceof AppError && err.code !== "database_unavailable") return false;
    if (!isDatabaseUnavailable(err)) return false;
    if (this.downSince === null && !this.stopped) {
      this.downSince = Date.now();
      // The code only: a driver's message may carry the host and port, never the URL's password, but keep it plain.
      this.logger.warn({ code: codeOf(err) }, "database unreachable: requests answer 503 and jobs retry until it is back");
      this.scheduleProbe();
    }
    return true;
  }

  /** Whether an outage is going on (noted, not yet seen over). */
  get down(): boolean {
    return this.downSince !== null;
  }

  /** Stops probing (shutdown). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.probe);
  }

  private scheduleProbe(): void {
    this.probe = setTimeout(() => void this.check(), PROBE_MS);
    this.probe.unref();
  }

  private async check(): Promise<void> {
    if (this.stopped || this.downSince === null) return;
    try {
      await sql`select 1`.execute(this.db);
    } catch {
      if (!this.stopped) this.scheduleProbe();
      return;
    }
    const downMs = Date.now() - this.downSince;
    this.downSince = null;
    this.logger.info({ downMs }, "database reachable again");
  }
}

/** The first error code along the cause chain (a Node network code or a PostgreSQL SQLSTATE), or null. */
function codeOf(err: unknown): string | null {
  for (let e = err, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code } = e as { code?: unknown };
    // Our own AppError's code (database_unavailable) says nothing the line does not; its cause does.
    if (typeof code === "string" && !(e instanceof AppError)) return code;
    if (e instanceof AggregateError) for (const inner of e.errors) if (codeOf(inner)) return codeOf(inner);
  }
  return null;
}
