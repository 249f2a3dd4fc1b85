import { createHash, randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import type { SigningKey } from "./createSigningKey.js";
import { randomToken } from "./randomToken.js";
import type { TestUser } from "./testUsers.js";

export interface IdTokenInput {
  user: TestUser;
  clientId: string;
  scopes: readonly string[];
  nonce: string | null;
}

const ID_TOKEN_LIFETIME_SECONDS = 3600;

/** An Entra v2.0 ID token, RS256-signed with the emulator's key. */
export async function signIdToken(key: SigningKey, { user, clientId, scopes, nonce }: IdTokenInput): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // Entra's `sub` is pairwise: the same user looks different to different apps.
  const sub = createHash("sha256").update(`${user.objectId}:${clientId}`).digest("base64url");
  return new SignJWT({
    ver: "2.0",
    tid: user.tenantId,
    oid: user.objectId,
    name: user.displayName,
    preferred_username: user.username,
    ...(scopes.includes("email") ? { email: user.username } : {}),
    ...(nonce !== null ? { nonce } : {}),
    aio: randomToken("", 48),
    uti: randomToken("", 16),
    rh: `1.A${randomToken("", 40)}.`,
  })
    .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
    .setIssuer(`https://login.microsoftonline.com/${user.tenantId}/v2.0`)
    .setAudience(clientId)
    .setSubject(sub)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + ID_TOKEN_LIFETIME_SECONDS)
    .setJti(randomUUID())
    .sign(key.privateKey);
}
