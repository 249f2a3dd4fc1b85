import * as oidc from "openid-client";
import { type Config, ConfigError, loadConfig } from "../config.js";
import { ConnectFlowError } from "../errors.js";
import { clientSecretExpiry, clientSecretExpiryProblem } from "../oauth/clientSecretExpiry.js";
import { createEntraClient, ENTRA_ORIGIN } from "../oauth/entraClient.js";
import { adminConsentRedirectUri, signInRedirectUri } from "../oauth/redirectUris.js";
import { fromTokenRequestError } from "../oauth/translateEntraError.js";
import { ConnectionStore } from "../store/connectionStore.js";
import { openReadOnly } from "../store/openReadOnly.js";
import { encryptionKeyUsage, keyUsageFindings } from "../tokens/keyUsage.js";

export type CheckStatus = "ok" | "info" | "warn" | "fail";

export interface DoctorCheck {
  /** Stable id, e.g. `client_credentials`. */
  id: string;
  status: CheckStatus;
  summary: string;
  /** Lines to print under the summary: values to copy, or what to do. */
  details: string[];
  /** Microsoft's error number when Microsoft raised the problem. */
  aadsts?: number | null;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  /** True when no check failed (warnings do not fail). */
  ok: boolean;
}

export interface DoctorOptions {
  env: Record<string, string | undefined>;
  /** The directory for the client-credentials check; default MICROSOFT_TENANT when it names one, else `organizations`. */
  tenant?: string;
  now?: number;
  /** Per network check; default 10 s. */
  timeoutMs?: number;
}

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** Loopback names, which browsers treat as secure contexts even over http. */
const isLocal = (hostname: string) => LOCAL_HOSTS.has(hostname) || hostname.endsWith(".localhost");
/** Every tenant has Microsoft Graph's service principal, so an app-only token for it proves the credentials alone. */
const CREDENTIALS_PROBE_SCOPE = "https://graph.microsoft.com/.default";

/**
 * Checks a configuration the way Microsoft and browsers will meet it, without changing anything
 * (beyond the development defaults loadConfig keeps under DATA_DIR), and says what to fix.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const checks: DoctorCheck[] = [];
  const config = configurationCheck(options.env, checks);
  if (config) {
    checks.push(redirectUriCheck(config));
    const entra = createEntraClient(config.microsoft);
    const tenant = options.tenant ?? credentialsTenant(config.microsoft.tenant);
    const discovered = await discoveryCheck(config, () => entra.configuration(tenant), tenant, checks);
    if (discovered) checks.push(await clientCredentialsCheck(config, discovered, tenant));
    checks.push(secretExpiryCheck(config, options.now ?? Date.now()));
    checks.push(await encryptionKeysCheck(config));
    checks.push(allowedOriginsCheck(config));
    checks.push(await publicUrlCheck(config, options.timeoutMs ?? 10_000));
  }
  return { checks, ok: checks.every((c) => c.status !== "fail") };
}

/** Client credentials need a directory: `common` and `consumers` are refused by Entra (AADSTS9001023). */
export function credentialsTenant(configured: string): string {
  const lower = configured.toLowerCase();
  return lower === "common" || lower === "consumers" ? "organizations" : configured;
}

function configurationCheck(env: Record<string, string | undefined>, checks: DoctorCheck[]): Config | null {
  const defaults: string[] = [];
  try {
    const config = loadConfig(env, (m) => defaults.push(m));
    checks.push({
      id: "configuration",
      status: "ok",
      summary: config.production ? "Configuration is complete (production)." : "Configuration loads (development).",
      details: defaults.map((d) => `default: ${d}`),
    });
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    checks.push({ id: "configuration", status: "fail", summary: "The configuration has problems; fix these first:", details: err.problems });
    return null;
  }
}

