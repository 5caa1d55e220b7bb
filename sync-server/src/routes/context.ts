import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import type { LoginThrottle } from '../auth/throttle.ts';
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
}

/** The peer address of the request (no proxy header is trusted). */
export function clientAddress(c: Context<AppEnv>): string {
  return c.env?.incoming?.socket?.remoteAddress ?? 'inconnue';
}

/** The request path with anything that looks like a token masked, for logs (AUTH10). */
export function loggablePath(c: Context): string {
  return new URL(c.req.url).pathname.replace(/[A-Za-z0-9_-]{40,}/g, '…');
}
