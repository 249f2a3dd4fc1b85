import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { isAllowedUrl, serviceOfPath } from "../msads/msadsHosts.js";
import { checkCallerHeaders, keptResponseHeaders, nangoProxyHeaders } from "./proxyHeaders.js";
import { resolveTarget } from "./proxyTarget.js";

const production = { environment: "production", apiUrl: null } as const;
const sandbox = { environment: "sandbox", apiUrl: null } as const;
const emulator = { environment: "production", apiUrl: "http://127.0.0.1:4012" } as const;
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
  }
  return "accepted";
};

describe("resolveTarget", () => {
  it("picks the service's host per environment, or the API URL, with path and query kept", () => {
    expect(resolveTarget("/CampaignManagement/v13/Campaigns/QueryByAccountId", production).url).toBe(
      "https://campaign.api.bingads.microsoft.com/CampaignManagement/v13/Campaigns/QueryByAccountId",
    );
    expect(resolveTarget("/Reporting/v13/GenerateReport/Submit", sandbox).url).toBe(
      "https://reporting.api.sandbox.bingads.microsoft.com/Reporting/v13/GenerateReport/Submit",
    );
    expect(resolveTarget("/CustomerManagement/v13/User/Query?x=1&y=%20", production)).toEqual({
      service: "CustomerManagement",
      url: "https://clientcenter.api.bingads.microsoft.com/CustomerManagement/v13/User/Query?x=1&y=%20",
    });
    expect(resolveTarget("/CampaignManagement/v13/Campaigns", emulator).url).toBe("http://127.0.0.1:4012/CampaignManagement/v13/Campaigns");
  });

  it("accepts a Base-Url-Override only on the list of the configured environment", () => {
    expect(resolveTarget("/CampaignManagement/v13/Campaigns", production, "https://bulk.api.bingads.microsoft.com/").url).toBe(
      "https://bulk.api.bingads.microsoft.com/CampaignManagement/v13/Campaigns",
    );
    for (const override of [
      "https://campaign.api.sandbox.bingads.microsoft.com",
      "http://campaign.api.bingads.microsoft.com",
      "https://campaign.api.bingads.microsoft.com:8443",
      "https://[::1]",
      "https://10.0.0.1",
      "https://campaign.api.bingads.microsoft.com/other",
    ]) {
      expect([override, refusal(() => resolveTarget("/CampaignManagement/v13/Campaigns", production, override))]).toEqual([override, "400 proxy_refused"]);
    }
    expect(refusal(() => resolveTarget("/CampaignManagement/v13/Campaigns", emulator, "https://campaign.api.bingads.microsoft.com"))).toBe("400 proxy_refused");
  });

  it("refuses every way of leaving the path or the host", () => {
    for (const endpoint of [
      "CampaignManagement/v13/Campaigns",
      "//evil.example/CampaignManagement/v13/Campaigns",
      "https://evil.example/CampaignManagement/v13/Campaigns",
      "/https://evil.example/CampaignManagement/v13/Campaigns",
      "/CampaignManagement/v13/../../x",
      "/CampaignManagement/v13/./Campaigns",
      "/CampaignManagement/v13/%2E%2E/x",
      "/CampaignManagement/v13/a%2Fb",
      "/CampaignManagement/v13/a%5Cb",
      "/CampaignManagement/v13/a\\b",
      "/CampaignManagement/v13/a b",
      "/CampaignManagement/v13/a\nb",
      "/CampaignManagement/v13/x@evil.example",
      "/CampaignManagement/v13/x#frag",
      "/CampaignManagement/v13/x?y#frag",
      "/Unknown/v13/x",
      "/campaignmanagement/v13/x",
      "/CampaignManagement/x",
    ]) {
      expect([endpoint, refusal(() => resolveTarget(endpoint, production))]).toEqual([endpoint, "400 proxy_refused"]);
    }
  });

  it("refuses names every object inherits (toString, constructor, …) as services, on Microsoft's hosts and the API URL", () => {
    for (const name of ["toString", "constructor", "hasOwnProperty", "valueOf", "__proto__", "isPrototypeOf"]) {
      const endpoint = `/${name}/v13/x`;
      expect([endpoint, serviceOfPath(endpoint)]).toEqual([endpoint, null]);
      expect([endpoint, refusal(() => resolveTarget(endpoint, production))]).toEqual([endpoint, "400 proxy_refused"]);
      expect([endpoint, refusal(() => resolveTarget(endpoint, emulator))]).toEqual([endpoint, "400 proxy_refused"]);
    }
  });

  it("lets redirects stay only on the allowed hosts", () => {
    expect(isAllowedUrl(new URL("https://reporting.api.bingads.microsoft.com/Reporting/v13/x"), production)).toBe(true);
    expect(isAllowedUrl(new URL("https://evil.example/Reporting/v13/x"), production)).toBe(false);
    expect(isAllowedUrl(new URL("https://u:p@reporting.api.bingads.microsoft.com/Reporting/v13/x"), production)).toBe(false);
    expect(isAllowedUrl(new URL("http://127.0.0.1:4012/CampaignManagement/v13/x"), emulator)).toBe(true);
    expect(isAllowedUrl(new URL("http://127.0.0.1:4013/CampaignManagement/v13/x"), emulator)).toBe(false);
  });
});

describe("headers", () => {
  it("takes Nango-Proxy- headers without the prefix, Content-Type and Accept, nothing else", () => {
    expect(
      nangoProxyHeaders({
        "nango-proxy-x-trace": "t",
        "content-type": "application/json",
        accept: "*/*",
        authorization: "Bearer key",
        cookie: "a=b",
        "x-forwarded-for": "1.2.3.4",
      }),
    ).toEqual({ "x-trace": "t", "content-type": "application/json", accept: "*/*" });
  });

  it("refuses credentials, cookies, host, forwarding, hop-by-hop and control headers, and line breaks", () => {
    for (const name of [
      "Authorization",
      "DeveloperToken",
      "customerid",
      "CustomerAccountId",
      "Cookie",
      "Host",
      "X-Forwarded-Host",
      "Forwarded",
      "Via",
      "Connection",
      "Transfer-Encoding",
      "Content-Length",
      "Proxy-Authorization",
      "Nango-Activity-Log-Id",
      "Retries",
      "Password",
    ]) {
      expect([name, refusal(() => checkCallerHeaders({ [name]: "x" }))]).toEqual([name, "400 proxy_refused"]);
    }
    expect(refusal(() => checkCallerHeaders({ "x-a": "a\r\nInjected: 1" }))).toBe("400 proxy_refused");
    expect(checkCallerHeaders({ "X-Trace": "t" })).toEqual({ "x-trace": "t" });
  });

  it("passes back the listed content, TrackingId, Retry-After and caching headers only", () => {
    const kept = keptResponseHeaders(
      new Headers({
        "content-type": "text/csv",
        "content-disposition": "attachment",
        "content-length": "10",
        "content-encoding": "gzip",
        "content-security-policy": "default-src *",
        "content-location": "https://evil.example/",
        trackingid: "t",
        "retry-after": "5",
        "set-cookie": "a=b",
        server: "IIS",
        "www-authenticate": "Bearer",
        "x-powered-by": "ASP.NET",
        "x-frame-options": "ALLOWALL",
        etag: '"1"',
      }),
    );
    expect(kept).toEqual({ "content-type": "text/csv", "content-disposition": "attachment", trackingid: "t", "retry-after": "5", etag: '"1"' });
  });
});
