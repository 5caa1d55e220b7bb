import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, text } from './rows.ts';

export interface SynthesisValidation {
  /** 1 for the first validation of this accompaniment's synthesis, then 2, 3… */
  version: number;
  validatedAt: number;
  by: { id: string; name: string };
  /** SHA-256 (hex) of the synthesis text validated. */
  hash: string;
}

/** The learner's validations of the document de synthèse: append-only (SYN3), oldest first. */
export class SynthesisValidations {
  readonly #insert: StatementSync;
  readonly #list: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO synthesis_validations (accompaniment_id, user_id, validated_at, hash) VALUES (?, ?, ?, ?)`,
    );
    this.#list = db.prepare(
      `SELECT v.validated_at, v.hash, u.id AS user_id, u.name AS user_name
         FROM synthesis_validations v JOIN users u ON u.id = v.user_id
        WHERE v.accompaniment_id = ? ORDER BY v.id`,
    );
  }

  /** Records one validation and answers its version. */
  add(accompanimentId: string, userId: string, validatedAt: number, hash: string): number {
    this.#insert.run(accompanimentId, userId, validatedAt, hash);
    return this.list(accompanimentId).length;
  }

  list(accompanimentId: string): SynthesisValidation[] {
    return this.#list.all(accompanimentId).map((row, i) => ({
      version: i + 1,
      validatedAt: int(row, 'validated_at'),
      by: { id: text(row, 'user_id'), name: text(row, 'user_name') },
      hash: text(row, 'hash'),
    }));
  }
}
