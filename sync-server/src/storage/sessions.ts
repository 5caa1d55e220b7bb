import { int, text } from './rows.ts';
import type { Sql } from './sql.ts';
import { toUser, type User } from './users.ts';

export interface SessionRecord {
  /** SHA-256 of the cookie token (hex); the token itself is never stored. */
  id: string;
  user: User;
  expiresAt: number;
}

export class Sessions {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async create(tokenHash: string, userId: string, expiresAt: number): Promise<void> {
    await this.#sql.run(
      'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
      tokenHash,
      userId,
      Date.now(),
      expiresAt,
    );
  }

  async find(tokenHash: string, now = Date.now()): Promise<SessionRecord | null> {
    const row = await this.#sql.get(
      `SELECT s.token_hash, s.expires_at, u.id AS u_id, u.email AS u_email, u.name AS u_name, u.role AS u_role,
              u.created_at AS u_created_at
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ? AND s.expires_at > ?`,
      tokenHash,
      now,
    );
    if (!row) return null;
    return { id: text(row, 'token_hash'), expiresAt: int(row, 'expires_at'), user: toUser(row, 'u_') };
  }

  async extend(tokenHash: string, expiresAt: number): Promise<void> {
    await this.#sql.run('UPDATE sessions SET expires_at = ? WHERE token_hash = ?', expiresAt, tokenHash);
  }

  async delete(tokenHash: string): Promise<void> {
    await this.#sql.run('DELETE FROM sessions WHERE token_hash = ?', tokenHash);
  }

  async purgeExpired(now = Date.now()): Promise<number> {
    return (await this.#sql.run('DELETE FROM sessions WHERE expires_at <= ?', now)).changes;
  }
}
