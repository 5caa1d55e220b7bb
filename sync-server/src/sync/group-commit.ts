import type { Logger } from '../log/logger.ts';
import { Checkpointer } from '../storage/checkpointer.ts';
import { isTransactionConflict } from '../storage/sql.ts';
import type { Storage } from '../storage/storage.ts';
import type { Bus } from './bus.ts';
import type { Connection } from './connection.ts';
import { wsFrame } from './protocol.ts';
import type { Room } from './room.ts';

/** Longest a queued item waits for the end of the event-loop turn before a flush is forced. */
const MAX_TURN_MS = 5;
/** Least time between two compactions made by the group commit. */
const COMPACT_SPACING_MS = 10;

/** One queued frame: to one connection, or (`to` null) to every connection of the room but `except`. */
interface Outgoing {
  room: Room;
  to: Connection | null;
  except: Connection | null;
  frame: Buffer;
}

/**
 * Stored before relayed, cheaply (SYNC2, PERSIST1). Everything the rooms want to write or send during one
 * turn of the event loop is collected here; at the end of the turn (`setImmediate`, after all the socket
 * reads of that turn) the updates are written in ONE transaction, and only once it has committed are the
 * queued messages sent, in order, and the updates published to the other instances. Every outgoing
 * message goes through here — relays, but also sync answers and awareness — so no client can see a change
 * before it is stored. While one batch commits (PostgreSQL answers asynchronously), the next one gathers;
 * batches commit and send strictly one after the other.
 *
 * Cost per delivered update is what bounds the server, so the hot path allocates little: a relay is one
 * queued entry per update (not per recipient) holding the WebSocket frame built once, written as is to
 * every socket; a socket that gets several frames in one turn is corked so they leave in one write.
 */
export class GroupCommit {
  #rows: { room: Room; data: Uint8Array }[] = [];
  #writes: (() => Promise<void>)[] = [];
  #outbox: Outgoing[] = [];
  readonly #awarenessRooms = new Set<Room>();
  #scheduled = false;
  /** When the first of the pending items was queued (`performance.now()`). */
  #since = 0;
  /** Whether batches are being committed and sent (one after the other). */
  #draining = false;
  /** Batches started and finished, and who waits for which (`flush`). */
  #started = 0;
  #finished = 0;
  #waiters: { target: number; resolve: () => void }[] = [];
  /** Numbers the sends, so that a connection knows when it gets its second frame of a send. */
  #flushes = 0;
  readonly #corked: Connection[] = [];
  /** Rooms past the compaction threshold, waiting for their turn. */
  readonly #toCompact = new Set<Room>();
  #lastCompaction = -Infinity;
  #compactTimer: NodeJS.Timeout | null = null;
  readonly #storage: Storage;
  readonly #bus: Bus;
  readonly #log: Logger;
  readonly #compactThreshold: number;
  readonly #onStorageFailure: (room: Room) => void;
  readonly #checkpointer: Checkpointer | null;
  readonly #flushNow = (): void => void this.flush();

  constructor(options: {
    storage: Storage;
    bus: Bus;
    log: Logger;
    compactThreshold: number;
    onStorageFailure: (room: Room) => void;
  }) {
    this.#storage = options.storage;
    this.#bus = options.bus;
    this.#log = options.log;
    this.#compactThreshold = options.compactThreshold;
    this.#onStorageFailure = options.onStorageFailure;
    this.#checkpointer = options.storage.sqlite
      ? new Checkpointer(options.storage.sqlite, options.log)
      : null;
  }

  addRow(room: Room, data: Uint8Array): void {
    this.#rows.push({ room, data });
    this.#schedule();
  }

  /**
   * A write that belongs with this turn's updates (the projections' record of who brought them): run in
   * the same transaction, so it is stored if and only if the updates are. A write that throws is logged
   * and skipped; it never costs the updates.
   */
  addWrite(write: () => Promise<void>): void {
    this.#writes.push(write);
    this.#schedule();
  }

  /** Queues a y-websocket message for one connection. */
  send(room: Room, conn: Connection, message: Uint8Array): void {
    this.#outbox.push({ room, to: conn, except: null, frame: wsFrame(message) });
    this.#schedule();
  }

  /**
   * Queues a whole WebSocket frame for every connection of the room but `except` (the update's author);
   * the recipients are those in the room when the batch is sent.
   */
  broadcast(room: Room, except: Connection | null, frame: Buffer): void {
    this.#outbox.push({ room, to: null, except, frame });
    this.#schedule();
  }

