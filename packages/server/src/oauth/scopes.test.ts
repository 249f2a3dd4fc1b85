import { describe, expect, it } from "vitest";
import { buildScope } from "./scopes.js";

describe("buildScope", () => {
  it("asks for Microsoft Advertising plus the OpenID scopes, offline_access always", () => {
    expect(buildScope("production", undefined)).toBe("https://ads.microsoft.com/msads.manage openid profile email offline_access");
    expect(buildScope("sandbox", undefined)).toBe("https://si.ads.microsoft.com/msads.manage openid profile email offline_access");
    expect(buildScope("production", "https://ads.microsoft.com/msads.manage openid")).toContain("offline_access");
  });

  it("refuses .default mixed with resource scopes, and two resources", () => {
    expect(() => buildScope("production", "https://ads.microsoft.com/.default https://ads.microsoft.com/msads.manage")).toThrow(/AADSTS70011/);
    expect(() => buildScope("production", "https://ads.microsoft.com/msads.manage https://graph.microsoft.com/User.Read")).toThrow(/AADSTS28000/);
  });
});
