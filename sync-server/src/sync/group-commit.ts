import type { Logger } from '../log/logger.ts';
import { Checkpointer } from '../storage/checkpointer.ts';
import type { Storage } from '../storage/storage.ts';
import type { Connection } from './connection.ts';
import { wsFrame } from './protocol.ts';
import type { Room } from './room.ts';

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
 * reads of that turn) the updates are written in ONE SQLite transaction, and only once it has committed
 * are the queued messages sent, in order. Every outgoing message goes through here — relays, but also
 * sync answers and awareness — so no client can see a change before it is stored.
 *
 * Cost per delivered update is what bounds the server, so the hot path allocates little: a relay is one
 * queued entry per update (not per recipient) holding the WebSocket frame built once, written as is to
 * every socket; a socket that gets several frames in one turn is corked so they leave in one write.
 */
export class GroupCommit {
  #rows: { room: Room; data: Uint8Array }[] = [];
  #writes: (() => void)[] = [];
  #outbox: Outgoing[] = [];
  readonly #awarenessRooms = new Set<Room>();
  #scheduled = false;
  /** Numbers the flushes, so that a connection knows when it gets its second frame of a flush. */
  #flushes = 0;
  readonly #corked: Connection[] = [];
  readonly #storage: Storage;
  readonly #log: Logger;
  readonly #compactThreshold: number;
  readonly #onStorageFailure: (room: Room) => void;
  readonly #checkpointer: Checkpointer;
  readonly #flushNow = (): void => this.flush();

  constructor(options: {
    storage: Storage;
    log: Logger;
    compactThreshold: number;
    onStorageFailure: (room: Room) => void;
  }) {
    this.#storage = options.storage;
    this.#log = options.log;
    this.#compactThreshold = options.compactThreshold;
    this.#onStorageFailure = options.onStorageFailure;
    this.#checkpointer = new Checkpointer(options.storage.db, options.log);
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
  addWrite(write: () => void): void {
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
   * the recipients are those in the room when the turn ends.
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
    setImmediate(this.#flushNow);
  }

  /** Commits the pending updates, then sends what waited for them. Safe to call at any time. */
  flush(): void {
    this.#scheduled = false;
    const rows = this.#rows;
    const writes = this.#writes;
    let touched: Set<Room> | null = null;
    if (rows.length > 0 || writes.length > 0) {
      this.#rows = [];
      this.#writes = [];
      const now = Date.now();
      const docs = this.#storage.docs;
      try {
        const ids = this.#storage.transaction(() => {
          const appended = new Array<number>(rows.length);
          for (let i = 0; i < rows.length; i++)
            appended[i] = docs.append(rows[i]!.room.name, rows[i]!.data, now);
          for (const write of writes) {
            try {
              write();
            } catch (error) {
              this.#log.error('Écriture des projections impossible', error);
            }
          }
          return appended;
        });
        touched = new Set();
        for (let i = 0; i < rows.length; i++) {
          const room = rows[i]!.room;
          room.storedRows++;
          room.lastRowId = ids[i]!;
          touched.add(room);
        }
      } catch (error) {
        // Not stored, so not relayed: the rooms concerned are dropped and their clients resync later.
        this.#log.error('Écriture du journal des documents impossible', error);
        const failed = new Set(rows.map((row) => row.room));
        this.#outbox = this.#outbox.filter((out) => !failed.has(out.room));
        for (const room of failed) this.#onStorageFailure(room);
      }
    }
    if (this.#awarenessRooms.size > 0) {
      for (const room of this.#awarenessRooms) {
        if (room.destroyed) continue;
        const message = room.takeAwarenessMessage();
        if (message) this.#outbox.push({ room, to: null, except: null, frame: wsFrame(message) });
      }
      this.#awarenessRooms.clear();
    }
    if (this.#outbox.length > 0) this.#sendOutbox();
    if (touched) {
      for (const room of touched) {
        if (!room.destroyed && room.storedRows > this.#compactThreshold) {
          try {
            room.compact();
          } catch (error) {
            this.#log.error(`Compaction du document ${room.name} impossible`, error);
          }
        }
      }
      this.#checkpointer.afterFlush();
    }
  }

  #sendOutbox(): void {
    const outbox = this.#outbox;
    this.#outbox = [];
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

  /** Stops the checkpoint worker; call after the last flush. */
  close(): Promise<void> {
    return this.#checkpointer.close();
  }
}