  awarenessChanged(room: Room): void {
    this.#awarenessRooms.add(room);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#since = performance.now();
    setImmediate(this.#flushNow);
  }

  /**
   * Flushes now if what is pending has waited more than `MAX_TURN_MS`: a turn that reads a great many
   * sockets at once (a reconnect storm, a saturated server) would otherwise hold every answer until its
   * end. Called between two incoming messages, never inside a Yjs transaction.
   */
  flushIfLate(): void {
    if (this.#scheduled && performance.now() - this.#since > MAX_TURN_MS) void this.flush();
  }

  /**
   * Commits what is pending, then sends what waited for it. Resolves once everything queued before the
   * call is stored and sent (or dropped with its room, on a storage failure). Safe to call at any time.
   */
  flush(): Promise<void> {
    this.#scheduled = false;
    const target = this.#started + 1;
    const done = new Promise<void>((resolve) => this.#waiters.push({ target, resolve }));
    if (!this.#draining) {
      this.#draining = true;
      void this.#drain();
    }
    return done;
  }

  get #pending(): boolean {
    return (
      this.#rows.length > 0 ||
      this.#writes.length > 0 ||
      this.#outbox.length > 0 ||
      this.#awarenessRooms.size > 0 ||
      (this.#toCompact.size > 0 && this.#compactTimer === null)
    );
  }

  /**
   * Runs batches one after the other while there is something to do or someone waiting: what is queued
   * while a batch commits forms the next one. With SQLite a batch settles within the turn; with
   * PostgreSQL the next batch gathers during the commit's round trip.
   */
  async #drain(): Promise<void> {
    try {
      do {
        this.#scheduled = false;
        this.#started++;
        try {
          await this.#batch();
        } catch (error) {
          this.#log.error('Envoi d’un lot de synchronisation impossible', error);
        }
        this.#finished = this.#started;
        const waiters = this.#waiters;
        this.#waiters = [];
        for (const waiter of waiters)
          if (waiter.target <= this.#finished) waiter.resolve();
          else this.#waiters.push(waiter);
      } while (this.#pending || this.#waiters.length > 0);
    } finally {
      this.#draining = false;
    }
  }

  async #batch(): Promise<void> {
    const rows = this.#rows;
    const writes = this.#writes;
    let outbox = this.#outbox;
    this.#rows = [];
    this.#writes = [];
    this.#outbox = [];
    let touched: Set<Room> | null = null;
    if (rows.length > 0 || writes.length > 0) {
      const now = Date.now();
      const docs = this.#storage.docs;
      try {
        const ids = await this.#storage.transaction(async () => {
          const appended = await docs.appendMany(
            rows.map((row) => [row.room.name, row.data]),
            now,
          );
          // Each projection write under its savepoint: one that fails is undone alone and logged; the
          // updates are stored all the same. A conflict with another transaction reruns the whole batch.
          for (const write of writes) {
            try {
              await this.#storage.sql.savepoint(write);
            } catch (error) {
              if (isTransactionConflict(error)) throw error;
              this.#log.error('Écriture des projections impossible', error);
            }
          }
          return appended;
        });
        touched = new Set();
        for (let i = 0; i < rows.length; i++) {
          const row = rows[i]!;
          row.room.storedRows++;
          row.room.lastRowId = Math.max(row.room.lastRowId, ids[i]!);
          touched.add(row.room);
          if (this.#bus.shared) this.#bus.publish({ kind: 'update', doc: row.room.name, data: row.data });
        }
      } catch (error) {
        // Not stored, so not relayed: the rooms concerned are dropped and their clients resync later.
        this.#log.error('Écriture du journal des documents impossible', error);
        const failed = new Set(rows.map((row) => row.room));
        outbox = outbox.filter((out) => !failed.has(out.room));
        for (const room of failed) this.#onStorageFailure(room);
      }
    }
    if (this.#awarenessRooms.size > 0) {
      for (const room of this.#awarenessRooms) {
        if (room.destroyed) continue;
        const message = room.takeAwarenessMessage();
        if (message) outbox.push({ room, to: null, except: null, frame: wsFrame(message) });
      }
      this.#awarenessRooms.clear();
    }
    if (outbox.length > 0) this.#sendOutbox(outbox);
    if (touched) {
      for (const room of touched) if (room.storedRows > this.#compactThreshold) this.#toCompact.add(room);
      this.#checkpointer?.afterFlush();
    }
    if (this.#toCompact.size > 0) await this.#compactOne();
  }

  /**
   * Compacts one waiting room (PERSIST2), at most one every `COMPACT_SPACING_MS`: documents that grow at
   * the same pace pass the threshold together, and compacting them all at once would hold every relay for
   * as long (a burst that made the saturation p99).
   */
  async #compactOne(): Promise<void> {
    const wait = this.#lastCompaction + COMPACT_SPACING_MS - performance.now();
    if (wait > 0) {
      this.#compactTimer ??= setTimeout(() => {
        this.#compactTimer = null;
        void this.flush();
      }, wait);
      return;
    }
    const room = this.#toCompact.values().next().value!;
    this.#toCompact.delete(room);
    if (!room.destroyed && room.storedRows > this.#compactThreshold) {
      try {
        await room.compact();
      } catch (error) {
        this.#log.error(`Compaction du document ${room.name} impossible`, error);
      }
      this.#lastCompaction = performance.now();
    }
  }

  #sendOutbox(outbox: Outgoing[]): void {
    const flush = ++this.#flushes;
    const corked = this.#corked;
    try {
      for (const out of outbox) {
        if (out.to) {
          if (out.to.sendFrame(out.frame, flush)) corked.push(out.to);
          continue;
        }
        for (const conn of out.room.conns)
          if (conn !== out.except && conn.sendFrame(out.frame, flush)) corked.push(conn);
      }
    } finally {
      for (const conn of corked) conn.uncork();
      corked.length = 0;
    }
  }

  /** Stops the checkpoint worker and the compaction timer; call after the last flush. */
  async close(): Promise<void> {
    if (this.#compactTimer) clearTimeout(this.#compactTimer);
    this.#compactTimer = null;
    await this.#checkpointer?.close();
  }
}
