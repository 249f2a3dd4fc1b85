import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "@ads-connect/entra-emulator";
import { afterEach, describe, expect, it } from "vitest";
import { runDoctor } from "../doctor/runDoctor.js";
import { BrowserClient } from "../testing/browserClient.js";
import { connectAs, type Harness, resultOf, signInAs, startForm, startHarness, submitStart, WIDGET_ORIGIN } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

/**
 * A reverse proxy serving ads-connect under /prefix, as a load balancer would: `strip` hands the
 * server the path without the prefix, otherwise the path is passed through unchanged.
 */
async function startPrefixProxy(mode: "strip" | "pass") {
  let target = 0;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url !== "/prefix" && !url.startsWith("/prefix/") && !url.startsWith("/prefix?")) {
      res.writeHead(404).end("not behind this proxy");
      return;
    }
    const forwarded = mode === "strip" ? url.slice("/prefix".length) || "/" : url;
    const upstream = request({ host: "127.0.0.1", port: target, method: req.method, path: forwarded, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    publicUrl: `http://localhost:${(server.address() as AddressInfo).port}/prefix`,
    setTarget(url: string) {
      target = Number(new URL(url).port);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let h: Harness | undefined;
let proxy: Awaited<ReturnType<typeof startPrefixProxy>> | undefined;
afterEach(async () => {
  await h?.close();
  await proxy?.close();
  h = undefined;
  proxy = undefined;
});

/** The harness server reached through the proxy; its own listening address is found from the log. */
async function behindProxy(mode: "strip" | "pass"): Promise<Harness> {
  proxy = await startPrefixProxy(mode);
  h = await startHarness({ env: { PUBLIC_URL: proxy.publicUrl, REFRESH_AHEAD: "off" } });
  const listening = h.logs.map((l) => JSON.parse(l) as { msg?: string; url?: string }).find((l) => l.msg === "ads-connect listening");
  proxy.setTarget(listening!.url!);
  return h;
}

describe.each(["strip", "pass"] as const)("PUBLIC_URL with a path prefix, proxy that %ss it", (mode) => {
  it("a whole sign-in through the emulator connects; every URL the server hands out carries the prefix", async () => {
    const harness = await behindProxy(mode);
    expect(harness.server.url).toBe(proxy!.publicUrl);
    const session = await harness.createSession();
    expect(session.connect_link).toMatch(new RegExp(`^${proxy!.publicUrl}/oauth/connect/microsoft-ads\\?connect_session_token=`));

    // The start page: its form posts to the prefixed continue URL, its CSP lets it, and the
    // browser-binding cookie it sets is sent back there.
    const browser = new BrowserClient();
    const startPage = await browser.get(`${session.connect_link}&origin=${encodeURIComponent(WIDGET_ORIGIN)}`, { follow: false });
    expect(startPage.status).toBe(200);
    expect(startForm(startPage).action).toBe(`${proxy!.publicUrl}/oauth/connect/microsoft-ads/continue?origin=${encodeURIComponent(WIDGET_ORIGIN)}`);
    const formAction = /form-action ([^;]*)/.exec(startPage.headers.get("content-security-policy") ?? "")?.[1]?.split(" ");
    expect(formAction).toEqual(expect.arrayContaining(["'self'", new URL(harness.emulator.url).origin]));
    const toMicrosoft = await submitStart(browser, startPage, "continue", { follow: false });
    expect(toMicrosoft.status).toBe(303);
    const authorizeUrl = toMicrosoft.headers.get("location")!;
    expect(new URL(authorizeUrl).searchParams.get("redirect_uri")).toBe(`${proxy!.publicUrl}/oauth/callback`);
    const loginPage = await browser.get(authorizeUrl);
    const page = await signInAs(browser, loginPage, "adele@contoso.example");
    expect(resultOf(page)).toMatchObject({ type: "ads-connect:success", account: { username: "adele@contoso.example" } });
    expect((await harness.api("GET", "/connections")).status).toBe(200);
    expect((await httpRequest(`${proxy!.publicUrl}/health`)).status).toBe(200);
  });

  it("admin consent round trip: link, binding cookie and callback all under the prefix", async () => {
    const harness = await behindProxy(mode);
    const blocked = await connectAs(harness, "needs-admin@fabrikam.example");
    if (blocked.result.type !== "ads-connect:error") throw new Error("expected an error");
    const link = blocked.result.error.admin_consent_url!;
    expect(link).toMatch(new RegExp(`^${proxy!.publicUrl}/oauth/admin-consent\\?request=`));
    const admin = new BrowserClient();
    const consentPage = await admin.get(link);
    expect(new URL(consentPage.url).searchParams.get("redirect_uri")).toBe(`${proxy!.publicUrl}/oauth/admin-consent/callback`);
    const done = await signInAs(admin, consentPage, "admin@fabrikam.example");
    expect(done.body).toContain('data-admin-consent="approved"');
    const { result } = await connectAs(harness, "needs-admin@fabrikam.example");
    expect(result.type).toBe("ads-connect:success");
  });
});

it("the binding cookies' paths are the prefixed start-continue and callback paths", async () => {
  const harness = await behindProxy("pass");
  const { token } = await harness.createSession();
  const start = await httpRequest(harness.startUrl(token));
  expect(start.status).toBe(200);
  expect(start.setCookies).toHaveLength(1);
  expect(start.setCookies[0]).toMatch(/; Path=\/prefix\/oauth\/connect\/microsoft-ads\/continue;/);
  const proof = /<input type="hidden" name="proof" value="([^"]*)">/.exec(start.text)![1]!;
  const cont = await httpRequest(`${proxy!.publicUrl}/oauth/connect/microsoft-ads/continue`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: start.setCookies[0]!.split(";")[0]! },
    body: new URLSearchParams({ proof, decision: "continue" }).toString(),
  });
  expect(cont.status).toBe(303);
  const binding = cont.setCookies.find((c) => !c.includes("Expires=Thu, 01 Jan 1970"));
  expect(binding).toMatch(/; Path=\/prefix\/oauth\/callback;/);
});

it("the doctor shows the prefix and checks /health under it", async () => {
  const harness = await behindProxy("strip");
  const dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-doctor-"));
  try {
    const report = await runDoctor({
      env: {
        DATA_DIR: dataDir,
        PUBLIC_URL: proxy!.publicUrl,
        ALLOWED_ORIGINS: WIDGET_ORIGIN,
        MICROSOFT_CLIENT_ID: DEV_CLIENT_ID,
        MICROSOFT_CLIENT_SECRET: DEV_CLIENT_SECRET,
        ENTRA_EMULATOR_URL: harness.emulator.url,
      },
    });
    const publicUrl = report.checks.find((c) => c.id === "public_url");
    expect(publicUrl).toMatchObject({ status: "ok" });
    expect(publicUrl!.summary).toContain(`${proxy!.publicUrl}/health`);
    expect(publicUrl!.details.join("\n")).toContain('path prefix "/prefix"');
    expect(report.ok).toBe(true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
