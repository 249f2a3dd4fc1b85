const DAY_MS = 86_400_000;
/** Warn this long before the client secret expires (Entra gives no grace: at expiry every token request fails with AADSTS7000222). */
export const SECRET_WARNING_DAYS = 30;

export interface ClientSecretExpiry {
  expiresAt: number | null;
  daysLeft: number | null;
  state: "ok" | "expiring_soon" | "expired" | "unknown";
}

/** Where the configured client secret stands on its expiry date (MICROSOFT_CLIENT_SECRET_EXPIRES_AT). */
export function clientSecretExpiry(expiresAt: number | null, now: number): ClientSecretExpiry {
  if (expiresAt === null) return { expiresAt, daysLeft: null, state: "unknown" };
  const daysLeft = Math.floor((expiresAt - now) / DAY_MS);
  const state = expiresAt <= now ? "expired" : daysLeft < SECRET_WARNING_DAYS ? "expiring_soon" : "ok";
  return { expiresAt, daysLeft, state };
}

/** One sentence for logs, the doctor and the status API; null while the secret is fine or its expiry unknown. */
export function clientSecretExpiryProblem(expiry: ClientSecretExpiry): string | null {
  if (expiry.expiresAt === null) return null;
  const date = new Date(expiry.expiresAt).toISOString().slice(0, 10);
  if (expiry.state === "expired") {
    return `The Microsoft client secret expired on ${date}. Create a new secret in Microsoft Entra (App registrations → Certificates & secrets), then update MICROSOFT_CLIENT_SECRET and MICROSOFT_CLIENT_SECRET_EXPIRES_AT.`;
  }
  if (expiry.state === "expiring_soon") {
    return `The Microsoft client secret expires on ${date} (in ${expiry.daysLeft} days). Create a new secret in Microsoft Entra now and switch MICROSOFT_CLIENT_SECRET before then.`;
  }
  return null;
}
