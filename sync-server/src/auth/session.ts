import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { parse as parseCookies } from 'hono/utils/cookie';
import type { SessionRecord } from '../storage/sessions.ts';
import type { Storage } from '../storage/storage.ts';
import { isWellFormedToken, newToken, tokenHash } from './tokens.ts';

export const SESSION_COOKIE = 'compagnon_session';
export const SESSION_TTL_MS = 30 * 24 * 3600_000;
/** A session used with less than this left is extended to a full 30 days again. */
const RENEW_BELOW_MS = 15 * 24 * 3600_000;

/** Looks a cookie token up; the database only knows its SHA-256 (AUTH2). */
export async function findSession(
  storage: Storage,
  token: string | undefined,
  now = Date.now(),
): Promise<SessionRecord | null> {
  if (!token || !isWellFormedToken(token)) return null;
  return storage.sessions.find(tokenHash(token), now);
}

/** The session of a raw `Cookie` header (WebSocket upgrades). */
export async function sessionFromCookieHeader(
  storage: Storage,
  header: string | undefined,
): Promise<SessionRecord | null> {
  if (!header) return null;
  return findSession(storage, parseCookies(header, SESSION_COOKIE)[SESSION_COOKIE]);
}

function isHttps(c: Context, publicUrl: string | undefined): boolean {
  return new URL(c.req.url).protocol === 'https:' || (publicUrl?.startsWith('https:') ?? false);
}

function writeCookie(c: Context, token: string, publicUrl: string | undefined): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    path: '/',
    secure: isHttps(c, publicUrl),
    maxAge: Math.floor(SESSION_TTL_MS / 1000),
  });
}

/** Opens a session for `userId` and sets its cookie; any session the request carried is closed first. */
export async function startSession(
  c: Context,
  storage: Storage,
  userId: string,
  publicUrl?: string,
): Promise<void> {
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous && isWellFormedToken(previous)) await storage.sessions.delete(tokenHash(previous));
  const token = newToken();
  await storage.sessions.create(tokenHash(token), userId, Date.now() + SESSION_TTL_MS);
  writeCookie(c, token, publicUrl);
}

/** The request's session, extended (and its cookie refreshed) when half of its life is gone. */
export async function currentSession(
  c: Context,
  storage: Storage,
  publicUrl?: string,
): Promise<SessionRecord | null> {
  const token = getCookie(c, SESSION_COOKIE);
  const now = Date.now();
  const session = await findSession(storage, token, now);
  if (session && token && session.expiresAt - now < RENEW_BELOW_MS) {
    session.expiresAt = now + SESSION_TTL_MS;
    await storage.sessions.extend(session.id, session.expiresAt);
    writeCookie(c, token, publicUrl);
  }
  return session;
}

/** Deletes the request's session and clears its cookie; returns the closed session's id, if any. */
export async function endSession(c: Context, storage: Storage, publicUrl?: string): Promise<string | null> {
  const token = getCookie(c, SESSION_COOKIE);
  deleteCookie(c, SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c, publicUrl),
  });
  if (!token || !isWellFormedToken(token)) return null;
  const id = tokenHash(token);
  await storage.sessions.delete(id);
  return id;
}
