import { int, intOrNull, text, type Row } from './rows.ts';
import type { Dialect, Sql } from './sql.ts';

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
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Records one validation and answers its version. */
  async add(accompanimentId: string, userId: string, validatedAt: number, hash: string): Promise<number> {
    // One transaction: a validation recorded meanwhile by another request cannot shift this one's version.
    return this.#sql.transaction(async () => {
      await this.#sql.run(
        'INSERT INTO synthesis_validations (accompaniment_id, user_id, validated_at, hash) VALUES (?, ?, ?, ?)',
        accompanimentId,
        userId,
        validatedAt,
        hash,
      );
      const row = await this.#sql.get(
        'SELECT count(*) AS n FROM synthesis_validations WHERE accompaniment_id = ?',
        accompanimentId,
      );
      return int(row!, 'n');
    });
  }

  async list(accompanimentId: string): Promise<SynthesisValidation[]> {
    const rows = await this.#sql.all(
      `SELECT v.validated_at, v.hash, u.id AS user_id, u.name AS user_name
         FROM synthesis_validations v JOIN users u ON u.id = v.user_id
        WHERE v.accompaniment_id = ? ORDER BY v.id`,
      accompanimentId,
    );
    return rows.map((row, i) => ({
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

const SELECT_CONSENTS = `SELECT c.id, c.accompaniment_id, c.recipient_name, c.recipient_email, c.purpose,
                                c.consented_at, c.hash, c.revoked_at, u.id AS user_id, u.name AS user_name
                           FROM synthesis_consents c JOIN users u ON u.id = c.learner_id`;

// Consents given in the same millisecond keep their insertion order on SQLite (rowid); PostgreSQL has no
// such order on a table keyed by a text id, so they fall back to the id there.
const LIST_CONSENTS: Record<Dialect, string> = {
  sqlite: `${SELECT_CONSENTS} WHERE c.accompaniment_id = ? ORDER BY c.consented_at, c.rowid`,
  postgres: `${SELECT_CONSENTS} WHERE c.accompaniment_id = ? ORDER BY c.consented_at, c.id`,
};

/**
 * The learner's consents to pass the synthesis to someone else (SYN6): append-only — a revocation sets
 * `revoked_at` once, nothing else ever changes (a trigger refuses it), rows are never deleted.
 */
export class SynthesisConsents {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async add(consent: NewSynthesisConsent): Promise<void> {
    await this.#sql.run(
      `INSERT INTO synthesis_consents
         (id, accompaniment_id, learner_id, recipient_name, recipient_email, purpose, consented_at, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
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

  async list(accompanimentId: string): Promise<SynthesisConsent[]> {
    const rows = await this.#sql.all(LIST_CONSENTS[this.#sql.dialect], accompanimentId);
    return rows.map(consentOf);
  }

  async find(accompanimentId: string, id: string): Promise<SynthesisConsent | null> {
    const row = await this.#sql.get(
      `${SELECT_CONSENTS} WHERE c.accompaniment_id = ? AND c.id = ?`,
      accompanimentId,
      id,
    );
    return row ? consentOf(row) : null;
  }

  /** Sets the revocation time once; answers false when it was already revoked (or is unknown). */
  async revoke(accompanimentId: string, id: string, at: number): Promise<boolean> {
    const result = await this.#sql.run(
      'UPDATE synthesis_consents SET revoked_at = ? WHERE id = ? AND accompaniment_id = ? AND revoked_at IS NULL',
      at,
      id,
      accompanimentId,
    );
    return result.changes > 0;
  }

  async recordSend(
    accompanimentId: string,
    send: Omit<SynthesisSend, 'by'> & { byId: string },
  ): Promise<void> {
    await this.#sql.run(
      `INSERT INTO synthesis_sends (consent_id, accompaniment_id, sent_by, sent_at, recipient_email, hash, delivered)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
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
  async sends(accompanimentId: string): Promise<SynthesisSend[]> {
    const rows = await this.#sql.all(
      `SELECT s.consent_id, s.sent_at, s.recipient_email, s.hash, s.delivered, u.id AS user_id, u.name AS user_name
         FROM synthesis_sends s JOIN users u ON u.id = s.sent_by
        WHERE s.accompaniment_id = ? ORDER BY s.id`,
      accompanimentId,
    );
    return rows.map((row) => ({
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
