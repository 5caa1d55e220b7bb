import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { docAccess } from '../auth/access.ts';
import { upgradeRejecter, upgradeSession } from '../auth/upgrade.ts';
import type { Logger } from '../log/logger.ts';
import type { Storage } from '../storage/storage.ts';
import { LocalBus, type Bus, type BusControl, type BusEvent } from './bus.ts';
import { Connection } from './connection.ts';
import { GroupCommit } from './group-commit.ts';
import { UpgradeBudget, resolveLimits, type SyncLimits } from './limits.ts';
import { CLOSE } from './protocol.ts';
import { REMOTE, Room, type RoomHooks } from './room.ts';
import type * as Y from 'yjs';

/**
 * Follows rooms as they load (the projections): `attach` is called once per loaded room, before any
 * change is applied to it, with a way to add writes to the group commit's transaction.
 */
export interface RoomWatcher {
  attach(room: Room, addWrite: (write: () => Promise<void>) => void): Promise<RoomHooks | null>;
}

/** The origin of a change the server makes on a user's behalf (API), as opposed to a `Connection`. */
export class ServerOrigin {
  readonly userId: string;
  constructor(userId: string) {
    this.userId = userId;
  }
}

/** The authenticated user behind a change's origin, or null for the server's own writes. */
export function originUserId(origin: unknown): string | null {
  if (origin instanceof ServerOrigin) return origin.userId;
  if (origin instanceof Connection) return origin.info.userId;
  return null;
}

export { REMOTE };

export interface SyncOptions {
  storage: Storage;
  log: Logger;
  /** The other instances (Redis); alone by default. */
  bus?: Bus;
  watcher?: RoomWatcher;
  publicUrl?: string;
  /** Largest accepted frame; bigger ones close the connection with 1009 (default 5 MiB). */
  maxFrameBytes?: number;
  /** How long a room stays loaded after its last connection left (default 30 s). */
  unloadDelayMs?: number;
  /** Compact a document's log past this many rows (default 500). */
  compactThreshold?: number;
  /** Keep-alive ping period (default 30 s). */
  pingIntervalMs?: number;
  /** Rate limits and the budget of failed or pending upgrades (SYNC8–SYNC11); defaults in limits.ts. */
  limits?: Partial<SyncLimits>;
  /** Behind a reverse proxy: the upgrade budget keys on its `X-Forwarded-For` entry (SYNC9). */
  trustProxy?: boolean;
}

export const SYNC_PATH_PREFIX = '/sync/';

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * The WebSocket side of the server: authenticates upgrades on /sync/:docName (AUTH8), keeps one room per
 * loaded document (SYNC1, SYNC5), and owns the group commit that stores before relaying (SYNC2).
 */
export class SyncHub {
  readonly #storage: Storage;
  readonly #log: Logger;
  readonly #publicUrl: string | undefined;
  readonly #unloadDelayMs: number;
  readonly #wss: WebSocketServer;
  readonly #rooms = new Map<string, Room>();
  /** Rooms being read from storage, and the other instances' updates that arrived meanwhile. */
  readonly #loading = new Map<string, { room: Promise<Room>; early: BusEvent[] }>();
  readonly #bus: Bus;
  readonly #unloading = new Set<Room>();
  readonly #commit: GroupCommit;
  readonly #watcher: RoomWatcher | undefined;
  readonly #ping: NodeJS.Timeout;
  readonly #limits: SyncLimits;
  readonly #upgrades: UpgradeBudget;
  #closing = false;

