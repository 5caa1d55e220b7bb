import { parseDocName, validateDoc } from '@compagnon/model';
import {
  Awareness,
  applyAwarenessUpdate,
  encodeAwarenessUpdate,
  removeAwarenessStates,
} from 'y-protocols/awareness';
import * as Y from 'yjs';
import type { Logger } from '../log/logger.ts';
import type { Storage } from '../storage/storage.ts';
import type { Bus } from './bus.ts';
import type { Connection } from './connection.ts';
import type { GroupCommit } from './group-commit.ts';
import { awarenessMessage, syncStep1Message, updateFrame } from './protocol.ts';

/**
 * The origin of a change that another instance stored and published (or that a resync from storage
 * brought): applied and relayed to this instance's clients, never stored again nor published back.
 */
export const REMOTE = Symbol('remote');

/** What a watcher of a room (the projections) is told; see `RoomWatcher` in hub.ts. */
export interface RoomHooks {
  /**
   * A change was applied; `origin` is the Connection or `ServerOrigin` that made it here, or `REMOTE`
   * for a change another instance made (and already recorded).
   */
  changed(origin: unknown): void;
  /** The room is being unloaded or dropped (its document is still readable). */
  detach(): void;
}

/**
 * Log rows applied per Yjs transaction when a room loads. Yjs merges adjacent structs only when a
 * transaction ends: one transaction over tens of thousands of rows (a log compaction never reached) keeps
 * every struct apart, and each split then searches and splices ever longer arrays. Batches keep them
 * merged; nothing observes the document while it loads, and the state is the same however rows are grouped.
 */
const LOAD_BATCH = 1000;

interface AwarenessChange {
  added: number[];
  updated: number[];
  removed: number[];
}

/**
 * One loaded document and the connections editing it. The document is rebuilt from the update log before
 * the room is handed out (SYNC1, `Room.load`); every change is handed to the group commit, which stores it
 * before relaying it (SYNC2). Changes of other instances arrive already stored (`applyRemote`).
 */
export class Room {
  readonly name: string;
  readonly doc: Y.Doc;
  readonly awareness: Awareness;
  readonly conns = new Set<Connection>();
  /** Rows of this document in the update log (compaction threshold, PERSIST2). */
  storedRows: number;
  /** Id of the last log row applied to `doc`: compaction replaces rows up to it, never beyond. */
  lastRowId: number;
  unloadTimer: NodeJS.Timeout | null = null;
  destroyed = false;
  /** Set by the hub right after loading, when a watcher follows this room. */
  hooks: RoomHooks | null = null;

  readonly #storage: Storage;
  readonly #commit: GroupCommit;
  readonly #bus: Bus;
  readonly #log: Logger;
  /** While a client's update is applied, its resulting updates wait here until the apply succeeded. */
  #capture: Uint8Array[] | null = null;
  /** Awareness client ids changed since the last flush; sent coalesced, once per tick (SYNC3). */
  readonly #awarenessDirty = new Set<number>();
  /** Which connection announced each awareness client id, to clean up after it leaves. */
  readonly #awarenessOwner = new Map<number, Connection>();

  private constructor(name: string, storage: Storage, commit: GroupCommit, bus: Bus, log: Logger) {
    this.name = name;
    this.#storage = storage;
    this.#commit = commit;
    this.#bus = bus;
    this.#log = log;
    // The name as guid: Yjs would otherwise draw a random UUID with one crypto call per hex digit
    // (~0.25 ms, a sizeable part of loading a small room). A root document's guid is never sent or
    // stored; only subdocuments, which the server does not use, rely on it.
    this.doc = new Y.Doc({ guid: name });
    this.storedRows = 0;
    this.lastRowId = 0;
    this.awareness = new Awareness(this.doc);
    this.awareness.setLocalState(null);
  }

