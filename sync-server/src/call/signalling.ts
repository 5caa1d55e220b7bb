// Video call signalling (SCHED10): the two browsers of a video appointment exchange their WebRTC offer,
// answer and ICE candidates through this WebSocket, `/call/:appointmentId`; the media flow between them, not
// through the server. The upgrade is authenticated like /sync (AUTH8): Origin, session cookie, then the
// caller must be the coach or the learner of a non-cancelled video appointment. Joins and leaves are logged
// with the server clock (CLOCK1) — the presence shown with the appointment.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { roleIn } from '../auth/access.ts';
import { upgradeRejecter, upgradeSession } from '../auth/upgrade.ts';
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { Storage } from '../storage/storage.ts';
import type { IceServer } from './ice.ts';

/** A call presence still open after this long was left by an instance that stopped abruptly. */
const STALE_CALL_MS = 12 * 3600_000;

export const CALL_PATH_PREFIX = '/call/';
/** Larger frames close the connection with 1009 (an SDP offer is a few KiB). */
export const CALL_MAX_FRAME_BYTES = 64 * 1024;
/** Messages relayed to the other participant as they are. */
const RELAYED = new Set(['offer', 'answer', 'candidate']);
/** A burst of ICE candidates is a few dozen messages; far more than this is a misbehaving client. */
const MAX_MESSAGES_PER_WINDOW = 400;
const RATE_WINDOW_MS = 10_000;

export const CALL_CLOSE = {
  goingAway: 1001,
  unsupported: 1003,
  invalidPayload: 1007,
  policy: 1008,
  /** The same person joined again from another tab or device. */
  replaced: 4409,
  /** The appointment was cancelled during the call. */
  cancelled: 4410,
  sessionEnded: 4401,
} as const;

interface Participant {
  ws: WebSocket;
  appointmentId: string;
  id: string;
  name: string;
  role: 'coach' | 'learner';
  sessionId: string;
  /** The row of the call log, once written (null when it could not be). */
  logId: Promise<number | null>;
  /** Told `ready` (after its arrival was logged): from then on the other person sees them. */
  introduced: boolean;
  alive: boolean;
  left: boolean;
  windowStart: number;
  messages: number;
}

export interface CallHubOptions {
  storage: Storage;
  log: Logger;
  clock: Clock;
  publicUrl?: string;
  iceServers: readonly IceServer[];
  /** Keep-alive ping period (default 30 s). */
  pingIntervalMs?: number;
}

const APPOINTMENT_ID = /^[A-Za-z0-9_-]{1,100}$/;

