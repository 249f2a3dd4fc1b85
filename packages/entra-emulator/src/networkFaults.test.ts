import { afterAll, describe, expect, it } from "vitest";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "./devClient.js";
import { SANDBOX_DEVELOPER_TOKEN } from "./msads/startMicrosoftAdsEmulator.js";
import { adsPair } from "./testing/adsClient.js";

const pair = await adsPair();
afterAll(() => pair.close());
const { entra, ads } = pair;

/** A refresh grant as a client sends it; rejects when the connection is cut or `timeoutMs` passes. */
const refresh = (refreshToken: string, timeoutMs = 5000) =>
  fetch(`${entra.url}/common/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: DEV_CLIENT_ID, client_secret: DEV_CLIENT_SECRET }),
    signal: AbortSignal.timeout(timeoutMs),
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as { refresh_token: string } }));

/** Waits (polling the emulator's own record) until the answer carrying `parent`'s child was settled. */
async function childOf(parent: string) {
  for (;;) {
    const child = entra.issuedRefreshTokens().find((t) => t.parent === parent);
    if (child && child.delivered !== null) return child;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("token endpoint network faults and the record of issued refresh tokens", () => {
  it("records each rotation's parent and that its answer arrived", async () => {
    const root = entra.mintRefreshToken("adele@contoso.example");
    const first = await refresh(root);
    expect(first.status).toBe(200);
    expect(await childOf(root)).toMatchObject({ token: first.body.refresh_token, parent: root, delivered: true, username: "adele@contoso.example" });
    const second = await refresh(first.body.refresh_token);
    const tokens = entra.issuedRefreshTokens();
    expect(tokens.at(-1)).toMatchObject({ token: second.body.refresh_token, parent: first.body.refresh_token });
    expect(tokens.at(-1)!.sequence).toBeGreaterThan(tokens.at(-2)!.sequence);
  });

  it("reset: the refresh token is rotated but the connection is cut before the answer", async () => {
    const root = entra.mintRefreshToken("adele@contoso.example");
    entra.injectTokenNetworkFaults("refresh_token", [{ kind: "reset" }]);
    await expect(refresh(root)).rejects.toThrow();
    expect(await childOf(root)).toMatchObject({ parent: root, delivered: false });
    // The old token still works (as at Entra), and the fault was used once.
    expect((await refresh(root)).status).toBe(200);
  });

  it("slow: the answer comes after the client gave up, and is recorded as not delivered", async () => {
    const root = entra.mintRefreshToken("megan@contoso.example");
    entra.injectTokenNetworkFaults("refresh_token", [{ kind: "slow", delayMs: 300 }]);
    await expect(refresh(root, 100)).rejects.toThrow();
    expect(await childOf(root)).toMatchObject({ parent: root, delivered: false });
  });
});

describe("Microsoft Advertising: an answer cut mid-body", () => {
  it("sends the status and half the body, then drops the connection; the next call is whole", async () => {
    const headers = await pair.headersFor("three@contoso.example");
    ads.injectReset(1);
    const response = await fetch(`${ads.url}/CustomerManagement/v13/User/Query`, {
      method: "POST",
      headers: { "content-type": "application/json", DeveloperToken: SANDBOX_DEVELOPER_TOKEN, ...headers },
      body: "{}",
    });
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    const whole = await pair.call("POST", "/CustomerManagement/v13/User/Query", {}, headers);
    expect(whole.status).toBe(200);
  });
});
