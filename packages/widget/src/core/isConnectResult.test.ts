import { ConnectResultSchema, ERROR_CODES } from "@ads-connect/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isConnectResult } from "./isConnectResult.js";
import { SUCCESS_RESULT } from "./testPopup.js";

const success = SUCCESS_RESULT;
const failure = {
  type: "ads-connect:error",
  error: {
    code: "admin_consent_required",
    message: "m",
    actor: "end_user_admin",
    aadsts: 90094,
    admin_consent_url: "https://connect.example/oauth/admin-consent?request=r",
  },
};

// Values near the two valid shapes: each field kept, dropped, or replaced by something else.
const nearly = (value: unknown): fc.Arbitrary<unknown> => {
  if (typeof value !== "object" || value === null) {
    return fc.oneof({ weight: 4, arbitrary: fc.constant(value) }, fc.anything(), fc.constantFrom(null, undefined, 1.5, "", "x", ...ERROR_CODES));
  }
  const entries = Object.entries(value).map(([k, v]) => fc.tuple(fc.constant(k), fc.option(nearly(v), { nil: undefined, freq: 8 })));
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, v]) => v !== undefined)));
};

describe("isConnectResult", () => {
  it("accepts exactly what the shared ConnectResultSchema accepts", () => {
    fc.assert(
      fc.property(fc.oneof(nearly(success), nearly(failure), fc.anything()), (value) => {
        const guard = isConnectResult(value);
        const parsed = ConnectResultSchema.safeParse(value).success;
        // The guard lets through error codes newer than this widget knows, so a newer server's
        // message is still shown; everything else must agree.
        const code = (value as { error?: { code?: unknown } } | null)?.error?.code;
        if (guard && !parsed && typeof code === "string" && !(ERROR_CODES as readonly string[]).includes(code)) return;
        expect(guard).toBe(parsed);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts both well-formed results", () => {
    expect(isConnectResult(success)).toBe(true);
    expect(isConnectResult(failure)).toBe(true);
    expect(isConnectResult({ ...failure, type: "ads-connect:other" })).toBe(false);
    // The admin link is shown as a link: nothing but http(s).
    expect(isConnectResult({ ...failure, error: { ...failure.error, admin_consent_url: "javascript:alert(1)" } })).toBe(false);
  });
});
