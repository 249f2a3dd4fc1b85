import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config.js";
import type { RunningServer } from "../server.js";
import { connectAs, type Harness, startHarness } from "../testing/harness.js";
import { httpRequest } from "../testing/httpRequest.js";

const METRICS_KEY = "metrics-key-0123456789abcdefghijklmnopqrstuv";

// One server with /metrics on its own port behind METRICS_KEY, and a second instance (same
// database) with it on a port of its own; the harness's defaults elsewhere show it off.
let h: Harness;
let separate: RunningServer;

beforeAll(async () => {
  h = await startHarness({ env: { METRICS_ENABLED: "on", METRICS_KEY, ACCOUNT_SYNC: "off", REFRESH_AHEAD: "off" } });
  separate = await h.startInstance({ METRICS_PORT: "0" });
});

afterAll(async () => {
  await separate?.close();
  await h?.close();
});

const scrape = (url: string, key?: string) => httpRequest(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });

describe("/metrics for Prometheus", () => {
  it("is off by default: 404, and no Prometheus exporter", async () => {
    const plain = await startHarness({ env: { ACCOUNT_SYNC: "off" } });
    try {
      const res = await scrape(`${plain.server.url}/metrics`, METRICS_KEY);
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: "not_found" } });
      expect(plain.server.telemetry.prometheus).toBeNull();
      expect(plain.server.metricsUrl).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it("on the server's port, refuses a scrape without the key or with a wrong one (401 JSON)", async () => {
    const none = await scrape(`${h.server.url}/metrics`);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text)).toMatchObject({ error: { code: "unauthorized" } });
    const wrong = await scrape(`${h.server.url}/metrics`, `${METRICS_KEY.slice(0, -1)}x`);
    expect(wrong.status).toBe(401);
    // The API's secret key is not the metrics key.
    expect((await scrape(`${h.server.url}/metrics`, h.secretKey)).status).toBe(401);
  });

  it("with the key: Prometheus text with the connect, token read, sync and webhook series", async () => {
    const { result } = await connectAs(h, "adele@contoso.example");
    if (result.type !== "ads-connect:success") throw new Error(`connect failed: ${JSON.stringify(result)}`);
    for (let i = 0; i < 3; i++) expect((await h.api("GET", `/connections/${result.connection_id}`)).status).toBe(200);
    const res = await scrape(`${h.server.url}/metrics`, METRICS_KEY);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^ads_connect_connects_total\{[^}]*ads_connect_outcome="success"[^}]*\} 1$/m);
    expect(res.text).toMatch(/^ads_connect_token_reads_total(\{[^}]*\})? ([3-9]|\d\d+)$/m);
    expect(res.text).toMatch(/^ads_connect_sync_runs_total\{[^}]*ads_connect_outcome="success"[^}]*\} 1$/m);
    expect(res.text).toMatch(/^ads_connect_msads_holds_active(\{[^}]*\})? 0$/m);
    expect(res.text).toMatch(/^ads_connect_webhook_backlog(\{[^}]*\})? \d+$/m);
    expect(res.text).toMatch(/^ads_connect_sync_duration_count\{[^}]*\} 1$/m);
    expect(res.text).not.toContain(METRICS_KEY);
    expect(res.text).not.toContain("adele@contoso.example");
  });

  it("on METRICS_PORT: served there alone (with the key when one is set), not on the server's port", async () => {
    expect(separate.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect((await scrape(separate.metricsUrl!)).status).toBe(401);
    const res = await scrape(separate.metricsUrl!, METRICS_KEY);
    expect(res.status).toBe(200);
    expect(res.text).toContain("ads_connect_token_reads_total");
    expect((await scrape(separate.metricsUrl!.replace(/\/metrics$/, "/connections"))).status).toBe(404);
    expect((await scrape(`${separate.address}/metrics`, METRICS_KEY)).status).toBe(404);
  });

  it("METRICS_ENABLED on the server's own port needs METRICS_KEY", () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "ads-connect-metrics-"));
    const base = { MICROSOFT_CLIENT_ID: "client", MICROSOFT_CLIENT_SECRET: "client-secret-value", DATA_DIR: dataDir, METRICS_ENABLED: "on" };
    expect(() => loadConfig(base)).toThrow(/METRICS_KEY: required/);
    expect(loadConfig({ ...base, METRICS_PORT: "9464" }).metrics).toEqual({ enabled: true, key: null, port: 9464, host: "127.0.0.1" });
    rmSync(dataDir, { recursive: true, force: true });
  });
});
