import { int, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

/** What the audit log records (AUDIT2); the codes are stable, the summaries are French. */
export const AUDIT_ACTIONS = [
  'auth.sign-in',
  'accompaniment.created',
  'invitation.sent',
  'invitation.accepted',
  'organisation.invitation-sent',
  'organisation.invitation-accepted',
  'appointment.booked',
  'appointment.moved',
  'appointment.cancelled',
  'appointment.held',
  'attendance.signed',
  'synthesis.validated',
  'synthesis.consent-given',
  'synthesis.consent-revoked',
  'synthesis.sent',
  'export.downloaded',
  'closing.requested',
  'closing.agreed',
  'closing.executed',
  'retention.purged',
  'rgpd.export',
  'rgpd.deletion-requested',
  'rgpd.deletion-cancelled',
  'rgpd.anonymised',
  'co-referent.added',
  'co-referent.removed',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditInput {
  at: number;
  actorId: string | null;
  action: AuditAction;
  targetType: string;
  targetId: string | null;
  /** A short administrative summary: never the content of a document, a note or a message. */
  summary: string;
  /** The accompaniment concerned: the organisation of its coach keeps the entry. */
  accompanimentId?: string | null;
  /** Otherwise this organisation; by default the actor's, or for a learner their coaches'. */
  organisationId?: string | null;
}

export interface AuditEntry {
  seq: number;
  organisationId: string | null;
  at: number;
  actor: { id: string; name: string } | null;
  action: string;
  targetType: string;
  targetId: string | null;
  summary: string;
}

export const SUMMARY_MAX = 300;

/**
 * The append-only audit log of each organisation (AUDIT1): triggers refuse UPDATE and DELETE, so an entry
 * once written stays as written. Entries name people by id only; their names are read at display time,
 * so anonymising an account (RGPD4) anonymises its entries without touching them.
 */
export class AuditLog {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** The organisations that keep an entry: the accompaniment's, the given one, or the actor's. */
  async #organisations(input: AuditInput): Promise<(string | null)[]> {
    if (input.organisationId !== undefined) return [input.organisationId];
    if (input.accompanimentId) {
      // A coach's organisation is their oldest membership, as `Organisations.membershipOf` picks it.
      const row = await this.#sql.get(
        `SELECT m.organisation_id AS org FROM accompaniments a JOIN memberships m ON m.user_id = a.coach_id
          WHERE a.id = ? ORDER BY m.created_at, m.organisation_id LIMIT 1`,
        input.accompanimentId,
      );
      const org = textOrNull(row ?? {}, 'org');
      if (org) return [org];
    }
    if (input.actorId) {
      const row = await this.#sql.get(
        'SELECT organisation_id AS org FROM memberships WHERE user_id = ? ORDER BY created_at, organisation_id LIMIT 1',
        input.actorId,
      );
      const own = textOrNull(row ?? {}, 'org');
      if (own) return [own];
      // A learner belongs to no organisation: each organisation accompanying them keeps the entry.
      const rows = await this.#sql.all(
        `SELECT DISTINCT (SELECT m.organisation_id FROM memberships m WHERE m.user_id = a.coach_id
                           ORDER BY m.created_at, m.organisation_id LIMIT 1) AS org
           FROM accompaniments a WHERE a.learner_id = ?`,
        input.actorId,
      );
      const orgs = rows.map((r) => textOrNull(r, 'org')).filter((org): org is string => org !== null);
      if (orgs.length > 0) return orgs;
    }
    return [null];
  }

  /** Appends the entry (one row per organisation concerned); returns the rows' numbers. */
  async record(input: AuditInput): Promise<number[]> {
    const summary = input.summary.replace(/\s+/g, ' ').trim().slice(0, SUMMARY_MAX);
    // One transaction (joining the caller's): every organisation concerned gets the entry, or none.
    return this.#sql.transaction(async () => {
      const seqs: number[] = [];
      for (const org of await this.#organisations(input)) {
        const row = await this.#sql.get(
          `INSERT INTO audit_log (organisation_id, at, actor_id, action, target_type, target_id, summary)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING seq`,
          org,
          input.at,
          input.actorId,
          input.action,
          input.targetType,
          input.targetId,
          summary,
        );
        seqs.push(int(row!, 'seq'));
      }
      return seqs;
    });
  }

  /** An organisation's entries in [from, to), newest first, optionally of one actor. */
  async list(
    organisationId: string,
    filter: { from: number; to: number; actorId?: string | null; limit?: number },
  ): Promise<AuditEntry[]> {
    const rows = await this.#sql.all(
      `SELECT l.seq, l.organisation_id, l.at, l.action, l.target_type, l.target_id, l.summary,
              u.id AS actor_id, u.name AS actor_name
         FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
        WHERE l.organisation_id = ?1 AND l.at >= ?2 AND l.at < ?3
          AND (CAST(?4 AS TEXT) IS NULL OR l.actor_id = ?4)
        ORDER BY l.seq DESC LIMIT ?5`,
      organisationId,
      filter.from,
      filter.to,
      filter.actorId ?? null,
      filter.limit ?? 1000,
    );
    return rows.map(toEntry);
  }
}

function toEntry(row: Row): AuditEntry {
  const actorId = textOrNull(row, 'actor_id');
  return {
    seq: int(row, 'seq'),
    organisationId: textOrNull(row, 'organisation_id'),
    at: int(row, 'at'),
    actor: actorId ? { id: actorId, name: text(row, 'actor_name') } : null,
    action: text(row, 'action'),
    targetType: text(row, 'target_type'),
    targetId: textOrNull(row, 'target_id'),
    summary: text(row, 'summary'),
  };
}
