import { randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ApiErrorBodySchema } from "@ads-connect/shared";
import { strToU8, zipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reportRecords } from "../msads/reportCsv.js";
import { isAllowedReportUrl } from "../msads/reportDownload.js";
import { type Harness, startHarness } from "../testing/harness.js";
import { connectUser } from "../testing/proxyTesting.js";

/**
 * get-performance-report against a hostile report host. A real front server stands in for
 * Microsoft (MICROSOFT_ADS_API_URL points here): it passes every call on to the Microsoft
 * Advertising emulator (Host kept, so the poll's ReportDownloadUrl points back at the front), and
 * can swap the poll's URL or answer the download itself with what Microsoft never sends.
 */
let front: http.Server;
let emulatorUrl = "";
/** Replaces the poll answer's ReportDownloadUrl when set. */
let pollUrl: ((frontUrl: string) => string) | null = null;
/** Answers /ReportDownload/ instead of the emulator when set. */
let download: ((req: http.IncomingMessage, res: http.ServerResponse) => void) | null = null;
let frontUrl = "";
/** A bystander on loopback: nothing may ever reach it. */
let bystander: http.Server;
let bystanderHits = 0;
let closedPort = 0;

const CSV_LIMIT = 1024 * 1024;
const DOWNLOAD_LIMIT = 256 * 1024;
const HEADER = "CampaignId,CampaignName,Impressions,Clicks,Spend\r\n";

