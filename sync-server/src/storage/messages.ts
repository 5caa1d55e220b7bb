import { int, intOrNull, text } from './rows.ts';
import type { Sql } from './sql.ts';

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
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async ids(accompanimentId: string): Promise<Set<string>> {
    const rows = await this.#sql.all('SELECT id FROM messages WHERE accompaniment_id = ?', accompanimentId);
    return new Set(rows.map((row) => text(row, 'id')));
  }

  /** Records messages not recorded yet and queues their notifications, in one transaction. */
  async record(messages: MessageRecord[], notifications: Notification[]): Promise<void> {
    await this.#sql.transaction(async () => {
      for (const m of messages)
        await this.#sql.run(
          `INSERT INTO messages (id, accompaniment_id, author_id, at, received_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT DO NOTHING`,
          m.id,
          m.accompanimentId,
          m.authorId,
          m.at,
          m.receivedAt,
        );
      for (const n of notifications)
        await this.#sql.run(
          `INSERT INTO notification_queue (recipient_id, accompaniment_id, message_id, message_at, created_at)
           VALUES (?, ?, ?, ?, ?)`,
          n.recipientId,
          n.accompanimentId,
          n.messageId,
          n.messageAt,
          n.createdAt,
        );
    });
  }

  /** Messages of the others that `userId` has not read (MSG5). */
  async unread(accompanimentId: string, userId: string): Promise<number> {
    const row = await this.#sql.get(
      `SELECT count(*) AS n FROM messages
        WHERE accompaniment_id = ?1 AND (author_id IS NULL OR author_id <> ?2)
          AND at > coalesce((SELECT last_read_at FROM message_reads WHERE accompaniment_id = ?1 AND user_id = ?2), -1)`,
      accompanimentId,
      userId,
    );
    return row ? int(row, 'n') : 0;
  }

  async lastRead(accompanimentId: string, userId: string): Promise<number | null> {
    const row = await this.#sql.get(
      'SELECT last_read_at FROM message_reads WHERE accompaniment_id = ? AND user_id = ?',
      accompanimentId,
      userId,
    );
    return row ? int(row, 'last_read_at') : null;
  }

  /** Moves the user's read mark forward to `at` (never back). */
  async markRead(accompanimentId: string, userId: string, at: number): Promise<void> {
    // The stored mark is named by its table: PostgreSQL finds a bare column ambiguous next to `excluded`.
    await this.#sql.run(
      `INSERT INTO message_reads (accompaniment_id, user_id, last_read_at) VALUES (?, ?, ?)
       ON CONFLICT (accompaniment_id, user_id) DO UPDATE SET last_read_at =
         CASE WHEN message_reads.last_read_at > excluded.last_read_at THEN message_reads.last_read_at
              ELSE excluded.last_read_at END`,
      accompanimentId,
      userId,
      at,
    );
  }

  /** Every queued notification, grouped by recipient, with the recipient's read mark of that thread. */
  async pending(): Promise<(PendingNotification & { lastReadAt: number | null })[]> {
    const rows = await this.#sql.all(
      `SELECT q.*, r.last_read_at FROM notification_queue q
         LEFT JOIN message_reads r ON r.accompaniment_id = q.accompaniment_id AND r.user_id = q.recipient_id
        ORDER BY q.recipient_id, q.id`,
    );
    return rows.map((row) => ({
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
  async clear(recipientId: string, lastId: number): Promise<void> {
    await this.#sql.run(
      'DELETE FROM notification_queue WHERE recipient_id = ? AND id <= ?',
      recipientId,
      lastId,
    );
  }

  async lastDigest(recipientId: string): Promise<number | null> {
    const row = await this.#sql.get(
      'SELECT last_sent_at FROM digest_sends WHERE recipient_id = ?',
      recipientId,
    );
    return row ? int(row, 'last_sent_at') : null;
  }

  async digestSent(recipientId: string, at: number): Promise<void> {
    await this.#sql.run(
      `INSERT INTO digest_sends (recipient_id, last_sent_at) VALUES (?, ?)
       ON CONFLICT (recipient_id) DO UPDATE SET last_sent_at = excluded.last_sent_at`,
      recipientId,
      at,
    );
  }
}