  /**
   * Builds the room of `name` from its whole update log. On several instances the bus subscription is
   * active before the log is read, so an update stored elsewhere meanwhile is either in the log or
   * delivered after (applying it twice is harmless).
   */
  static async load(
    name: string,
    storage: Storage,
    commit: GroupCommit,
    bus: Bus,
    log: Logger,
  ): Promise<Room> {
    const room = new Room(name, storage, commit, bus, log);
    const { updates, lastId } = await storage.docs.loadWithIds(name);
    room.storedRows = updates.length;
    room.lastRowId = lastId;
    for (let start = 0; start < updates.length; start += LOAD_BATCH)
      room.#applyLog(updates.slice(start, start + LOAD_BATCH));
    room.doc.on('update', (update: Uint8Array, origin: unknown) => room.#onUpdate(update, origin));
    room.awareness.on('update', (change: AwarenessChange, origin: unknown) =>
      room.#onAwareness(change, origin),
    );
    return room;
  }

  #applyLog(updates: readonly Uint8Array[], origin: unknown = null): void {
    this.doc.transact(() => {
      for (const update of updates) {
        try {
          Y.applyUpdate(this.doc, update, origin);
        } catch (error) {
          // Rows are only ever written by Yjs itself; a failure here means the storage was damaged.
          this.#log.error(
            `Document ${this.name} : une ligne du journal est illisible et a été ignorée`,
            error,
          );
        }
      }
    }, origin);
  }

  /** An update another instance stored: applied, relayed here, not stored again. */
  applyRemote(update: Uint8Array): void {
    if (this.destroyed) return;
    this.#applyLog([update], REMOTE);
  }

  /** Presence from another instance's clients: relayed to this instance's clients. */
  applyRemoteAwareness(update: Uint8Array): void {
    if (this.destroyed) return;
    try {
      applyAwarenessUpdate(this.awareness, update, REMOTE);
    } catch (error) {
      this.#log.warn(`Document ${this.name} : présence d’une autre instance illisible (${String(error)})`);
    }
  }

  /** Reads the whole log again and applies what this room missed (the bus lost messages meanwhile). */
  async resync(): Promise<void> {
    const { updates } = await this.#storage.docs.loadWithIds(this.name);
    if (!this.destroyed) this.#applyLog(updates, REMOTE);
  }

  /** Greets a new connection: the server's state vector and the current awareness states. */
  join(conn: Connection): void {
    this.conns.add(conn);
    if (this.unloadTimer) {
      clearTimeout(this.unloadTimer);
      this.unloadTimer = null;
    }
    this.#commit.send(this, conn, syncStep1Message(Y.encodeStateVector(this.doc)));
    const states = this.awarenessStatesMessage();
    if (states) this.#commit.send(this, conn, states);
  }

  leave(conn: Connection): void {
    if (!this.conns.delete(conn)) return;
    const owned: number[] = [];
    for (const [clientId, owner] of this.#awarenessOwner) if (owner === conn) owned.push(clientId);
    if (owned.length > 0 && !this.destroyed) removeAwarenessStates(this.awareness, owned, null);
  }

  /**
   * Applies an update a client sent (already decoded once, so well-formed). Its effect is stored, then
   * relayed, by the group commit. Throws when Yjs fails to integrate it: the in-memory document may then
   * differ from the log, and the caller must drop the room.
   */
  applyClientUpdate(update: Uint8Array, origin: Connection): void {
    const captured: Uint8Array[] = [];
    this.#capture = captured;
    try {
      Y.applyUpdate(this.doc, update, origin);
    } finally {
      this.#capture = null;
    }
    for (const u of captured) this.#storeAndRelay(u, origin);
  }

  /** All awareness states, for a newcomer or a `queryAwareness` message; null when there are none. */
  awarenessStatesMessage(): Uint8Array | null {
    const states = this.awareness.getStates();
    if (states.size === 0) return null;
    return awarenessMessage(encodeAwarenessUpdate(this.awareness, [...states.keys()]));
  }

  /** The coalesced awareness changes since the last call, or null. */
  takeAwarenessMessage(): Uint8Array | null {
    const ids = [...this.#awarenessDirty].filter((id) => this.awareness.meta.has(id));
    this.#awarenessDirty.clear();
    return ids.length > 0 ? awarenessMessage(encodeAwarenessUpdate(this.awareness, ids)) : null;
  }

  /**
   * Replaces the document's rows by one row holding its state (PERSIST2). Alone on its storage, the room
   * has applied every row up to `lastRowId` (the group commit holds nothing for it when this runs), so its
   * state is the snapshot. When other instances write the same log, the rows are taken out and applied
   * first in the same transaction: a row stored elsewhere and not yet received is merged, never lost.
   */
  async compact(): Promise<void> {
    if (this.destroyed) return;
    const docs = this.#storage.docs;
    await this.#storage.transaction(async () => {
      if (this.#bus.shared) {
        const rows = await docs.takeUpTo(this.name);
        this.#applyLog(rows, REMOTE);
        this.lastRowId = await docs.append(this.name, Y.encodeStateAsUpdate(this.doc));
      } else {
        const snapshot = Y.encodeStateAsUpdate(this.doc);
        this.lastRowId = await docs.replaceUpTo(this.name, snapshot, this.lastRowId);
      }
      this.storedRows = await docs.count(this.name);
    });
    if (parseDocName(this.name)?.role === 'shared') {
      const issues = validateDoc(this.doc);
      if (issues.length > 0)
        this.#log.warn(
          `Document ${this.name} : ${issues.length} incohérence(s) de structure à la compaction`,
        );
    }
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
    try {
      this.hooks?.detach();
    } catch (error) {
      this.#log.error(`Document ${this.name} : échec de la mise à jour des projections`, error);
    }
    this.hooks = null;
    this.awareness.destroy();
    this.doc.destroy();
  }

  #onUpdate(update: Uint8Array, origin: unknown): void {
    if (this.#capture) this.#capture.push(update);
    else this.#storeAndRelay(update, origin);
  }

  #storeAndRelay(update: Uint8Array, origin: unknown): void {
    if (origin !== REMOTE) this.#commit.addRow(this, update);
    if (this.hooks) {
      try {
        this.hooks.changed(origin);
      } catch (error) {
        // Projections are derived state: a failure there never blocks the sync.
        this.#log.error(`Document ${this.name} : échec de la mise à jour des projections`, error);
      }
    }
    // One frame per update, whatever the number of recipients (the group commit writes it to each).
    const author = this.conns.has(origin as Connection) ? (origin as Connection) : null;
    if (this.conns.size > (author ? 1 : 0)) this.#commit.broadcast(this, author, updateFrame(update));
  }

  #onAwareness({ added, updated, removed }: AwarenessChange, origin: unknown): void {
    if (this.destroyed) return;
    const conn = origin !== null && typeof origin === 'object' && this.conns.has(origin as Connection);
    for (const id of added) {
      if (conn) this.#awarenessOwner.set(id, origin as Connection);
      this.#awarenessDirty.add(id);
    }
    for (const id of updated) {
      if (conn) this.#awarenessOwner.set(id, origin as Connection);
      this.#awarenessDirty.add(id);
    }
    for (const id of removed) {
      this.#awarenessOwner.delete(id);
      this.#awarenessDirty.add(id);
    }
    this.#commit.awarenessChanged(this);
    // Local presence (and its removal when a client leaves) goes to the other instances' clients too.
    if (origin !== REMOTE && this.#bus.shared) {
      const changed = [...added, ...updated, ...removed];
      this.#bus.publish({
        kind: 'awareness',
        doc: this.name,
        data: encodeAwarenessUpdate(this.awareness, changed),
      });
    }
  }
}
