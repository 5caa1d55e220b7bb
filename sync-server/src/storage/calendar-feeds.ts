import { text } from './rows.ts';
import type { Sql } from './sql.ts';

/**
 * Private calendar feed addresses (SCHED9). The token is kept as is, not hashed: the person must be able to
 * copy their address again, and it only ever gives read access to their own agenda. Resetting replaces it.
 */
export class CalendarFeeds {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async token(userId: string): Promise<string | null> {
    const row = await this.#sql.get('SELECT token FROM calendar_feeds WHERE user_id = ?', userId);
    return row ? text(row, 'token') : null;
  }

  /** Sets (or replaces) the user's token: an old address stops working at once. */
  async set(userId: string, token: string, now: number): Promise<void> {
    await this.#sql.run(
      `INSERT INTO calendar_feeds (user_id, token, created_at) VALUES (?, ?, ?)
       ON CONFLICT (user_id) DO UPDATE SET token = excluded.token, created_at = excluded.created_at`,
      userId,
      token,
      now,
    );
  }

  async owner(token: string): Promise<string | null> {
    const row = await this.#sql.get('SELECT user_id FROM calendar_feeds WHERE token = ?', token);
    return row ? text(row, 'user_id') : null;
  }
}
