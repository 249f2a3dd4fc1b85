import { describe, expect, it } from "vitest";
import { AppError } from "../errors.js";
import { MsAdsError, parseFault } from "./MsAdsError.js";

const fault = (code: number) => ({
  Type: "AdApiFaultDetail",
  TrackingId: "t-1",
  Errors: [{ Code: code, ErrorCode: `Code${code}`, Message: "m", Detail: null }],
});

describe("MsAdsError: Microsoft Advertising's failures as AppErrors", () => {
  it("a fault is a 502 msads_error carrying Microsoft's codes and TrackingId", () => {
    const err = parseFault(fault(106), 401, "Campaigns/QueryByAccountId")!;
    expect(err).toBeInstanceOf(AppError);
    expect([err.code, err.status, err.retryAfterSeconds]).toEqual(["msads_error", 502, undefined]);
    expect(err.msads).toEqual({
      http_status: 401,
      fault_type: "AdApiFaultDetail",
      codes: [106],
      errors: [{ code: 106, error_code: "Code106", message: "m", detail: null }],
      tracking_id: "t-1",
    });
    expect(err.message).toMatch(/Campaigns\/QueryByAccountId failed: 106 Code106 \(TrackingId t-1\)/);
  });

  it("117 is a 429 msads_rate_limited with Retry-After past Microsoft's 60-second window", () => {
    const err = parseFault(fault(117), 200, "Campaigns/QueryByAccountId")!;
    expect([err.code, err.status, err.retryAfterSeconds, err.msads?.codes]).toEqual(["msads_rate_limited", 429, 60, [117]]);
    expect(err.message).toMatch(/throttling calls .* try again after 60 s/);
  });

  it("no answer is a 504 (503 when our settings ruled the call out); an answer of the wrong shape a 502", () => {
    expect(new MsAdsError("network", "no answer").status).toBe(504);
    expect(new MsAdsError("network", "no answer").code).toBe("msads_unreachable");
    expect([new MsAdsError("not_configured", "x").code, new MsAdsError("not_configured", "x").status]).toEqual(["msads_unreachable", 503]);
    expect([new MsAdsError("invalid_response", "x").code, new MsAdsError("invalid_response", "x").status]).toEqual(["msads_invalid_response", 502]);
    const http = new MsAdsError("http", "HTTP 500", { httpStatus: 500, trackingId: "t-2" });
    expect([http.code, http.status, http.msads?.http_status, http.msads?.tracking_id]).toEqual(["msads_error", 502, 500, "t-2"]);
  });
});