function redirectUriCheck(config: Config): DoctorCheck {
  const url = new URL(config.publicUrl);
  const details = [signInRedirectUri(config.publicUrl), adminConsentRedirectUri(config.publicUrl)];
  // Entra's rule for http redirect URIs is narrower than the browsers' idea of a secure origin.
  if (url.protocol === "http:" && !LOCAL_HOSTS.has(url.hostname)) {
    return {
      id: "redirect_uri",
      status: "fail",
      summary: `PUBLIC_URL is http on ${url.hostname}: Microsoft Entra accepts http redirect URIs only for localhost. Serve the server over https and set PUBLIC_URL to that address.`,
      details,
    };
  }
  const where = config.microsoft.emulatorUrl ? "the emulator accepts any" : "App registrations → Authentication → Web";
  return { id: "redirect_uri", status: "info", summary: `Register exactly these redirect URIs in Microsoft Entra (${where}):`, details };
}

async function discoveryCheck(
  config: Config,
  discover: () => Promise<oidc.Configuration>,
  tenant: string,
  checks: DoctorCheck[],
): Promise<oidc.Configuration | null> {
  const emulator = config.microsoft.emulatorUrl;
  const where = emulator ? `the Entra emulator at ${emulator} (development only)` : `Microsoft Entra (${ENTRA_ORIGIN})`;
  try {
    const discovered = await discover();
    checks.push({ id: "identity_provider", status: "ok", summary: `Signing in with ${where}: discovery works for tenant ${tenant}.`, details: [] });
    return discovered;
  } catch (err) {
    const reason =
      err instanceof ConnectFlowError
        ? `${err.code}${err.aadsts ? ` (AADSTS${err.aadsts})` : ""}: ${innermostMessage(err)}`
        : err instanceof Error
          ? err.message
          : String(err);
    const fix = emulator
      ? "Start the emulator (pnpm emulator) or fix ENTRA_EMULATOR_URL."
      : "Check this machine's outbound HTTPS access to login.microsoftonline.com and the tenant name.";
    checks.push({ id: "identity_provider", status: "fail", summary: `Cannot reach ${where} for tenant ${tenant}: ${reason}`, details: [fix] });
    return null;
  }
}

/** What the network or Microsoft said, under the translation (e.g. `fetch failed` → `connect ECONNREFUSED …`). */
function innermostMessage(err: Error): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

async function clientCredentialsCheck(config: Config, discovered: oidc.Configuration, tenant: string): Promise<DoctorCheck> {
  const id = "client_credentials";
  const app = `MICROSOFT_CLIENT_ID ${config.microsoft.clientId}`;
  try {
    await oidc.clientCredentialsGrant(discovered, { scope: CREDENTIALS_PROBE_SCOPE });
    return { id, status: "ok", summary: `Client id and secret work: Microsoft issued an app token for ${app} in ${tenant} (discarded).`, details: [] };
  } catch (raw) {
    const err = await fromTokenRequestError(raw).catch(() => null);
    if (!(err instanceof ConnectFlowError)) {
      return { id, status: "fail", summary: `The client-credentials request failed: ${raw instanceof Error ? raw.message : String(raw)}`, details: [] };
    }
    const number = err.aadsts !== null ? ` (AADSTS${err.aadsts})` : "";
    const verdicts: Record<string, string> = {
      invalid_client_secret: "Microsoft rejected the client secret",
      client_secret_expired: "The client secret has expired",
      app_not_found: `Microsoft does not know ${app} in ${tenant}`,
      tenant_not_found: `Microsoft does not know the tenant ${tenant}`,
    };
    const verdict = verdicts[err.code] ?? `Microsoft refused the client-credentials request: ${err.code}`;
    const details = [err.message];
    if (err.code === "app_not_found" && tenant === "organizations")
      details.push("Run the doctor with --tenant <your app's Directory (tenant) ID> to check in the app's home directory.");
    if (err.aadsts === 9001023) details.push("Pass --tenant <your app's Directory (tenant) ID>.");
    return { id, status: err.actor === "none" ? "warn" : "fail", summary: `${verdict}${number}.`, details, aadsts: err.aadsts };
  }
}

