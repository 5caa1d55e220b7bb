import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url: the secret handed to a client (session cookie, invitation link). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores instead of a token: a leaked table gives no usable secret (AUTH2, AUTH9). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Tokens we hand out are exactly 43 base64url characters; anything else is rejected before any lookup. */
export function isWellFormedToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}
