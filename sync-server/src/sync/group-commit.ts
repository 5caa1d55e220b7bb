import type { Logger } from '../log/logger.ts';
import type { Storage } from '../storage/storage.ts';
import type { Connection } from './connection.ts';
import type { Room } from './room.ts';

interface Outgoing {
  room: Room;
  conn: Connection;
  data: Uint8Array;
}

/**
 * Stored before relayed, cheaply (SYNC2, PERSIST1). Everything the rooms want to write or send during one
 * turn of the event loop is collected here; at the end of the turn (`setImmediate`, after all the socket
 * reads of that turn) the updates are written in ONE SQLite transaction, and only once it has committed
 * are the queued messages sent, in order. Every outgoing message goes through here — relays, but also
 * sync answers and awareness — so no client can see a change before it is stored.
 */
export class GroupCommit {
  #rows: { room: Room; data: Uint8Array }[] = [];
  #writes: (() => void)[] = [];
  #outbox: Outgoing[] = [];
  readonly #awarenessRooms = new Set<Room>();
  #scheduled = false;
  readonly #storage: Storage;
  readonly #log: Logger;
  readonly #compactThreshold: number;
  readonly #onStorageFailure: (room: Room) => void;

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

  send(room: Room, conn: Connection, data: Uint8Array): void {
    this.#outbox.push({ room, conn, data });
    this.#schedule();
  }

  awarenessChanged(room: Room): void {
    this.#awarenessRooms.add(room);
    this.#schedule();
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  /** Commits the pending updates, then sends what waited for them. Safe to call at any time. */
  flush(): void {
    this.#scheduled = false;
    const rows = this.#rows;
    this.#rows = [];
    const writes = this.#writes;
    this.#writes = [];
    const touched = new Set<Room>();
    if (rows.length > 0 || writes.length > 0) {
      const now = Date.now();
      try {
        const ids = this.#storage.transaction(() => {
          const appended = rows.map((row) => this.#storage.docs.append(row.room.name, row.data, now));
          for (const write of writes) {
            try {
              write();
            } catch (error) {
              this.#log.error('Écriture des projections impossible', error);
            }
          }
          return appended;
        });
        rows.forEach((row, i) => {
          row.room.storedRows++;
          row.room.lastRowId = ids[i]!;
          touched.add(row.room);
        });
      } catch (error) {
        // Not stored, so not relayed: the rooms concerned are dropped and their clients resync later.
        this.#log.error('Écriture du journal des documents impossible', error);
        const failed = new Set(rows.map((row) => row.room));
        this.#outbox = this.#outbox.filter((out) => !failed.has(out.room));
        for (const room of failed) this.#onStorageFailure(room);
      }
    }
    for (const room of this.#awarenessRooms) {
      if (room.destroyed) continue;
      const message = room.takeAwarenessMessage();
      if (message) for (const conn of room.conns) this.#outbox.push({ room, conn, data: message });
    }
    this.#awarenessRooms.clear();
    const outbox = this.#outbox;
    this.#outbox = [];
    for (const out of outbox) out.conn.sendNow(out.data);
    for (const room of touched) {
      if (!room.destroyed && room.storedRows > this.#compactThreshold) {
        try {
          room.compact();
        } catch (error) {
          this.#log.error(`Compaction du document ${room.name} impossible`, error);
        }
      }
    }
  }
}