function secretExpiryCheck(config: Config, now: number): DoctorCheck {
  const expiry = clientSecretExpiry(config.microsoft.clientSecretExpiresAt, now);
  const problem = clientSecretExpiryProblem(expiry);
  if (problem) return { id: "client_secret_expiry", status: expiry.state === "expired" ? "fail" : "warn", summary: problem, details: [] };
  if (expiry.state === "unknown") {
    return {
      id: "client_secret_expiry",
      status: "info",
      summary: "The client secret's expiry date is not configured.",
      details: ["Set MICROSOFT_CLIENT_SECRET_EXPIRES_AT (e.g. 2027-05-31, from Certificates & secrets) to be warned 30 days ahead."],
    };
  }
  const date = new Date(expiry.expiresAt!).toISOString().slice(0, 10);
  return { id: "client_secret_expiry", status: "ok", summary: `The client secret expires on ${date}, in ${expiry.daysLeft} days.`, details: [] };
}

/** Which ENCRYPTION_KEYS the stored tokens use (key ids in the ciphertexts' headers; nothing decrypted). */
async function encryptionKeysCheck(config: Config): Promise<DoctorCheck> {
  const id = "encryption_keys";
  const current = config.encryptionKeys[0]?.id ?? "";
  let db;
  try {
    db = openReadOnly(config.databaseFile);
  } catch (err) {
    return {
      id,
      status: "warn",
      summary: `Could not open the database to see which encryption keys are in use: ${err instanceof Error ? err.message : String(err)}`,
      details: [],
    };
  }
  if (!db) return { id, status: "info", summary: `No database yet: new tokens will be encrypted with key "${current}".`, details: [] };
  try {
    const usage = await encryptionKeyUsage(
      new ConnectionStore(db),
      config.encryptionKeys.map((k) => k.id),
    );
    const findings = keyUsageFindings(usage, current);
    const counts = usage
      .map((u) => `${u.key_id ?? "(none)"}: ${u.connections} connection${u.connections === 1 ? "" : "s"}${u.configured ? "" : " (not configured)"}`)
      .join(", ");
    const status = findings.some((f) => f.level === "error") ? "fail" : findings.length > 0 ? "warn" : "ok";
    return { id, status, summary: `Encryption keys (current "${current}"): ${counts}.`, details: findings.map((f) => f.message) };
  } catch (err) {
    return { id, status: "warn", summary: `Could not read which encryption keys are in use: ${err instanceof Error ? err.message : String(err)}`, details: [] };
  } finally {
    await db.destroy();
  }
}

function allowedOriginsCheck(config: Config): DoctorCheck {
  const insecure = config.allowedOrigins.filter((o) => o.startsWith("http:") && !isLocal(new URL(o).hostname));
  if (insecure.length > 0) {
    return {
      id: "allowed_origins",
      status: "warn",
      summary: "Pages on plain http outside localhost may open the connect popup; use https origins:",
      details: insecure,
    };
  }
  return {
    id: "allowed_origins",
    status: "ok",
    summary: "Pages on these origins may open the connect popup (ALLOWED_ORIGINS):",
    details: config.allowedOrigins,
  };
}

async function publicUrlCheck(config: Config, timeoutMs: number): Promise<DoctorCheck> {
  const url = `${config.publicUrl}/health`;
  // Said either way: with a prefix, the proxy and the redirect URIs must agree on it.
  const prefix = config.basePath
    ? [
        `PUBLIC_URL has the path prefix "${config.basePath}": the server answers under ${config.basePath}/… and at /…, so the reverse proxy may strip the prefix or pass it on; cookies and redirect URIs carry it.`,
      ]
    : [];
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: "manual" });
    const body = (await response.json().catch(() => null)) as { ok?: unknown } | null;
    if (response.ok && body?.ok === true)
      return { id: "public_url", status: "ok", summary: `PUBLIC_URL reaches an ads-connect server (${url}).`, details: prefix };
    return {
      id: "public_url",
      status: "fail",
      summary: `PUBLIC_URL answers, but not as ads-connect (${url} → HTTP ${response.status}).`,
      details: ["Check that PUBLIC_URL (or your reverse proxy) points at this server.", ...prefix],
    };
  } catch (err) {
    const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    return {
      id: "public_url",
      status: "fail",
      summary: `PUBLIC_URL is not reachable from here (${url}: ${reason}).`,
      details: ["Start the server, or fix PUBLIC_URL: browsers and Microsoft's redirects must reach it.", ...prefix],
    };
  }
}
