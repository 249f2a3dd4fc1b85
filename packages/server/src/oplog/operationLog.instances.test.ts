import type { ListOperationsResponse, OperationResponse } from "@ads-connect/shared";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RunningServer } from "../server.js";
import { BrowserClient } from "../testing/browserClient.js";
import { type Harness, resultOf, signInAs, startHarness, submitStart, WIDGET_ORIGIN } from "../testing/harness.js";
import { startLoadBalancer } from "../testing/loadBalancer.js";

// Two instances on one database behind one load balancer (their PUBLIC_URL), no sticky sessions.
let lb: Awaited<ReturnType<typeof startLoadBalancer>>;
let h: Harness;
let b: RunningServer;
const address = (server: RunningServer) => `http://127.0.0.1:${server.config.port}`;

beforeAll(async () => {
  lb = await startLoadBalancer();
  h = await startHarness({ env: { PUBLIC_URL: lb.url, HOST: "127.0.0.1", REFRESH_AHEAD: "off", ACCOUNT_SYNC: "off" } });
  b = await h.startInstance();
  lb.balance([address(h.server), address(b)]);
});
afterAll(async () => {
  await b?.close();
  await h?.close();
  await lb?.close();
});

it("a connect started on one instance and called back on another is one operation with every step", async () => {
  const session = (await h.api("POST", "/connect/sessions", { end_user: { id: "instances-user" } })).json as { data: { token: string } };
  const browser = new BrowserClient();
  lb.route(address(h.server));
  const startPage = await browser.get(
    `${lb.url}/oauth/connect/microsoft-ads?${new URLSearchParams({ connect_session_token: session.data.token, origin: WIDGET_ORIGIN })}`,
  );
  const loginPage = await submitStart(browser, startPage, "continue");
  const redirect = await signInAs(browser, loginPage, "adele@contoso.example", { follow: false });
  lb.route(address(b));
  const page = await browser.get(new URL(redirect.headers.get("location")!, redirect.url).href);
  expect(resultOf(page)).toMatchObject({ type: "ads-connect:success" });
  expect(lb.served.find((s) => s.path.endsWith("/callback"))?.target).toBe(address(b));
  lb.balance([address(h.server), address(b)]);

  // Each instance writes what it recorded; the log merges them into one operation.
  await Promise.all([h.server.services.operations.flush(), b.services.operations.flush()]);
  const { operations } = (await h.api("GET", "/logs/operations?type=auth:create_connection&end_user_id=instances-user")).json as ListOperationsResponse;
  expect(operations).toHaveLength(1);
  expect(operations[0]).toMatchObject({ state: "success", connectionId: expect.any(String), durationMs: expect.any(Number) });
  const { messages } = (await h.api("GET", `/logs/operations/${operations[0]!.id}`)).json as OperationResponse;
  const text = messages.map((m) => m.message).join("\n");
  for (const step of ["Start:", "Continue:", "Sent to Microsoft", "Callback:", "code exchange", "Connection stored", "Result: connected"])
    expect(text).toContain(step);
});
