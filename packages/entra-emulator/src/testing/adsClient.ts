import { SANDBOX_DEVELOPER_TOKEN, startMicrosoftAdsEmulator } from "../msads/startMicrosoftAdsEmulator.js";
import type { MicrosoftAdsEmulator, MicrosoftAdsEmulatorOptions } from "../msads/types.js";
import { startEntraEmulator } from "../startEntraEmulator.js";
import type { EntraEmulator } from "../types.js";
import { codeFlow } from "./codeFlow.js";

export interface AdsResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, any>;
}

/** An Entra emulator and a Microsoft Advertising emulator on real ports, and a client that calls it as an SDK would. */
export async function adsPair(options: Omit<MicrosoftAdsEmulatorOptions, "entra"> = {}, entraOptions: Parameters<typeof startEntraEmulator>[0] = {}) {
  const entra: EntraEmulator = await startEntraEmulator(entraOptions);
  const ads: MicrosoftAdsEmulator = await startMicrosoftAdsEmulator({ entra, ...options });
  const tokens = new Map<string, string>();

  const tokenFor = async (username: string): Promise<string> => {
    if (!tokens.has(username)) {
      const { response } = await codeFlow(entra).tokensFor(username);
      tokens.set(username, response.body.access_token as string);
    }
    return tokens.get(username)!;
  };

  /** The headers an SDK sends for an account-scoped call by this user on this account. */
  const headersFor = async (username: string, accountId?: string): Promise<Record<string, string>> => {
    const account = accountId ? ads.accounts(username).find((a) => a.Id === accountId)! : ads.accounts(username)[0]!;
    return { Authorization: `Bearer ${await tokenFor(username)}`, CustomerId: account.ParentCustomerId, CustomerAccountId: account.Id };
  };

  const call = async (method: string, path: string, body: unknown, headers: Record<string, string | null> = {}): Promise<AdsResponse> => {
    const all: Record<string, string | null> = { "content-type": "application/json", DeveloperToken: SANDBOX_DEVELOPER_TOKEN, ...headers };
    const res = await fetch(`${ads.url}${path}`, {
      method,
      headers: Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== null)),
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: JSON.parse(text) as Record<string, any> };
  };

  const close = () => Promise.all([ads.close(), entra.close()]).then(() => {});
  return { entra, ads, tokenFor, headersFor, call, close };
}

/** A fault body reduced to what tests compare. */
export const faultOf = (res: AdsResponse) => ({
  status: res.status,
  type: res.json.Type,
  code: res.json.Errors?.[0]?.Code ?? res.json.OperationErrors?.[0]?.Code,
  errorCode: res.json.Errors?.[0]?.ErrorCode,
});
