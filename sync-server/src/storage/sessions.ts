import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, text } from './rows.ts';
import { toUser, type User } from './users.ts';

export interface SessionRecord {
  /** SHA-256 of the cookie token (hex); the token itself is never stored. */
  id: string;
  user: User;
  expiresAt: number;
}

export class Sessions {
  readonly #insert: StatementSync;
  readonly #get: StatementSync;
  readonly #delete: StatementSync;
  readonly #extend: StatementSync;
  readonly #purge: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
    );
    this.#get = db.prepare(
      `SELECT s.token_hash, s.expires_at, u.id AS u_id, u.email AS u_email, u.name AS u_name, u.role AS u_role,
              u.created_at AS u_created_at
       FROM sessions s JOIN users u ON u.id = s.user_id
       WHERE s.token_hash = ? AND s.expires_at > ?`,
    );
    this.#delete = db.prepare('DELETE FROM sessions WHERE token_hash = ?');
    this.#extend = db.prepare('UPDATE sessions SET expires_at = ? WHERE token_hash = ?');
    this.#purge = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
  }

  create(tokenHash: string, userId: string, expiresAt: number): void {
    this.#insert.run(tokenHash, userId, Date.now(), expiresAt);
  }

  find(tokenHash: string, now = Date.now()): SessionRecord | null {
    const row = this.#get.get(tokenHash, now);
    if (!row) return null;
    return { id: text(row, 'token_hash'), expiresAt: int(row, 'expires_at'), user: toUser(row, 'u_') };
  }

  extend(tokenHash: string, expiresAt: number): void {
    this.#extend.run(expiresAt, tokenHash);
  }

  delete(tokenHash: string): void {
    this.#delete.run(tokenHash);
  }

  purgeExpired(now = Date.now()): number {
    return Number(this.#purge.run(now).changes);
  }
}