  constructor(options: SyncOptions) {
    this.#storage = options.storage;
    this.#log = options.log;
    this.#publicUrl = options.publicUrl;
    this.#unloadDelayMs = options.unloadDelayMs ?? 30_000;
    this.#watcher = options.watcher;
    this.#limits = resolveLimits(options.limits);
    this.#upgrades = new UpgradeBudget(this.#limits, options.trustProxy);
    this.#bus = options.bus ?? new LocalBus();
    this.#bus.onEvent((event) => this.#onBusEvent(event));
    this.#bus.onResync((docs) => void this.#resync(docs));
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes ?? 5 * 1024 * 1024,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.#commit = new GroupCommit({
      storage: options.storage,
      bus: this.#bus,
      log: options.log,
      compactThreshold: options.compactThreshold ?? 500,
      onStorageFailure: (room) => this.#dropRoom(room, CLOSE.internalError, 'stockage indisponible'),
    });
    this.#ping = setInterval(() => this.#keepAlive(), options.pingIntervalMs ?? 30_000);
    this.#ping.unref();
  }

  /** Loaded rooms (for tests and diagnostics). */
  get rooms(): ReadonlyMap<string, Room> {
    return this.#rooms;
  }

  /** The `upgrade` listener of the HTTP server. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    void this.#upgrade(req, socket, head);
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Before anything is looked up: an address past its budget gets 429 (SYNC9).
    const ticket = await this.#upgrades.admit(req, socket, upgradeRejecter(socket));
    if (!ticket) return;
    const reject = ticket.reject;
    try {
      const gate = await upgradeSession(req, reject, {
        closing: this.#closing,
        prefix: SYNC_PATH_PREFIX,
        storage: this.#storage,
        publicUrl: this.#publicUrl,
      });
      if (!gate) return;
      const { session } = gate;
      let docName: string;
      try {
        docName = decodeURIComponent(gate.rest);
      } catch {
        return reject(400, 'Nom de document invalide.');
      }
      const access = await docAccess(this.#storage, session.user, docName);
      if (!access.ok) return reject(access.status, access.message);
      if (this.#closing) return reject(503, 'Le serveur s’arrête.');
      const room = await this.#room(docName);
      // The client may have gone while the document loaded.
      if (socket.destroyed) return;
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        ticket.done();
        this.#accept(ws, socket, room, {
          userId: session.user.id,
          sessionId: session.id,
          sessionExpiresAt: session.expiresAt,
        });
      });
    } catch (error) {
      this.#log.error('Échec de l’ouverture d’une connexion de synchronisation', error);
      reject(500, 'Erreur interne.');
    }
  }

  /**
   * Applies a change made by the server on a user's behalf (API) to the live document, loading its room
   * if needed: `fn` runs in one Yjs transaction whose origin is `origin`, so the change is stored before
   * it is relayed to every connected client (SYNC2) and the projections know who made it. When the
   * returned promise resolves, the change is stored and sent. Throwing in `fn` before changing anything
   * leaves the document untouched.
   */
  async change<T>(docName: string, origin: ServerOrigin, fn: (doc: Y.Doc) => T): Promise<T> {
    if (this.#closing) throw new Error('Le serveur s’arrête.');
    const room = await this.#room(docName);
    try {
      let result!: T;
      room.doc.transact(() => {
        result = fn(room.doc);
      }, origin);
      return result;
    } finally {
      await this.#commit.flush();
    }
  }

  /** Closes the connections opened with a session that was just ended (sign-out), on every instance. */
  closeSession(sessionId: string): void {
    this.#control({ type: 'close-session', sessionId });
  }

  /**
   * Closes the connections of one user to the named documents, whose access was just withdrawn (a
   * participant removed from a workshop, WS4), on every instance; their reconnection is then refused by
   * the upgrade checks.
   */
  closeUserConnections(userId: string, docNames: readonly string[]): void {
    this.#control({ type: 'close-user', userId, docs: [...docNames] });
  }

  /**
   * Closes every connection to a document and unloads its room without compacting it, once what is
   * pending is stored, on every instance: the document is about to be destroyed (closing, CLOSE3).
   * Reopening it is refused by the upgrade checks from then on.
   */
  async closeDocument(docName: string, reason: string): Promise<void> {
    await this.#commit.flush();
    this.#control({ type: 'close-document', doc: docName, reason });
  }

  #control(control: BusControl): void {
    this.#applyControl(control);
    if (this.#bus.shared) this.#bus.publish({ kind: 'control', control });
  }

  #applyControl(control: BusControl): void {
    switch (control.type) {
      case 'close-session':
        for (const room of this.#rooms.values())
          for (const conn of [...room.conns])
            if (conn.info.sessionId === control.sessionId) conn.close(CLOSE.sessionEnded, 'session terminée');
        return;
      case 'close-user':
        for (const name of control.docs) {
          const room = this.#rooms.get(name);
          if (!room) continue;
          for (const conn of [...room.conns])
            if (conn.info.userId === control.userId) conn.close(CLOSE.accessRevoked, 'accès retiré');
        }
        return;
      case 'close-document': {
        const room = this.#rooms.get(control.doc);
        if (room) this.#dropRoom(room, CLOSE.documentClosed, control.reason);
        return;
      }
    }
  }

  #onBusEvent(event: BusEvent): void {
    if (event.kind === 'control') return this.#applyControl(event.control);
    const loading = this.#loading.get(event.doc);
    if (loading) {
      loading.early.push(event);
      return;
    }
    const room = this.#rooms.get(event.doc);
    if (!room) return;
    if (event.kind === 'update') room.applyRemote(event.data);
    else room.applyRemoteAwareness(event.data);
  }

  /**
   * After the bus lost messages: the rooms concerned (all by default) read their log again. Having lost
   * Redis for a while, this instance may also have missed revocations (SCALE4): every open connection is
   * checked again against its session and its access.
   */
  async #resync(docs?: readonly string[]): Promise<void> {
    const rooms = docs ? docs.flatMap((name) => this.#rooms.get(name) ?? []) : [...this.#rooms.values()];
    for (const room of rooms) {
      try {
        await room.resync();
      } catch (error) {
        this.#log.error(`Document ${room.name} : resynchronisation impossible`, error);
      }
    }
    if (!docs) await this.#recheckConnections();
  }

  async #recheckConnections(): Promise<void> {
    const now = Date.now();
    for (const room of [...this.#rooms.values()]) {
      for (const conn of [...room.conns]) {
        if (conn.closed) continue;
        try {
          const session = await this.#storage.sessions.find(conn.info.sessionId, now);
          if (!session) {
            conn.close(CLOSE.sessionEnded, 'session terminée');
            continue;
          }
          const access = await docAccess(this.#storage, session.user, room.name);
          if (!access.ok)
            conn.close(
              access.status === 410 ? CLOSE.documentClosed : CLOSE.accessRevoked,
              access.status === 410 ? 'document clôturé' : 'accès retiré',
            );
        } catch (error) {
          this.#log.error('Vérification des accès après reconnexion impossible', error);
        }
      }
    }
  }

  /** Stops accepting, closes every connection, stores and compacts every room. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#ping);
    await Promise.allSettled([...this.#loading.values()].map((l) => l.room));
    const conns = [...this.#rooms.values()].flatMap((room) => [...room.conns]);
    const closed = conns.map(
      (conn) =>
        new Promise<void>((resolve) => {
          if (conn.ws.readyState === conn.ws.CLOSED) return resolve();
          conn.ws.once('close', () => resolve());
        }),
    );
    for (const conn of conns) conn.close(CLOSE.goingAway, 'arrêt du serveur');
    await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 1000))]);
    for (const conn of conns) conn.ws.terminate();
    await this.#commit.flush();
    for (const room of [...this.#rooms.values()]) await this.#unload(room);
    this.#wss.close();
    await this.#commit.close();
  }

  /** The loaded room of a document, loading it (once, however many ask at the same time) if needed. */
  #room(docName: string): Promise<Room> {
    const loaded = this.#rooms.get(docName);
    if (loaded) return Promise.resolve(loaded);
    const loading = this.#loading.get(docName);
    if (loading) return loading.room;
    const entry = { room: this.#load(docName), early: [] as BusEvent[] };
    this.#loading.set(docName, entry);
    return entry.room;
  }

  async #load(docName: string): Promise<Room> {
    try {
      if (this.#bus.shared) await this.#bus.subscribe(docName);
      const room = await Room.load(docName, this.#storage, this.#commit, this.#bus, this.#log);
      if (this.#watcher) {
        try {
          room.hooks = await this.#watcher.attach(room, (write) => this.#commit.addWrite(write));
        } catch (error) {
          this.#log.error(`Document ${docName} : projections indisponibles`, error);
        }
      }
      const early = this.#loading.get(docName)?.early ?? [];
      this.#rooms.set(docName, room);
      for (const event of early)
        if (event.kind === 'update') room.applyRemote(event.data);
        else if (event.kind === 'awareness') room.applyRemoteAwareness(event.data);
      // Unloaded unless a connection joins (the handshake can still fail after this point).
      this.#scheduleUnload(room);
      return room;
    } catch (error) {
      if (this.#bus.shared) this.#bus.unsubscribe(docName);
      throw error;
    } finally {
      this.#loading.delete(docName);
    }
  }

  #accept(ws: WebSocket, socket: Duplex, room: Room, info: Connection['info']): void {
    if (room.destroyed) {
      // The room was dropped between the checks and the handshake (storage failure): try again.
      ws.close(CLOSE.internalError, 'réessayer');
      return;
    }
    const conn = new Connection({
      ws,
      socket,
      room,
      info,
      commit: this.#commit,
      log: this.#log,
      limits: this.#limits,
      onRoomFailure: (r) => {
        // The valid updates of this turn are committed first; the room is rebuilt from the log on the
        // next connection.
        void this.#commit.flush().then(() => this.#dropRoom(r, CLOSE.internalError, 'document rechargé'));
      },
    });
    ws.on('message', (data: RawData, isBinary: boolean) => conn.handleMessage(toBytes(data), isBinary));
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', (error: Error & { code?: string }) => {
      // ws reports protocol violations (oversize frame → 1009, bad opcode …) here and closes by itself.
      this.#log.warn(`Document ${room.name} : connexion fermée (${error.code ?? error.message})`);
    });
    ws.on('close', () => {
      conn.closed = true;
      room.leave(conn);
      if (room.conns.size === 0 && !room.destroyed && !this.#closing) this.#scheduleUnload(room);
    });
    room.join(conn);
  }

  #scheduleUnload(room: Room): void {
    if (room.unloadTimer) clearTimeout(room.unloadTimer);
    room.unloadTimer = setTimeout(() => {
      room.unloadTimer = null;
      if (room.conns.size === 0) void this.#unload(room);
    }, this.#unloadDelayMs);
    room.unloadTimer.unref();
  }

  /**
   * Stores what is pending, compacts the log to one row (PERSIST2) and frees the document (SYNC5). A
   * connection that joins while the pending writes are stored keeps the room loaded.
   */
  async #unload(room: Room): Promise<void> {
    if (room.destroyed || this.#unloading.has(room)) return;
    this.#unloading.add(room);
    try {
      await this.#commit.flush();
      if (room.destroyed || (room.conns.size > 0 && !this.#closing)) return;
      await this.#free(room);
    } finally {
      this.#unloading.delete(room);
    }
  }

  async #free(room: Room): Promise<void> {
    // Out of the map first: from here on a newcomer loads the document afresh from storage, where the
    // compaction below swaps rows for their snapshot in one transaction.
    if (this.#rooms.get(room.name) === room) this.#rooms.delete(room.name);
    if (this.#bus.shared && !this.#loading.has(room.name)) this.#bus.unsubscribe(room.name);
    if (room.storedRows > 1) {
      try {
        await room.compact();
      } catch (error) {
        this.#log.error(`Compaction du document ${room.name} impossible`, error);
      }
    }
    room.destroy();
  }

  /** Drops a room whose memory may differ from its log; its clients reconnect and resync from the log. */
  #dropRoom(room: Room, code: number, reason: string): void {
    if (room.destroyed) return;
    for (const conn of [...room.conns]) conn.close(code, reason);
    room.destroy();
    if (this.#rooms.get(room.name) === room) {
      this.#rooms.delete(room.name);
      if (this.#bus.shared && !this.#loading.has(room.name)) this.#bus.unsubscribe(room.name);
    }
  }

  #keepAlive(): void {
    const now = Date.now();
    for (const room of this.#rooms.values()) {
      for (const conn of [...room.conns]) {
        if (conn.closed) continue;
        if (!conn.alive) {
          conn.closed = true;
          conn.ws.terminate();
          continue;
        }
        if (conn.info.sessionExpiresAt <= now) {
          // The session may have been extended by an API call since: look again before closing.
          void this.#storage.sessions.find(conn.info.sessionId, now).then(
            (session) => {
              if (!session) conn.close(CLOSE.sessionEnded, 'session expirée');
              else conn.info.sessionExpiresAt = session.expiresAt;
            },
            (error: unknown) => this.#log.error('Vérification de session impossible', error),
          );
        }
        conn.alive = false;
        conn.ws.ping();
      }
    }
  }
}
