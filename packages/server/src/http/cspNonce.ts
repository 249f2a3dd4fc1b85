import { randomBytes } from "node:crypto";

const NONCE_BYTES = 16;
/** Random bytes drawn 4 KiB at a time (one system call per 256 nonces), each byte used once. */
const POOL_BYTES = NONCE_BYTES * 256;
let pool = Buffer.alloc(0);
let offset = 0;

/** A fresh CSP nonce per response: 16 bytes from the CSPRNG, base64 (as `randomBytes(16)` gave). */
export function cspNonce(): string {
  if (offset + NONCE_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    offset = 0;
  }
  const nonce = pool.toString("base64", offset, offset + NONCE_BYTES);
  offset += NONCE_BYTES;
  return nonce;
}
