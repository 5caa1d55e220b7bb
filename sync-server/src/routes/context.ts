import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { LoginThrottle } from '../auth/throttle.ts';
import type { CallHub } from '../call/signalling.ts';
import type { AdjustableClock, Clock } from '../clock/clock.ts';
import type { FileStore } from '../files/store.ts';
import type { Logger } from '../log/logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { SessionRecord } from '../storage/sessions.ts';
import type { Storage } from '../storage/storage.ts';
import type { SyncHub } from '../sync/hub.ts';

export interface AppEnv {
  Bindings: { incoming?: IncomingMessage };
  Variables: { session: SessionRecord | null };
}

/** What the route handlers need, built once by `startServer`. */
export interface Services {
  storage: Storage;
  log: Logger;
  throttle: LoginThrottle;
  mailer: Mailer | null;
  /** Absent when the routes run without a WebSocket side (route tests with `app.request`). */
  sync: SyncHub | null;
  publicUrl: string | undefined;
  /** Behind a reverse proxy: take the client address from the last `X-Forwarded-For` entry. */
  trustProxy: boolean;
  /** The server's time (CLOCK1). */
  clock: Clock;
  /** Set only with `COMPAGNON_CLOCK_CONTROL=1` (tests): `POST /api/test/clock` moves it forward. */
  clockControl: AdjustableClock | null;
  /** The bytes of uploaded files (`DATA_DIR/files`). */
  fileStore: FileStore;
  /** Video call signalling (SCHED10); absent when the routes run without a WebSocket side. */
  calls?: CallHub | null;
}

/**
 * The client's address: the TCP peer, or — only when the server is declared to sit behind a reverse proxy
 * — the entry that proxy appended to `X-Forwarded-For` (the last one; earlier ones are client-supplied).
 */
export function clientAddress(c: Context<AppEnv>, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return c.env?.incoming?.socket?.remoteAddress ?? 'inconnue';
}

/** The request path with anything that looks like a token masked, for logs (AUTH10). */
export function loggablePath(c: Context): string {
  return new URL(c.req.url).pathname.replace(/[A-Za-z0-9_-]{40,}/g, '…');
}
