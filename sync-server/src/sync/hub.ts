import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { docAccess } from '../auth/access.ts';
import { upgradeRejecter, upgradeSession } from '../auth/upgrade.ts';
import type { Logger } from '../log/logger.ts';
import type { Storage } from '../storage/storage.ts';
import { Connection } from './connection.ts';
import { GroupCommit } from './group-commit.ts';
import { CLOSE } from './protocol.ts';
import { Room, type RoomHooks } from './room.ts';
import type * as Y from 'yjs';

/**
 * Follows rooms as they load (the projections): `attach` is called once per loaded room, before any
 * change is applied to it, with a way to add writes to the group commit's transaction.
 */
export interface RoomWatcher {
  attach(room: Room, addWrite: (write: () => void) => void): RoomHooks | null;
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

export interface SyncOptions {
  storage: Storage;
  log: Logger;
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
  readonly #commit: GroupCommit;
  readonly #watcher: RoomWatcher | undefined;
  readonly #ping: NodeJS.Timeout;
  #closing = false;

  constructor(options: SyncOptions) {
    this.#storage = options.storage;
    this.#log = options.log;
    this.#publicUrl = options.publicUrl;
    this.#unloadDelayMs = options.unloadDelayMs ?? 30_000;
    this.#watcher = options.watcher;
    this.#wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrameBytes ?? 5 * 1024 * 1024,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.#commit = new GroupCommit({
      storage: options.storage,
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
    const reject = upgradeRejecter(socket);
    try {
      const gate = upgradeSession(req, reject, {
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
      const access = docAccess(this.#storage, session.user, docName);
      if (!access.ok) return reject(access.status, access.message);
      const room = this.#room(docName);
      this.#wss.handleUpgrade(req, socket, head, (ws) =>
        this.#accept(ws, socket, room, {
          userId: session.user.id,
          sessionId: session.id,
          sessionExpiresAt: session.expiresAt,
        }),
      );
    } catch (error) {
      this.#log.error('Échec de l’ouverture d’une connexion de synchronisation', error);
      reject(500, 'Erreur interne.');
    }
  }

  /**
   * Applies a change made by the server on a user's behalf (API) to the live document, loading its room
   * if needed: `fn` runs in one Yjs transaction whose origin is `origin`, so the change is stored before
   * it is relayed to every connected client (SYNC2) and the projections know who made it. The group
   * commit is flushed before returning: when this returns, the change is stored and sent. Throwing in
   * `fn` before changing anything leaves the document untouched.
   */
  change<T>(docName: string, origin: ServerOrigin, fn: (doc: Y.Doc) => T): T {
    if (this.#closing) throw new Error('Le serveur s’arrête.');
    const room = this.#room(docName);
    try {
      let result!: T;
      room.doc.transact(() => {
        result = fn(room.doc);
      }, origin);
      return result;
    } finally {
      this.#commit.flush();
    }
  }

  /** Closes the connections opened with a session that was just ended (sign-out). */
  closeSession(sessionId: string): void {
    for (const room of this.#rooms.values())
      for (const conn of [...room.conns])
        if (conn.info.sessionId === sessionId) conn.close(CLOSE.sessionEnded, 'session terminée');
  }

  /**
   * Closes the connections of one user to the named documents, whose access was just withdrawn (a
   * participant removed from a workshop, WS4); their reconnection is then refused by the upgrade checks.
   */
  closeUserConnections(userId: string, docNames: readonly string[]): void {
    for (const name of docNames) {
      const room = this.#rooms.get(name);
      if (!room) continue;
      for (const conn of [...room.conns])
        if (conn.info.userId === userId) conn.close(CLOSE.accessRevoked, 'accès retiré');
    }
  }

  /**
   * Closes every connection to a document and unloads its room without compacting it, once what is
   * pending is stored: the document is about to be destroyed (closing, CLOSE3). Reopening it is refused by
   * the upgrade checks from then on.
   */
  closeDocument(docName: string, reason: string): void {
    this.#commit.flush();
    const room = this.#rooms.get(docName);
    if (room) this.#dropRoom(room, CLOSE.documentClosed, reason);
  }

  /** Stops accepting, closes every connection, stores and compacts every room. */
  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#ping);
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
    this.#commit.flush();
    for (const room of [...this.#rooms.values()]) this.#unload(room);
    this.#wss.close();
    await this.#commit.close();
  }

  #room(docName: string): Room {
    let room = this.#rooms.get(docName);
    if (!room) {
      // node:sqlite reads synchronously: the whole log is applied before the room exists, hence before
      // any message of any client can be processed against it (SYNC1).
      room = new Room(docName, this.#storage, this.#commit, this.#log);
      this.#rooms.set(docName, room);
      if (this.#watcher) {
        try {
          room.hooks = this.#watcher.attach(room, (write) => this.#commit.addWrite(write));
        } catch (error) {
          this.#log.error(`Document ${docName} : projections indisponibles`, error);
        }
      }
      // Unloaded unless a connection joins (the handshake can still fail after this point).
      this.#scheduleUnload(room);
    }
    return room;
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
      onRoomFailure: (r) => {
        // The valid updates of this turn are committed first; the room is rebuilt from the log on the
        // next connection.
        this.#commit.flush();
        this.#dropRoom(r, CLOSE.internalError, 'document rechargé');
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
      if (room.conns.size === 0) this.#unload(room);
    }, this.#unloadDelayMs);
    room.unloadTimer.unref();
  }

  /** Stores what is pending, compacts the log to one row (PERSIST2) and frees the document (SYNC5). */
  #unload(room: Room): void {
    if (room.destroyed) return;
    this.#commit.flush();
    if (!room.destroyed && room.storedRows > 1) {
      try {
        room.compact();
      } catch (error) {
        this.#log.error(`Compaction du document ${room.name} impossible`, error);
      }
    }
    room.destroy();
    if (this.#rooms.get(room.name) === room) this.#rooms.delete(room.name);
  }

  /** Drops a room whose memory may differ from its log; its clients reconnect and resync from the log. */
  #dropRoom(room: Room, code: number, reason: string): void {
    if (room.destroyed) return;
    for (const conn of [...room.conns]) conn.close(code, reason);
    room.destroy();
    if (this.#rooms.get(room.name) === room) this.#rooms.delete(room.name);
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
          const session = this.#storage.sessions.find(conn.info.sessionId, now);
          if (!session) {
            conn.close(CLOSE.sessionEnded, 'session expirée');
            continue;
          }
          conn.info.sessionExpiresAt = session.expiresAt;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    }
  }
}
