import { CONNECT_SUCCESS } from "@ads-connect/shared";
import { afterAll, beforeAll, expect, it } from "vitest";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";

const DEVELOPER_TOKEN = "ZZDEVTOKEN7QX";
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { MICROSOFT_ADS_DEVELOPER_TOKEN: DEVELOPER_TOKEN, LOG_LEVEL: "trace" }, ads: { developerTokens: [DEVELOPER_TOKEN] } });
});
afterAll(() => h.close());

it("the developer token is sent to Microsoft Advertising but never appears in logs, API responses or webhooks", async () => {
  const texts: string[] = [];
  const api = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const res = await h.api(method, path, body, headers);
    texts.push(res.text, JSON.stringify([...res.headers]));
    return res;
  };
  const ok = await connectAs(h, "three@contoso.example");
  const rejected = await connectAs(h, "rejected@contoso.example");
  if (ok.result.type !== CONNECT_SUCCESS || rejected.result.type !== CONNECT_SUCCESS) throw new Error("connect failed");
  texts.push(ok.page.body, rejected.page.body);
  const id = ok.result.connection_id;
  // It works with this token: the accounts were discovered.
  expect(((await api("GET", `/connections/${id}`)).json as { accounts: unknown[] }).accounts).toHaveLength(3);

  h.ads.addAccount("three@contoso.example", { Name: "Contoso Video" });
  h.ads.injectFault(0, { operation: "Accounts/Search" });
  await api("POST", `/connections/${id}/sync`);
  await api("POST", `/connections/${rejected.result.connection_id}/sync`);
  await api("POST", `/connections/${id}/sync`);
  await api("GET", "/connections");
  await api("GET", `/connections/${rejected.result.connection_id}`);
  await api("GET", "/records?model=AdAccount", undefined, { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" });
  await api("GET", "/integrations/microsoft-ads/status");
  await api("GET", "/webhooks/deliveries");
  await h.webhooks.waitFor(3);

  const everything = [...texts, ...h.logs, ...h.webhooks.received.map((w) => w.rawBody), ...h.slack.received.map((w) => w.rawBody)].join("\n");
  expect(everything).toContain("msads_invalid_credentials");
  expect(everything).not.toContain(DEVELOPER_TOKEN);
});
