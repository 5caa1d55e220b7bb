import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { text } from './rows.ts';

/**
 * Private calendar feed addresses (SCHED9). The token is kept as is, not hashed: the person must be able to
 * copy their address again, and it only ever gives read access to their own agenda. Resetting replaces it.
 */
export class CalendarFeeds {
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #owner: StatementSync;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare('SELECT token FROM calendar_feeds WHERE user_id = ?');
    this.#put = db.prepare(
      `INSERT INTO calendar_feeds (user_id, token, created_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at`,
    );
    this.#owner = db.prepare('SELECT user_id FROM calendar_feeds WHERE token = ?');
  }

  token(userId: string): string | null {
    const row = this.#get.get(userId);
    return row ? text(row, 'token') : null;
  }

  /** Sets (or replaces) the user's token: an old address stops working at once. */
  set(userId: string, token: string, now: number): void {
    this.#put.run(userId, token, now);
  }

  owner(token: string): string | null {
    const row = this.#owner.get(token);
    return row ? text(row, 'user_id') : null;
  }
}
