import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness } from "../testing/harness.js";
import { connectUser } from "../testing/proxyTesting.js";

const DEVELOPER_TOKEN = "ZZPROXYDEVTOKEN9K";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { MICROSOFT_ADS_DEVELOPER_TOKEN: DEVELOPER_TOKEN, LOG_LEVEL: "trace", PROXY_RETRY_BASE_MS: "10" },
    ads: { developerTokens: [DEVELOPER_TOKEN] },
  });
});
afterAll(() => h.close());

it("the developer token, access tokens and the secret key never appear in logs or proxied responses", async () => {
  const id = await connectUser(h, "three@contoso.example");
  const account = h.ads.accounts("three@contoso.example")[0]!;
  const accessToken = async () =>
    ((await h.api("GET", `/connections/${id}?provider_config_key=microsoft-ads`)).json as { credentials: { access_token: string } }).credentials.access_token;
  const tokens = [await accessToken()];
  const texts: string[] = [];
  const proxy = async (method: string, endpoint: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await h.api(method, `/proxy${endpoint}`, body, { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads", ...headers });
    texts.push(res.text, JSON.stringify([...res.headers]));
    return res;
  };
  const query = "/CampaignManagement/v13/Campaigns/QueryByAccountId";
  expect((await proxy("POST", query, { AccountId: account.Id })).status).toBe(200);
  h.ads.injectFault(109, { operation: "Campaigns/QueryByAccountId" });
  expect((await proxy("POST", query, { AccountId: account.Id })).status).toBe(200);
  tokens.push(await accessToken());
  expect(tokens[1]).not.toBe(tokens[0]);
  h.ads.injectFault(109, { operation: "Campaigns/QueryByAccountId", times: 2 });
  expect((await proxy("POST", query, { AccountId: account.Id })).status).toBe(401);
  tokens.push(await accessToken());
  h.ads.injectFault(0, { operation: "Campaigns/QueryByAccountId", times: 2 });
  expect((await proxy("POST", query, { AccountId: account.Id }, { Retries: "1", "Retry-On": "500" })).status).toBe(502);
  expect((await proxy("POST", query, { AccountId: account.Id }, { "Nango-Proxy-Authorization": `Bearer ${tokens[0]}` })).status).toBe(400);
  expect((await proxy("POST", "/CustomerManagement/v13/User/Query", { UserId: null })).status).toBe(200);
  h.ads.throttle(0);
  expect((await proxy("POST", query, { AccountId: account.Id })).status).toBe(429);
  expect((await proxy("POST", query, { AccountId: account.Id })).status).toBe(429);

  const everything = [...texts, ...h.logs].join("\n");
  expect(everything).toContain("msads_rate_limited");
  expect(everything).toContain("AuthenticationTokenExpired");
  for (const secret of [DEVELOPER_TOKEN, h.secretKey, ...tokens]) expect(everything).not.toContain(secret);
});