beforeAll(async () => {
  front = http.createServer((req, res) => {
    const path = req.url ?? "";
    if (path.startsWith("/ReportDownload/") && download) return download(req, res);
    const upstream = http.request(`${emulatorUrl}${path}`, { method: req.method, headers: req.headers }, (up) => {
      if (!path.endsWith("/GenerateReport/Poll") || !pollUrl) {
        res.writeHead(up.statusCode ?? 502, up.headers);
        return void up.pipe(res);
      }
      const chunks: Buffer[] = [];
      up.on("data", (c: Buffer) => chunks.push(c)).on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { ReportRequestStatus?: { ReportDownloadUrl?: string | null } };
        if (body.ReportRequestStatus?.ReportDownloadUrl) body.ReportRequestStatus.ReportDownloadUrl = pollUrl!(frontUrl);
        res.writeHead(up.statusCode ?? 502, { "content-type": "application/json" }).end(JSON.stringify(body));
      });
    });
    req.pipe(upstream);
  });
  bystander = http.createServer((_req, res) => {
    bystanderHits++;
    res.end("PK");
  });
  const closed = http.createServer();
  for (const server of [front, bystander, closed]) await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  h = await startHarness({
    env: {
      MICROSOFT_ADS_API_URL: frontUrl,
      REPORT_MAX_CSV_BYTES: String(CSV_LIMIT),
      REPORT_MAX_DOWNLOAD_BYTES: String(DOWNLOAD_LIMIT),
      PROXY_RETRY_BASE_MS: "10",
    },
  });
  emulatorUrl = h.ads.url;
  id = await connectUser(h, "adele@contoso.example");
});
afterAll(async () => {
  await h.close();
  for (const server of [front, bystander]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

let h: Harness;
let id: string;

async function report(input: Record<string, unknown> = {}) {
  const res = await h.api(
    "POST",
    "/action/trigger",
    { action_name: "get-performance-report", input: { start_date: "2026-01-01", end_date: "2026-01-02", aggregation: "Daily", ...input } },
    { "Connection-Id": id, "Provider-Config-Key": "microsoft-ads" },
  );
  const error = res.status >= 400 ? ApiErrorBodySchema.parse(res.json).error : null;
  return {
    status: res.status,
    error,
    json: res.json as {
      rows: { campaign_id: string; campaign_name: string; impressions: number; clicks: number; spend: number; time_period: string | null }[];
      next_cursor: string | null;
    },
  };
}

/** Serves `body` as the report download (once per request), with the given headers. */
function serve(body: Uint8Array | string, headers: Record<string, string> = {}) {
  download = (_req, res) =>
    res.writeHead(200, { "content-type": "application/x-zip-compressed", ...headers }).end(typeof body === "string" ? body : Buffer.from(body));
}

describe("get-performance-report's download", () => {
  it("parses a normal report: BOM, CRLF, quotes, commas and line breaks inside fields", async () => {
    const csv = `\ufeff${HEADER}1,"Spring ""Sale"", 2026",100,7,"1,234.50"\r\n2,"Two\r\nlines",5,0,0\r\n\r\n`;
    serve(zipSync({ "r.csv": strToU8(csv) }));
    try {
      const out = await report({ aggregation: "Summary" });
      expect(out.status).toBe(200);
      expect(out.json.rows.map((r) => [r.campaign_id, r.campaign_name, r.impressions, r.clicks, r.spend])).toEqual([
        ["1", 'Spring "Sale", 2026', 100, 7, 1234.5],
        ["2", "Two\r\nlines", 5, 0, 0],
      ]);
      expect(out.json.next_cursor).toBeNull();
    } finally {
      download = null;
    }
  });

  it("a zip bomb is a clear 502 report_too_large; the server lives and answers the next report", async () => {
    // 16 MiB of rows squeezed into a few KB: far past REPORT_MAX_CSV_BYTES (1 MiB here).
    const bomb = zipSync({ "r.csv": strToU8(HEADER + "1,Bomb,1,1,1\r\n".repeat((16 * 1024 * 1024) / 14)) }, { level: 9 });
    expect(bomb.byteLength).toBeLessThan(DOWNLOAD_LIMIT);
    serve(bomb);
    try {
      const out = await report();
      expect([out.status, out.error?.code]).toEqual([502, "report_too_large"]);
      expect(out.error!.message).toMatch(/REPORT_MAX_CSV_BYTES/);
    } finally {
      download = null;
    }
    expect((await h.api("GET", "/healthz")).status).toBe(200);
    const normal = await report();
    expect(normal.status).toBe(200);
    expect(normal.json.rows.length).toBeGreaterThan(0);
  });

  it("a chunked download without Content-Length is cut at REPORT_MAX_DOWNLOAD_BYTES, not read whole", async () => {
    // Random rows barely compress: 8 MiB of ZIP, sent in chunks as the reader takes them.
    const rows = Array.from({ length: 120_000 }, () => `${randomBytes(6).toString("hex")},${randomBytes(40).toString("base64")},1,1,1\r\n`).join("");
    const zip = zipSync({ "r.csv": strToU8(HEADER + rows) }, { level: 0 });
    expect(zip.byteLength).toBeGreaterThan(8 * 1024 * 1024);
    let sent = 0;
    let finished = false;
    const closed = new Promise<void>((resolve) => {
      download = (_req, res) => {
        res.writeHead(200, { "content-type": "application/x-zip-compressed" });
        res.on("close", () => resolve());
        const step = 16 * 1024;
        const next = () => {
          while (sent < zip.byteLength && !res.destroyed) {
            const more = res.write(Buffer.from(zip.subarray(sent, sent + step)));
            sent += step;
            if (!more) return void res.once("drain", next);
          }
          if (!res.destroyed) res.end(() => (finished = true));
        };
        next();
      };
    });
    try {
      const out = await report();
      expect([out.status, out.error?.code]).toEqual([502, "report_too_large"]);
      expect(out.error!.message).toMatch(/REPORT_MAX_DOWNLOAD_BYTES/);
      await closed;
      // The server hung up early: the rest of the 8 MiB was never sent (socket buffers take a little).
      expect(finished).toBe(false);
      expect(sent).toBeLessThan(4 * 1024 * 1024);
    } finally {
      download = null;
    }
  });

  it("refuses a download URL off Microsoft's report hosts, directly or by redirect, with the same answer whether the port is open or not", async () => {
    const answers: unknown[] = [];
    for (const port of [(bystander.address() as AddressInfo).port, closedPort]) {
      pollUrl = () => `http://127.0.0.1:${port}/ReportDownload/1.zip?sig=x`;
      const direct = await report();
      pollUrl = null;
      download = (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${port}/internal` }).end();
      const redirected = await report();
      download = null;
      for (const out of [direct, redirected]) {
        expect([out.status, out.error?.code]).toEqual([502, "report_download_refused"]);
        // Each answer names its own operation in the log; the rest must not tell the ports apart.
        const { operation_id, ...rest } = out.error as { operation_id?: string };
        expect(operation_id).toEqual(expect.any(String));
        answers.push(rest);
      }
    }
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[3]).toEqual(answers[1]);
    expect(bystanderHits).toBe(0);
  });

  it("follows a redirect that stays on the allowed origin", async () => {
    let hops = 0;
    download = (req, res) => {
      if (req.url!.includes("hop")) {
        download = null;
        return void res.writeHead(302, { location: req.url!.replace("hop", "") }).end();
      }
      hops++;
      res.writeHead(302, { location: `${frontUrl}${req.url!.replace("/ReportDownload/", "/ReportDownload/hop")}` }).end();
    };
    const out = await report();
    expect(out.status).toBe(200);
    expect(hops).toBe(1);
    expect(out.json.rows.length).toBeGreaterThan(0);
  });

  it("a network failure is 502 msads_unreachable; something that is no ZIP is 502 report_invalid", async () => {
    download = (req) => req.socket.destroy();
    const dropped = await report();
    expect([dropped.status, dropped.error?.code]).toEqual([502, "msads_unreachable"]);
    serve("<html>Service Unavailable</html>", { "content-type": "text/html" });
    const html = await report();
    expect([html.status, html.error?.code]).toEqual([502, "report_invalid"]);
    download = null;
  });

  it("pages a large report: page_size rows per answer, next_cursor until the last page, the same rows as one big page", async () => {
    const all = await report({ page_size: 100_000 });
    expect(all.json.next_cursor).toBeNull();
    const total = all.json.rows.length;
    expect(total).toBeGreaterThan(4);
    const pages: (typeof all.json.rows)[] = [];
    let cursor: string | null | undefined;
    do {
      const page = await report({ page_size: 4, ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      pages.push(page.json.rows);
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);
    expect(pages.flat()).toEqual(all.json.rows);
    const bad = await report({ cursor: "not-a-cursor" });
    expect([bad.status, bad.error?.code]).toEqual([400, "action_failed"]);
  });
});

describe("the report host allow-list", () => {
  const production = { environment: "production" as const, apiUrl: null, extraHosts: ["reports.example.com"] };
  it.each([
    ["https://download.api.bingads.microsoft.com/ReportDownload/Download.aspx?q=abc", true],
    ["https://download.api.sandbox.bingads.microsoft.com/ReportDownload/Download.aspx?q=abc", true],
    ["https://bingadsappsstorageprod.blob.core.windows.net:443/reports/r.zip?sig=x", true],
    ["https://reports.example.com/r.zip", true],
    ["http://download.api.bingads.microsoft.com/r.zip", false],
    ["https://download.api.bingads.microsoft.com:8443/r.zip", false],
    ["https://attacker.blob.core.windows.net/r.zip", false],
    ["https://bingads.microsoft.com.attacker.example/r.zip", false],
    ["https://user:pw@download.api.bingads.microsoft.com/r.zip", false],
    ["https://127.0.0.1/r.zip", false],
    ["https://[::1]/r.zip", false],
  ])("%s → %s", (url, allowed) => {
    expect(isAllowedReportUrl(new URL(url), production)).toBe(allowed);
  });
  it("with MICROSOFT_ADS_API_URL (the emulator), only its origin", () => {
    const dev = { environment: "production" as const, apiUrl: "http://127.0.0.1:4000", extraHosts: [] };
    expect(isAllowedReportUrl(new URL("http://127.0.0.1:4000/ReportDownload/1.zip"), dev)).toBe(true);
    expect(isAllowedReportUrl(new URL("http://127.0.0.1:4001/ReportDownload/1.zip"), dev)).toBe(false);
    expect(isAllowedReportUrl(new URL("https://download.api.bingads.microsoft.com/r.zip"), dev)).toBe(false);
  });
});

describe("reportRecords (the ZIP's CSV, streamed)", () => {
  async function* bytesOf(data: Uint8Array, size: number) {
    for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
  }
  const records = async (zip: Uint8Array, size: number) => {
    const out: string[][] = [];
    for await (const batch of reportRecords(bytesOf(zip, size), 1 << 30)) out.push(...batch);
    return out;
  };

  it("gives the same records whatever the chunking: characters and rows cut between chunks, LF or CRLF", async () => {
    const csv = '\ufeffA,B\r\n"Café ""🚀""",x\r\n\r\nÅngström,"a\r\nb"\r\n';
    const expected = [
      ["A", "B"],
      ['Café "🚀"', "x"],
      ["Ångström", "a\r\nb"],
    ];
    for (const level of [0, 6] as const) {
      const zip = zipSync({ "r.csv": strToU8(csv) }, { level });
      for (const size of [1, 3, 7, 1 << 16]) expect(await records(zip, size)).toEqual(expected);
    }
    expect(await records(zipSync({ "r.csv": strToU8("A,B\n1,2\n") }), 5)).toEqual([
      ["A", "B"],
      ["1", "2"],
    ]);
  });

  it("refuses a row longer than 1 MiB (an unclosed quote), a ZIP without CSV, and what is no ZIP", async () => {
    const open = zipSync({ "r.csv": strToU8(`A,B\r\n"${"x".repeat(2 * 1024 * 1024)}`) });
    await expect(records(open, 1 << 16)).rejects.toMatchObject({ code: "report_invalid", message: expect.stringMatching(/row longer than/) });
    await expect(records(zipSync({ "notes.txt": strToU8("hello") }), 1 << 16)).rejects.toMatchObject({
      code: "report_invalid",
      message: expect.stringMatching(/no CSV/),
    });
    await expect(records(strToU8("<html>"), 1 << 16)).rejects.toMatchObject({ code: "report_invalid", message: expect.stringMatching(/not a ZIP/) });
  });
});
