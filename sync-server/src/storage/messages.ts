import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, intOrNull, text } from './rows.ts';

/** The server's record of one message of a thread (MSG2): never its text, which stays in the document. */
export interface MessageRecord {
  id: string;
  accompanimentId: string;
  /** The authenticated user whose connection brought the message; null when unknown. */
  authorId: string | null;
  /** Device time declared by the message (never after `receivedAt`). */
  at: number;
  receivedAt: number;
}

/** A message waiting to be announced to `recipientId` by the next digest (MSG4). */
export interface Notification {
  recipientId: string;
  accompanimentId: string;
  messageId: string;
  messageAt: number;
  createdAt: number;
}

export interface PendingNotification extends Notification {
  id: number;
}

/** Messages, read marks and the notification queue of the message threads (MSG1–MSG6). */
export class Messages {
  readonly #insert: StatementSync;
  readonly #ids: StatementSync;
  readonly #unread: StatementSync;
  readonly #lastRead: StatementSync;
  readonly #markRead: StatementSync;
  readonly #enqueue: StatementSync;
  readonly #pending: StatementSync;
  readonly #deleteUpTo: StatementSync;
  readonly #lastSent: StatementSync;
  readonly #setSent: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT OR IGNORE INTO messages (id, accompaniment_id, author_id, at, received_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.#ids = db.prepare('SELECT id FROM messages WHERE accompaniment_id = ?');
    this.#unread = db.prepare(
      `SELECT count(*) AS n FROM messages
        WHERE accompaniment_id = ?1 AND (author_id IS NULL OR author_id <> ?2)
          AND at > coalesce((SELECT last_read_at FROM message_reads WHERE accompaniment_id = ?1 AND user_id = ?2), -1)`,
    );
    this.#lastRead = db.prepare(
      'SELECT last_read_at FROM message_reads WHERE accompaniment_id = ? AND user_id = ?',
    );
    this.#markRead = db.prepare(
      `INSERT INTO message_reads (accompaniment_id, user_id, last_read_at) VALUES (?, ?, ?)
       ON CONFLICT (accompaniment_id, user_id) DO UPDATE SET last_read_at = max(last_read_at, excluded.last_read_at)`,
    );
    this.#enqueue = db.prepare(
      `INSERT INTO notification_queue (recipient_id, accompaniment_id, message_id, message_at, created_at)
       VALUES (?, ?, ?, ?, ?)`,
    );
    this.#pending = db.prepare(
      `SELECT q.*, r.last_read_at FROM notification_queue q
         LEFT JOIN message_reads r ON r.accompaniment_id = q.accompaniment_id AND r.user_id = q.recipient_id
        ORDER BY q.recipient_id, q.id`,
    );
    this.#deleteUpTo = db.prepare('DELETE FROM notification_queue WHERE recipient_id = ? AND id <= ?');
    this.#lastSent = db.prepare('SELECT last_sent_at FROM digest_sends WHERE recipient_id = ?');
    this.#setSent = db.prepare(
      `INSERT INTO digest_sends (recipient_id, last_sent_at) VALUES (?, ?)
       ON CONFLICT (recipient_id) DO UPDATE SET last_sent_at = excluded.last_sent_at`,
    );
  }

  ids(accompanimentId: string): Set<string> {
    return new Set(this.#ids.all(accompanimentId).map((row) => text(row, 'id')));
  }

  /** Records messages not recorded yet and queues their notifications, in one go. */
  record(messages: MessageRecord[], notifications: Notification[]): void {
    for (const m of messages) this.#insert.run(m.id, m.accompanimentId, m.authorId, m.at, m.receivedAt);
    for (const n of notifications)
      this.#enqueue.run(n.recipientId, n.accompanimentId, n.messageId, n.messageAt, n.createdAt);
  }

  /** Messages of the others that `userId` has not read (MSG5). */
  unread(accompanimentId: string, userId: string): number {
    const row = this.#unread.get(accompanimentId, userId);
    return row ? int(row, 'n') : 0;
  }

  lastRead(accompanimentId: string, userId: string): number | null {
    const row = this.#lastRead.get(accompanimentId, userId);
    return row ? int(row, 'last_read_at') : null;
  }

  /** Moves the user's read mark forward to `at` (never back). */
  markRead(accompanimentId: string, userId: string, at: number): void {
    this.#markRead.run(accompanimentId, userId, at);
  }

  /** Every queued notification, grouped by recipient, with the recipient's read mark of that thread. */
  pending(): (PendingNotification & { lastReadAt: number | null })[] {
    return this.#pending.all().map((row) => ({
      id: int(row, 'id'),
      recipientId: text(row, 'recipient_id'),
      accompanimentId: text(row, 'accompaniment_id'),
      messageId: text(row, 'message_id'),
      messageAt: int(row, 'message_at'),
      createdAt: int(row, 'created_at'),
      lastReadAt: intOrNull(row, 'last_read_at'),
    }));
  }

  /** Removes the recipient's notifications up to `lastId` (sent, or no longer needed). */
  clear(recipientId: string, lastId: number): void {
    this.#deleteUpTo.run(recipientId, lastId);
  }

  lastDigest(recipientId: string): number | null {
    const row = this.#lastSent.get(recipientId);
    return row ? int(row, 'last_sent_at') : null;
  }

  digestSent(recipientId: string, at: number): void {
    this.#setSent.run(recipientId, at);
  }
}
