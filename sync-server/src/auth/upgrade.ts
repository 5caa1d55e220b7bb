// What the two WebSocket endpoints (/sync and /call) check first on an upgrade, before their own access rule.
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Storage } from '../storage/storage.ts';
import { originAllowed } from './origin.ts';
import type { SessionRecord } from '../storage/sessions.ts';
import { sessionFromCookieHeader } from './session.ts';

export type RejectUpgrade = (status: number, message: string) => void;

/** Refuses an upgrade with a plain-text HTTP answer (once: a destroyed socket is left alone). */
export function upgradeRejecter(socket: Duplex): RejectUpgrade {
  socket.on('error', () => socket.destroy());
  return (status, message) => {
    if (socket.destroyed) return;
    const body = Buffer.from(message, 'utf8');
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n${message}`,
    );
  };
}

/**
 * A server still running, a path under `prefix`, a WebSocket request, an allowed Origin and a session: the
 * session and the rest of the path, or null once refused.
 */
export async function upgradeSession(
  req: IncomingMessage,
  reject: RejectUpgrade,
  o: { closing: boolean; prefix: string; storage: Storage; publicUrl: string | undefined },
): Promise<{ session: SessionRecord; rest: string } | null> {
  const refuse = (status: number, message: string): null => {
    reject(status, message);
    return null;
  };
  if (o.closing) return refuse(503, 'Le serveur s’arrête.');
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  if (!pathname.startsWith(o.prefix)) return refuse(404, 'Introuvable.');
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return refuse(400, 'WebSocket attendu.');
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(origin, req.headers.host, o.publicUrl))
    return refuse(403, 'Origine refusée.');
  const session = await sessionFromCookieHeader(o.storage, req.headers.cookie);
  if (!session) return refuse(401, 'Connexion requise.');
  return { session, rest: pathname.slice(o.prefix.length) };
}