function text(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

const who = (p: Participant) => ({ id: p.id, name: p.name, role: p.role });

/** One room per appointment holding at most its two people; nothing of the media passes here. */
export class CallHub {
  readonly #o: CallHubOptions;
  readonly #wss: WebSocketServer;
  readonly #rooms = new Map<string, Map<string, Participant>>();
  readonly #ping: NodeJS.Timeout;
  /** Ends the presences of a previous run; arrivals are logged after it. */
  readonly #cleared: Promise<void>;
  /** Appointments whose call was ended (cancelled): an upgrade checked before that is refused after. */
  readonly #ended = new Set<string>();
  #closing = false;

  constructor(options: CallHubOptions) {
    this.#o = options;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: CALL_MAX_FRAME_BYTES,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.#ping = setInterval(() => this.#keepAlive(), options.pingIntervalMs ?? 30_000);
    this.#ping.unref();
    // Presences left open by a server that stopped abruptly end now: alone on its database, nobody can
    // still be connected. On PostgreSQL other instances may hold calls right now: only presences older than
    // any real call are closed (SCALE5).
    const now = options.clock.now();
    const joinedBefore = options.storage.sqlite ? Number.MAX_SAFE_INTEGER : now - STALE_CALL_MS;
    this.#cleared = options.storage.appointments.closeOpenCalls(now, joinedBefore).then(
      () => undefined,
      (error: unknown) => options.log.error('Clôture des présences d’appel précédentes impossible', error),
    );
  }

  /** Who is in the call of an appointment now (tests and diagnostics). */
  present(appointmentId: string): string[] {
    return [...(this.#rooms.get(appointmentId)?.keys() ?? [])];
  }

  /** The `upgrade` listener for `/call/…` paths. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.#upgrade(req, socket, head);
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const reject = upgradeRejecter(socket);
    try {
      const { storage, publicUrl } = this.#o;
      const gate = await upgradeSession(req, reject, {
        closing: this.#closing,
        prefix: CALL_PATH_PREFIX,
        storage,
        publicUrl,
      });
      if (!gate) return;
      const { session, rest: id } = gate;
      const appointment = APPOINTMENT_ID.test(id) ? await storage.appointments.find(id) : null;
      const acc = appointment ? await storage.accompaniments.find(appointment.accompanimentId) : null;
      const role = acc ? roleIn(session.user, acc) : null;
      // Someone outside the accompaniment cannot tell the appointment exists (AUTH5).
      if (!appointment || !role) return reject(404, 'Rendez-vous introuvable.');
      if (appointment.status === 'cancelled') return reject(403, 'Ce rendez-vous est annulé.');
      if (appointment.mode !== 'video') return reject(403, 'Ce rendez-vous n’a pas lieu en visio.');
      // Video calls stay 1:1: a group session's call goes through the coach's external link (SCHED14).
      if (appointment.group)
        return reject(
          403,
          'Séance collective : la visio se fait par le lien indiqué par la personne qui anime.',
        );
      // Cancelled, or the server stopping, while the checks above waited for the database.
      if (this.#ended.has(appointment.id)) return reject(403, 'Ce rendez-vous est annulé.');
      if (this.#closing) return reject(503, 'Le serveur s’arrête.');
      // The client may have gone meanwhile.
      if (socket.destroyed) return;
      this.#wss.handleUpgrade(req, socket, head, (ws) =>
        this.#accept(ws, {
          appointmentId: appointment.id,
          id: session.user.id,
          name: session.user.name,
          role,
          sessionId: session.id,
        }),
      );
    } catch (error) {
      this.#o.log.error('Échec de l’ouverture d’une connexion d’appel', error);
      reject(500, 'Erreur interne.');
    }
  }

  /** Ends the call of an appointment (cancelled): both people are disconnected. */
  closeAppointment(
    appointmentId: string,
    code: number = CALL_CLOSE.cancelled,
    reason = 'rendez-vous annulé',
  ): void {
    this.#ended.add(appointmentId);
    for (const p of [...(this.#rooms.get(appointmentId)?.values() ?? [])]) {
      this.#leave(p);
      p.ws.close(code, reason);
    }
  }

  /** Closes the calls opened with a session that was just ended (sign-out). */
  closeSession(sessionId: string): void {
    for (const room of this.#rooms.values())
      for (const p of [...room.values()])
        if (p.sessionId === sessionId) {
          this.#leave(p);
          p.ws.close(CALL_CLOSE.sessionEnded, 'session terminée');
        }
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#ping);
    const all = [...this.#rooms.values()].flatMap((room) => [...room.values()]);
    const closed = all.map(
      (p) =>
        new Promise<void>((resolve) => {
          if (p.ws.readyState === p.ws.CLOSED) return resolve();
          p.ws.once('close', () => resolve());
        }),
    );
    for (const p of all) {
      this.#leave(p);
      p.ws.close(CALL_CLOSE.goingAway, 'arrêt du serveur');
    }
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000))]);
    for (const p of all) p.ws.terminate();
    this.#wss.close();
  }

  #accept(
    ws: WebSocket,
    who_: Pick<Participant, 'appointmentId' | 'id' | 'name' | 'role' | 'sessionId'>,
  ): void {
    const { storage, clock } = this.#o;
    let room = this.#rooms.get(who_.appointmentId);
    if (!room) {
      room = new Map();
      this.#rooms.set(who_.appointmentId, room);
    }
    const previous = room.get(who_.id);
    if (previous) {
      // One connection per person: the newest wins, the other side sees them leave and come back.
      this.#leave(previous);
      previous.ws.close(CALL_CLOSE.replaced, 'appel ouvert ailleurs');
      room = this.#rooms.get(who_.appointmentId) ?? new Map<string, Participant>();
      this.#rooms.set(who_.appointmentId, room);
    }
    const now = clock.now();
    const p: Participant = {
      ...who_,
      ws,
      logId: this.#cleared
        .then(() => storage.appointments.callJoined(who_.appointmentId, who_.id, now))
        .catch((error: unknown) => {
          this.#o.log.error(`Appel ${who_.appointmentId} : arrivée non enregistrée`, error);
          return null;
        }),
      introduced: false,
      alive: true,
      left: false,
      windowStart: now,
      messages: 0,
    };
    room.set(p.id, p);
    // Introduced once the arrival is logged: whoever is told they are here finds it in the presence.
    void p.logId.then(() => this.#introduce(p));

    ws.on('message', (data: RawData, isBinary: boolean) => this.#onMessage(p, data, isBinary));
    ws.on('pong', () => {
      p.alive = true;
    });
    ws.on('error', (error: Error & { code?: string }) => {
      this.#o.log.warn(`Appel ${p.appointmentId} : connexion fermée (${error.code ?? error.message})`);
    });
    ws.on('close', () => this.#leave(p));
  }

  #onMessage(p: Participant, data: RawData, isBinary: boolean): void {
    if (p.left) return;
    if (isBinary) return p.ws.close(CALL_CLOSE.unsupported, 'messages JSON attendus');
    const now = Date.now();
    if (now - p.windowStart > RATE_WINDOW_MS) {
      p.windowStart = now;
      p.messages = 0;
    }
    if (++p.messages > MAX_MESSAGES_PER_WINDOW) return p.ws.close(CALL_CLOSE.policy, 'trop de messages');
    const raw = text(data);
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      return p.ws.close(CALL_CLOSE.invalidPayload, 'JSON invalide');
    }
    const type =
      message !== null && typeof message === 'object' && !Array.isArray(message)
        ? (message as Record<string, unknown>).type
        : undefined;
    if (typeof type !== 'string' || !RELAYED.has(type)) {
      this.#send(p, {
        type: 'error',
        error: 'Message non pris en charge : « offer », « answer » ou « candidate » attendu.',
      });
      return;
    }
    for (const other of this.#rooms.get(p.appointmentId)?.values() ?? [])
      if (other !== p && p.introduced && other.introduced && other.ws.readyState === other.ws.OPEN)
        other.ws.send(raw);
  }

  /** Tells a newcomer who is there, and them that it came. */
  #introduce(p: Participant): void {
    if (p.left) return;
    const room = this.#rooms.get(p.appointmentId);
    if (!room || room.get(p.id) !== p) return;
    const peers = [...room.values()].filter((other) => other !== p && other.introduced);
    p.introduced = true;
    this.#send(p, {
      type: 'ready',
      self: who(p),
      peers: peers.map(who),
      iceServers: this.#o.iceServers,
    });
    for (const peer of peers) this.#send(peer, { type: 'peer-joined', ...who(p) });
  }

  #leave(p: Participant): void {
    if (p.left) return;
    p.left = true;
    const { storage, clock, log } = this.#o;
    const at = clock.now();
    void p.logId
      .then((logId) => (logId === null ? undefined : storage.appointments.callLeft(logId, at)))
      .catch((error: unknown) => log.error(`Appel ${p.appointmentId} : départ non enregistré`, error));
    const room = this.#rooms.get(p.appointmentId);
    if (!room || room.get(p.id) !== p) return;
    room.delete(p.id);
    if (room.size === 0) this.#rooms.delete(p.appointmentId);
    if (!p.introduced) return;
    for (const other of room.values()) this.#send(other, { type: 'peer-left', id: p.id });
  }

  #send(p: Participant, message: object): void {
    if (p.ws.readyState === p.ws.OPEN) p.ws.send(JSON.stringify(message));
  }

  #keepAlive(): void {
    const now = Date.now();
    for (const room of [...this.#rooms.values()])
      for (const p of [...room.values()]) {
        if (!p.alive) {
          this.#leave(p);
          p.ws.terminate();
          continue;
        }
        // A signed-out or expired session ends the call at the next round.
        void this.#o.storage.sessions.find(p.sessionId, now).then(
          (session) => {
            if (session || p.left) return;
            this.#leave(p);
            p.ws.close(CALL_CLOSE.sessionEnded, 'session terminée');
          },
          (error: unknown) => this.#o.log.error('Vérification de session impossible', error),
        );
        p.alive = false;
        p.ws.ping();
      }
  }
}

