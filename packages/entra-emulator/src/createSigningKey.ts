import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public key as published in the JWKS. */
  publicJwk: JWK;
}

/** A fresh RS256 key pair for signing ID tokens, made once per emulator start. */
export async function createSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicJwk: { kty: jwk.kty, use: "sig", alg: "RS256", kid, n: jwk.n, e: jwk.e } };
}
