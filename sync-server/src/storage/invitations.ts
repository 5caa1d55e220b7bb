import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, intOrNull, text } from './rows.ts';

export interface Invitation {
  tokenHash: string;
  accompanimentId: string;
  email: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  revokedAt: number | null;
}

export class Invitations {
  readonly #insert: StatementSync;
  readonly #find: StatementSync;
  readonly #markUsed: StatementSync;
  readonly #revokePending: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO invitations (token_hash, accompaniment_id, email, created_by, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.#find = db.prepare('SELECT * FROM invitations WHERE token_hash = ?');
    this.#markUsed = db.prepare(
      'UPDATE invitations SET used_at = ?, used_by = ? WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL',
    );
    this.#revokePending = db.prepare(
      'UPDATE invitations SET revoked_at = ? WHERE accompaniment_id = ? AND used_at IS NULL AND revoked_at IS NULL',
    );
  }

  create(input: Omit<Invitation, 'usedAt' | 'revokedAt'>): void {
    this.#insert.run(
      input.tokenHash,
      input.accompanimentId,
      input.email,
      input.createdBy,
      input.createdAt,
      input.expiresAt,
    );
  }

  find(tokenHash: string): Invitation | null {
    const row = this.#find.get(tokenHash);
    if (!row) return null;
    return {
      tokenHash: text(row, 'token_hash'),
      accompanimentId: text(row, 'accompaniment_id'),
      email: text(row, 'email'),
      createdBy: text(row, 'created_by'),
      createdAt: int(row, 'created_at'),
      expiresAt: int(row, 'expires_at'),
      usedAt: intOrNull(row, 'used_at'),
      revokedAt: intOrNull(row, 'revoked_at'),
    };
  }

  /** Single use: false when the invitation was already used or revoked. */
  markUsed(tokenHash: string, userId: string, now = Date.now()): boolean {
    return Number(this.#markUsed.run(now, userId, tokenHash).changes) === 1;
  }

  /** A new invitation supersedes the pending ones of the same accompaniment. */
  revokePending(accompanimentId: string, now = Date.now()): void {
    this.#revokePending.run(now, accompanimentId);
  }
}