/** `/call/{appointmentId}` in the OpenAPI document (it lives outside /api, like /sync). */
export const CALL_OPENAPI_PATH = {
  get: {
    tags: ['Rendez-vous'],
    summary: 'WebSocket de signalisation de la visio d’un rendez-vous (messages JSON)',
    description:
      'Connexion authentifiée par le cookie de session, pour le coach et la personne accompagnée d’un ' +
      'rendez-vous en visio non annulé. Le serveur envoie `ready` {self, peers, iceServers}, puis ' +
      '`peer-joined` / `peer-left` ; il relaie tels quels les messages `offer`, `answer` et `candidate` ' +
      '(64 Kio au plus) à l’autre personne. Refus à l’ouverture : 401 sans session, 403 origine refusée, ' +
      'rendez-vous annulé ou pas en visio, 404 rendez-vous introuvable. Fermetures : 1003 message binaire, ' +
      '1007 JSON invalide, 1008 trop de messages, 1009 message trop gros, 4401 session terminée, ' +
      '4409 appel rouvert ailleurs, 4410 rendez-vous annulé.',
    parameters: [{ name: 'appointmentId', in: 'path', required: true, schema: { type: 'string' } }],
    security: [{ session: [] }],
    responses: { '101': { description: 'Passage en WebSocket' } },
  },
};
