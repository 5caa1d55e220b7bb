import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { int, intOrNull, text, type Row } from './rows.ts';

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

export interface SynthesisConsent {
  id: string;
  accompanimentId: string;
  /** The learner who gave it. */
  by: { id: string; name: string };
  recipientName: string;
  recipientEmail: string;
  purpose: string;
  /** Server time of the consent. */
  consentedAt: number;
  /** SHA-256 (hex) of the validated synthesis text the consent covers. */
  hash: string;
  revokedAt: number | null;
}

export interface NewSynthesisConsent {
  id: string;
  accompanimentId: string;
  learnerId: string;
  recipientName: string;
  recipientEmail: string;
  purpose: string;
  consentedAt: number;
  hash: string;
}

export interface SynthesisSend {
  consentId: string;
  by: { id: string; name: string };
  sentAt: number;
  recipientEmail: string;
  hash: string;
  /** The SMTP server accepted the e-mail. */
  delivered: boolean;
}

/**
 * The learner's consents to pass the synthesis to someone else (SYN6): append-only — a revocation sets
 * `revoked_at` once, nothing else ever changes (a trigger refuses it), rows are never deleted.
 */
export class SynthesisConsents {
  readonly #insert: StatementSync;
  readonly #list: StatementSync;
  readonly #find: StatementSync;
  readonly #revoke: StatementSync;
  readonly #insertSend: StatementSync;
  readonly #sends: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      `INSERT INTO synthesis_consents
         (id, accompaniment_id, learner_id, recipient_name, recipient_email, purpose, consented_at, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const select = `SELECT c.id, c.accompaniment_id, c.recipient_name, c.recipient_email, c.purpose,
                           c.consented_at, c.hash, c.revoked_at, u.id AS user_id, u.name AS user_name
                      FROM synthesis_consents c JOIN users u ON u.id = c.learner_id`;
    this.#list = db.prepare(`${select} WHERE c.accompaniment_id = ? ORDER BY c.consented_at, c.rowid`);
    this.#find = db.prepare(`${select} WHERE c.accompaniment_id = ? AND c.id = ?`);
    this.#revoke = db.prepare(
      `UPDATE synthesis_consents SET revoked_at = ? WHERE id = ? AND accompaniment_id = ? AND revoked_at IS NULL`,
    );
    this.#insertSend = db.prepare(
      `INSERT INTO synthesis_sends (consent_id, accompaniment_id, sent_by, sent_at, recipient_email, hash, delivered)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#sends = db.prepare(
      `SELECT s.consent_id, s.sent_at, s.recipient_email, s.hash, s.delivered, u.id AS user_id, u.name AS user_name
         FROM synthesis_sends s JOIN users u ON u.id = s.sent_by
        WHERE s.accompaniment_id = ? ORDER BY s.id`,
    );
  }

  add(consent: NewSynthesisConsent): void {
    this.#insert.run(
      consent.id,
      consent.accompanimentId,
      consent.learnerId,
      consent.recipientName,
      consent.recipientEmail,
      consent.purpose,
      consent.consentedAt,
      consent.hash,
    );
  }

  list(accompanimentId: string): SynthesisConsent[] {
    return this.#list.all(accompanimentId).map(consentOf);
  }

  find(accompanimentId: string, id: string): SynthesisConsent | null {
    const row = this.#find.get(accompanimentId, id);
    return row ? consentOf(row) : null;
  }

  /** Sets the revocation time once; answers false when it was already revoked (or is unknown). */
  revoke(accompanimentId: string, id: string, at: number): boolean {
    return Number(this.#revoke.run(at, id, accompanimentId).changes) > 0;
  }

  recordSend(accompanimentId: string, send: Omit<SynthesisSend, 'by'> & { byId: string }): void {
    this.#insertSend.run(
      send.consentId,
      accompanimentId,
      send.byId,
      send.sentAt,
      send.recipientEmail,
      send.hash,
      send.delivered ? 1 : 0,
    );
  }

  /** Every send of this accompaniment's synthesis, oldest first. */
  sends(accompanimentId: string): SynthesisSend[] {
    return this.#sends.all(accompanimentId).map((row) => ({
      consentId: text(row, 'consent_id'),
      by: { id: text(row, 'user_id'), name: text(row, 'user_name') },
      sentAt: int(row, 'sent_at'),
      recipientEmail: text(row, 'recipient_email'),
      hash: text(row, 'hash'),
      delivered: int(row, 'delivered') === 1,
    }));
  }
}

function consentOf(row: Row): SynthesisConsent {
  return {
    id: text(row, 'id'),
    accompanimentId: text(row, 'accompaniment_id'),
    by: { id: text(row, 'user_id'), name: text(row, 'user_name') },
    recipientName: text(row, 'recipient_name'),
    recipientEmail: text(row, 'recipient_email'),
    purpose: text(row, 'purpose'),
    consentedAt: int(row, 'consented_at'),
    hash: text(row, 'hash'),
    revokedAt: intOrNull(row, 'revoked_at'),
  };
}
