import { AppError } from "../errors.js";
import type { ConsoleStore } from "../store/consoleStore.js";
import { hashToken, newToken, secretsEqual } from "../tokens/secureToken.js";
import { type Clock, systemClock } from "../util/clock.js";

/** The console session cookie's token prefix (the cookie holds the token; the database its hash). */
const TOKEN_PREFIX = "adsc_op_";

/**
 * Operator sign-in: the operator key (CONSOLE_OPERATOR_KEY, compared in constant time) exchanged
 * for a random session token that expires; sign-out deletes it. Without a key the console is off.
 */
export class ConsoleAuth {
  constructor(
    private readonly options: { operatorKey: string | null; sessionTtlSeconds: number },
    private readonly store: Pick<ConsoleStore, "insertSession" | "sessionValid" | "deleteSession" | "deleteExpiredSessions">,
    private readonly now: Clock = systemClock,
  ) {}

  get enabled(): boolean {
    return this.options.operatorKey !== null;
  }

  get ttlSeconds(): number {
    return this.options.sessionTtlSeconds;
  }

  /** Throws console_off when there is no operator key. */
  assertEnabled(): void {
    if (!this.enabled) throw new AppError("console_off", "The operator console is off: CONSOLE_OPERATOR_KEY is not set.", 404);
  }

  /** A new session's token for the right key; console_key_invalid otherwise. */
  async signIn(key: string): Promise<string> {
    this.assertEnabled();
    if (!secretsEqual(key, this.options.operatorKey!)) throw new AppError("console_key_invalid", "That is not the operator key.", 401);
    const now = this.now();
    await this.store.deleteExpiredSessions(now);
    const token = newToken(TOKEN_PREFIX);
    await this.store.insertSession(hashToken(token), now, now + this.options.sessionTtlSeconds * 1000);
    return token;
  }

  /** Throws console_sign_in_required unless the token is a live session's. */
  async verify(token: string | undefined): Promise<void> {
    this.assertEnabled();
    if (!token?.startsWith(TOKEN_PREFIX) || !(await this.store.sessionValid(hashToken(token), this.now()))) {
      throw new AppError("console_sign_in_required", "Sign in to the operator console first (no session, or it expired).", 401);
    }
  }

  async signOut(token: string | undefined): Promise<void> {
    if (token) await this.store.deleteSession(hashToken(token));
  }
}
