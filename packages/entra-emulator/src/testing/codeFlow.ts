import { createHash, randomBytes } from "node:crypto";
import { DEV_CLIENT_ID, DEV_CLIENT_SECRET } from "../devClient.js";
import type { EntraEmulator } from "../types.js";

export const REDIRECT_URI = "http://localhost:5173/callback";
export const ADS_SCOPE = "https://ads.microsoft.com/msads.manage";

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Test helpers that walk the emulator's endpoints over real HTTP, as a browser and a server would. */
export function codeFlow(emulator: EntraEmulator) {
  const authorizeQuery = (overrides: Record<string, string | null> = {}) => {
    const verifier = randomBytes(32).toString("base64url");
    const base: Record<string, string | null> = {
      client_id: DEV_CLIENT_ID,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: `${ADS_SCOPE} openid profile email offline_access`,
      state: randomBytes(8).toString("hex"),
      nonce: randomBytes(8).toString("hex"),
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
      ...overrides,
    };
    const query = new URLSearchParams(Object.entries(base).filter((e): e is [string, string] => e[1] !== null));
    return { query, verifier };
  };

  const authorize = (query: URLSearchParams, tenant = "common") => fetch(`${emulator.url}/${tenant}/oauth2/v2.0/authorize?${query}`, { redirect: "manual" });

  /** POSTs the login form for `username`; returns the response (normally a 302 to the redirect URI). */
  const pick = async (loginHtml: string, username: string) => {
    const interaction = /name="interaction" value="([^"]+)"/.exec(loginHtml)?.[1];
    const action = /<form method="post" action="([^"]+)"/.exec(loginHtml)?.[1];
    if (!interaction || !action) throw new Error(`not a login page: ${loginHtml.slice(0, 200)}`);
    return fetch(new URL(action, emulator.url), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ interaction, username }),
    });
  };

  /** Authorize, pick the user, and return where the emulator redirected to. */
  const signIn = async (username: string, overrides: Record<string, string | null> = {}, tenant = "common") => {
    const { query, verifier } = authorizeQuery(overrides);
    const page = await authorize(query, tenant);
    if (page.status !== 200) throw new Error(`authorize answered ${page.status}`);
    const response = await pick(await page.text(), username);
    const location = response.headers.get("location");
    if (response.status !== 302 || !location) throw new Error(`login answered ${response.status}`);
    const redirect = new URL(location);
    return { redirect, params: redirect.searchParams, query, verifier };
  };

  const token = async (form: Record<string, string>, options: { tenant?: string; basic?: [string, string] } = {}): Promise<JsonResponse> => {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    let body = form;
    if (options.basic) {
      const [id, secret] = options.basic.map((s) => encodeURIComponent(s));
      headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
    } else {
      body = { client_id: DEV_CLIENT_ID, client_secret: DEV_CLIENT_SECRET, ...form };
    }
    const response = await fetch(`${emulator.url}/${options.tenant ?? "common"}/oauth2/v2.0/token`, {
      method: "POST",
      headers,
      body: new URLSearchParams(body),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
  };

  const redeem = (code: string, verifier: string, extra: Record<string, string> = {}) =>
    token({ grant_type: "authorization_code", code, redirect_uri: REDIRECT_URI, code_verifier: verifier, ...extra });

  /** Sign in and redeem the code: the token response. */
  const tokensFor = async (username: string, overrides: Record<string, string | null> = {}, tenant = "common") => {
    const flow = await signIn(username, overrides, tenant);
    const code = flow.params.get("code");
    if (!code) throw new Error(`no code: ${flow.redirect.href}`);
    return { ...flow, code, response: await redeem(code, flow.verifier) };
  };

  const refresh = (refreshToken: string, extra: Record<string, string> = {}) => token({ grant_type: "refresh_token", refresh_token: refreshToken, ...extra });

  return { authorizeQuery, authorize, pick, signIn, token, redeem, tokensFor, refresh };
}

/** The AADSTS number at the start of an error description. */
export function aadstsOf(description: unknown): number | null {
  const match = /^AADSTS(\d+):/.exec(typeof description === "string" ? description : "");
  return match ? Number(match[1]) : null;
}
