import { AppError } from "../errors.js";
import type { MsAdsEnvironment } from "./msadsHosts.js";

/** Where report files may come from, and how much of them is read. */
export interface ReportDownloadOptions {
  environment: MsAdsEnvironment;
  /** MICROSOFT_ADS_API_URL (the emulator): when set, the only origin downloads may come from. */
  apiUrl: string | null;
  /** REPORT_DOWNLOAD_HOSTS: more https hosts, exact names. */
  extraHosts: string[];
  maxDownloadBytes: number;
  maxCsvBytes: number;
  timeoutMs: number;
}

/**
 * Microsoft's report hosts: its own API domain (the documented `download.api[.sandbox].bingads.microsoft.com`)
 * and the storage account its signed ReportDownloadUrl points to today. Not every `*.blob.core.windows.net`:
 * anyone can create a storage account there.
 */
const MICROSOFT_DOMAIN = ".bingads.microsoft.com";
const MICROSOFT_STORAGE_HOSTS = ["bingadsappsstorageprod.blob.core.windows.net"];
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The same refusal for a bad URL and a bad redirect, sent before any connection: no port or host oracle. */
const refused = (host: string) =>
  new AppError(
    "report_download_refused",
    `The report's download URL (or a redirect from it) points to ${host || "an invalid URL"}, which is not a Microsoft Advertising report host over https; nothing was fetched from it`,
    502,
  );
export const reportTooLarge = (what: string, max: number, setting: string) =>
  new AppError("report_too_large", `The report's ${what} is larger than ${max} bytes (${setting}); ask for a shorter date range or Summary aggregation`, 502);
const unreachable = () =>
  new AppError("msads_unreachable", "Microsoft Advertising's report host could not be reached or broke off the download", 502, { retryAfterSeconds: 5 });
const timedOut = (ms: number) =>
  new AppError("msads_timeout", `Downloading the report took longer than ${Math.round(ms / 1000)} s (REPORT_DOWNLOAD_TIMEOUT_SECONDS)`, 504);

/** Whether a download (or redirect) URL may be fetched: https on Microsoft's report hosts, or the emulator's origin. */
export function isAllowedReportUrl(url: URL, options: Pick<ReportDownloadOptions, "environment" | "apiUrl" | "extraHosts">): boolean {
  if (url.username || url.password) return false;
  if (options.apiUrl) return url.origin === new URL(options.apiUrl).origin;
  if (url.protocol !== "https:" || url.port !== "") return false;
  const host = url.hostname.toLowerCase();
  return host.endsWith(MICROSOFT_DOMAIN) || MICROSOFT_STORAGE_HOSTS.includes(host) || options.extraHosts.includes(host);
}

/**
 * The report file's bytes as they arrive: redirects followed by hand (each hop checked before it is
 * fetched), the size counted while streaming (a declared or actual size over the limit stops it).
 * Stopping the iteration cancels the download.
 */
export async function* downloadReport(rawUrl: string, options: ReportDownloadOptions, signal: AbortSignal): AsyncGenerator<Uint8Array, void, undefined> {
  let url = parseUrl(rawUrl);
  let response: Response;
  for (let hop = 0; ; hop++) {
    if (!url || !isAllowedReportUrl(url, options)) throw refused(url?.hostname ?? "");
    try {
      response = await fetch(url, { redirect: "manual", signal });
    } catch {
      throw signal.aborted ? timedOut(options.timeoutMs) : unreachable();
    }
    if (!REDIRECTS.has(response.status)) break;
    await response.body?.cancel().catch(() => {});
    const location = response.headers.get("location");
    if (!location || hop >= MAX_REDIRECTS)
      throw new AppError(
        "report_download_refused",
        `The report host redirected ${location ? `more than ${MAX_REDIRECTS} times` : "without a Location"}; nothing more was fetched`,
        502,
      );
    url = parseUrl(location, url);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw new AppError("msads_error", `Microsoft Advertising's report host answered HTTP ${response.status} to the download`, 502);
  }
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > options.maxDownloadBytes) {
    await response.body.cancel().catch(() => {});
    throw reportTooLarge("download", options.maxDownloadBytes, "REPORT_MAX_DOWNLOAD_BYTES");
  }
  const reader = response.body.getReader();
  let received = 0;
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        throw signal.aborted ? timedOut(options.timeoutMs) : unreachable();
      }
      if (chunk.done) return;
      received += chunk.value.byteLength;
      if (received > options.maxDownloadBytes) throw reportTooLarge("download", options.maxDownloadBytes, "REPORT_MAX_DOWNLOAD_BYTES");
      yield chunk.value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function parseUrl(value: string, base?: URL): URL | null {
  try {
    return new URL(value, base);
  } catch {
    return null;
  }
}
