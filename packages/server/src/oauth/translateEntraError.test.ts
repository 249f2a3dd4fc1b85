import { DEV_CLIENT_ID, DEV_CLIENT_SECRET, type EntraEmulator, startEntraEmulator } from "@ads-connect/entra-emulator";
import { DEAD_GRANT_AADSTS, UNKNOWN_AADSTS } from "@ads-connect/shared";
import * as oidc from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classify } from "../connections/refreshFailures.js";
import type { ConnectFlowError } from "../errors.js";
import { ENTRA_ORIGIN } from "./entraClient.js";
import { fromTokenRequestError } from "./translateEntraError.js";

// Real openid-client calls against the Entra emulator, each failing the way the case says; what
// they throw is translated and classified as a refresh failure would be.
let emulator: EntraEmulator;
beforeAll(async () => {
  emulator = await startEntraEmulator();
});
afterAll(() => emulator.close());

const SCOPES = ["openid", "profile", "https://ads.microsoft.com/msads.manage", "offline_access"];

/** As entraClient discovers, with options a case needs (a short timeout, a skewed clock, another URL). */
function discover(options: { timeoutSeconds?: number; clockSkew?: number; rewrite?: (url: string) => string } = {}): Promise<oidc.Configuration> {
  const rewrite = options.rewrite ?? ((url: string) => url);
  return oidc.discovery(
    new URL(`${ENTRA_ORIGIN}/common/v2.0`),
    DEV_CLIENT_ID,
    { client_secret: DEV_CLIENT_SECRET, ...(options.clockSkew !== undefined ? { [oidc.clockSkew]: options.clockSkew } : {}) },
    oidc.ClientSecretPost(DEV_CLIENT_SECRET),
    {
      timeout: options.timeoutSeconds ?? 15,
      [oidc.customFetch]: (url, init) => fetch(rewrite(url.replace(ENTRA_ORIGIN, emulator.url)), init as RequestInit),
      execute: [oidc.allowInsecureRequests],
    },
  );
}
async function translated(work: Promise<unknown>): Promise<ConnectFlowError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  if (err === null) throw new Error("expected the call to fail");
  return fromTokenRequestError(err);
}

describe("what openid-client throws, translated", () => {
  it("a token answer later than the timeout (OAUTH_TIMEOUT) is temporary", async () => {
    const configuration = await discover({ timeoutSeconds: 0.3 });
    const hold = emulator.holdNextTokenResponse("refresh_token");
    try {
      const error = await translated(oidc.refreshTokenGrant(configuration, emulator.mintRefreshToken("adele@contoso.example", { scopes: SCOPES })));
      expect((error.cause as oidc.ClientError).code).toBe("OAUTH_TIMEOUT");
      expect(error).toMatchObject({ code: "provider_temporarily_unavailable", actor: "none" });
      expect(classify(error)).toBe("transient");
    } finally {
      hold.release();
    }
  });

  it("a discovery answer later than the timeout is temporary", async () => {
    const hold = emulator.holdDiscovery();
    try {
      const error = await translated(discover({ timeoutSeconds: 0.3 }));
      expect(error.code).toBe("provider_temporarily_unavailable");
      expect(classify(error)).toBe("transient");
    } finally {
      hold.release();
    }
  });

  it("Entra unreachable (connection refused) is temporary", async () => {
    const gone = await startEntraEmulator();
    const url = gone.url;
    await gone.close();
    const error = await translated(discover({ rewrite: (u) => u.replace(emulator.url, url) }));
    expect(error.code).toBe("provider_temporarily_unavailable");
    expect(classify(error)).toBe("transient");
  });

  it("an ID token failing its checks (expired, to a client whose clock is two hours ahead) is id_token_invalid, and no dead grant", async () => {
    const configuration = await discover({ clockSkew: 2 * 3600 });
    const error = await translated(oidc.refreshTokenGrant(configuration, emulator.mintRefreshToken("adele@contoso.example", { scopes: SCOPES })));
    expect((error.cause as oidc.ClientError).code).toBe("OAUTH_JWT_TIMESTAMP_CHECK_FAILED");
    expect(error).toMatchObject({ code: "id_token_invalid", actor: "end_user" });
    expect(classify(error)).toBe("unknown");
  });

  it("a 200 that is not Entra's JSON (a page in its place) is an answer we could not use, not an ID token problem", async () => {
    const error = await translated(discover({ rewrite: (u) => u.replace("/v2.0/.well-known/openid-configuration", "/oauth2/v2.0/logout") }));
    expect((error.cause as oidc.ClientError).code).toBe("OAUTH_RESPONSE_IS_NOT_JSON");
    expect(error).toMatchObject({ code: "provider_error", actor: "none" });
    expect(classify(error)).toBe("unknown");
  });

  it("invalid_grant with an AADSTS number outside the catalogue is unknown, not a dead grant", async () => {
    const configuration = await discover();
    emulator.injectTokenErrors("refresh_token", [
      { status: 400, error: "invalid_grant", aadsts: 9002313, description: "Invalid request. Request is malformed or invalid." },
    ]);
    const error = await translated(oidc.refreshTokenGrant(configuration, emulator.mintRefreshToken("adele@contoso.example", { scopes: SCOPES })));
    expect(error).toMatchObject({ code: UNKNOWN_AADSTS.code, aadsts: 9002313 });
    expect(classify(error)).toBe("unknown");
  });

  it.each([...DEAD_GRANT_AADSTS])("invalid_grant AADSTS%i is a dead grant", async (aadsts) => {
    const configuration = await discover();
    emulator.injectTokenErrors("refresh_token", [{ status: 400, error: "invalid_grant", aadsts, description: "Emulated dead grant." }]);
    const error = await translated(oidc.refreshTokenGrant(configuration, emulator.mintRefreshToken("adele@contoso.example", { scopes: SCOPES })));
    expect(error.aadsts).toBe(aadsts);
    expect(classify(error)).toBe("dead_grant");
  });

  it("the app's own configuration (a wrong client secret) stays a configuration error", async () => {
    const configuration = await discover();
    emulator.injectTokenErrors("refresh_token", [{ status: 401, error: "invalid_client", aadsts: 7000215, description: "Invalid client secret provided." }]);
    const error = await translated(oidc.refreshTokenGrant(configuration, emulator.mintRefreshToken("adele@contoso.example", { scopes: SCOPES })));
    expect(error.code).toBe("invalid_client_secret");
    expect(classify(error)).toBe("configuration");
  });
});
