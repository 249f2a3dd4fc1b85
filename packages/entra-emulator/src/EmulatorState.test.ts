import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createSigningKey, type SigningKey } from "./createSigningKey.js";
import { type AccessTokenRecord, EmulatorState } from "./EmulatorState.js";

const HOUR = 3_600_000;
let signingKey: SigningKey;
beforeAll(async () => {
  signingKey = await createSigningKey();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("stored tokens", () => {
  it("drops records a day past their expiry when new ones are stored, and keeps the rest", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.UTC(2026, 0, 1);
    vi.setSystemTime(t0);
    const state = new EmulatorState(signingKey, { accessTokenLifetimeSeconds: 3600 });
    const store = (key: string) => state.remember<AccessTokenRecord>(state.accessTokens, key, { clientId: "c", username: null }, state.lifetimes.accessToken);
    for (let i = 0; i < 1000; i++) store(`old-${i}`);
    vi.setSystemTime(t0 + 2 * HOUR);
    store("later");

    // The old ones expired at t0 + 1 h: still told apart from unknown tokens for a day after.
    vi.setSystemTime(t0 + 25 * HOUR);
    store("now");
    expect(state.accessTokens.size).toBe(1002);
    expect(state.isAccessTokenValid("old-0")).toBe(false);

    vi.setSystemTime(t0 + 25 * HOUR + 1);
    store("next");
    expect([...state.accessTokens.keys()]).toEqual(["later", "now", "next"]);
    expect(state.isAccessTokenValid("next")).toBe(true);
  });

  it("visits only the records it drops, however many live ones are stored", () => {
    const state = new EmulatorState(signingKey, {});
    // Counts the records each sweep looks at.
    let visited = 0;
    class CountingMap<V> extends Map<string, V> {
      override *[Symbol.iterator](): MapIterator<[string, V]> {
        for (const entry of super[Symbol.iterator]()) {
          visited++;
          yield entry;
        }
      }
    }
    const tokens = new CountingMap<AccessTokenRecord>();
    for (let i = 0; i < 10_000; i++) state.remember(tokens, `t-${i}`, { clientId: "c", username: null }, state.lifetimes.accessToken);
    visited = 0;
    for (let i = 0; i < 100; i++) state.remember(tokens, `u-${i}`, { clientId: "c", username: null }, state.lifetimes.accessToken);
    expect(tokens.size).toBe(10_100);
    expect(visited).toBe(100);
  });
});
