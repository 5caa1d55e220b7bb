import type { SurveyKind } from '../surveys/questionnaire.ts';
import { int, intOrNull, text, textOrNull, type Row } from './rows.ts';
import type { Sql } from './sql.ts';

/** One satisfaction questionnaire sent to the learner of an accompaniment (SURVEY2). */
export interface Survey {
  id: string;
  accompanimentId: string;
  accompanimentTitle: string;
  learnerId: string;
  kind: SurveyKind;
  /** The coach who sent it by hand; null when the job did. */
  createdBy: string | null;
  sentAt: number;
  dueAt: number;
  /** First e-mail sent; null until then (no SMTP, quiet hours). */
  mailedAt: number | null;
  /** Reminders sent (0–2). */
  reminders: number;
  answeredAt: number | null;
}

/** A survey with what its e-mail needs. */
export interface SurveyToMail extends Survey {
  learner: { name: string; email: string };
  coachName: string;
}

/** An accompaniment whose status says it ended (admin facts), still without a survey of some kind. */
export interface EndedAccompaniment {
  id: string;
  learnerId: string;
  status: string;
  /** ms, or null when the status carries no end time. */
  endedAt: number | null;
}

export interface SatisfactionFilter {
  organisationId: string;
  from: number | null;
  /** Exclusive. */
  to: number | null;
  coachId?: string;
  kind?: SurveyKind;
  funder?: string;
}

export interface SurveyResponseRow {
  sentAt: number;
  answeredAt: number | null;
  /** The stored answers (JSON object), null when unanswered. */
  answers: Record<string, unknown> | null;
}

const SELECT = `
  SELECT s.id, s.accompaniment_id, s.learner_id, s.kind, s.created_by, s.sent_at, s.due_at, s.mailed_at,
         s.reminders, s.answered_at, a.title AS accompaniment_title
  FROM surveys s JOIN accompaniments a ON a.id = s.accompaniment_id`;

const SELECT_TO_MAIL = `
  SELECT s.id, s.accompaniment_id, s.learner_id, s.kind, s.created_by, s.sent_at, s.due_at, s.mailed_at,
         s.reminders, s.answered_at, a.title AS accompaniment_title,
         l.name AS learner_name, l.email AS learner_email, c.name AS coach_name
  FROM surveys s
  JOIN accompaniments a ON a.id = s.accompaniment_id
  JOIN users l ON l.id = s.learner_id
  JOIN users c ON c.id = a.coach_id`;

function toSurvey(row: Row): Survey {
  return {
    id: text(row, 'id'),
    accompanimentId: text(row, 'accompaniment_id'),
    accompanimentTitle: text(row, 'accompaniment_title'),
    learnerId: text(row, 'learner_id'),
    kind: text(row, 'kind') === 'follow-up' ? 'follow-up' : 'end',
    createdBy: textOrNull(row, 'created_by'),
    sentAt: int(row, 'sent_at'),
    dueAt: int(row, 'due_at'),
    mailedAt: intOrNull(row, 'mailed_at'),
    reminders: int(row, 'reminders'),
    answeredAt: intOrNull(row, 'answered_at'),
  };
}

function toSurveyToMail(row: Row): SurveyToMail {
  return {
    ...toSurvey(row),
    learner: { name: text(row, 'learner_name'), email: text(row, 'learner_email') },
    coachName: text(row, 'coach_name'),
  };
}

function parseAnswers(value: string | null): Record<string, unknown> | null {
  if (value === null) return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Satisfaction surveys and their answers (SURVEY1–SURVEY7). */
export class Surveys {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  /** Creates the survey; false when the accompaniment already has one of that kind. */
  async create(input: {
    id: string;
    accompanimentId: string;
    learnerId: string;
    kind: SurveyKind;
    createdBy: string | null;
    sentAt: number;
    dueAt: number;
  }): Promise<boolean> {
    // One survey of each kind per accompaniment: a manual send and the job cannot both create one.
    const result = await this.#sql.run(
      `INSERT INTO surveys (id, accompaniment_id, learner_id, kind, created_by, sent_at, due_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
      input.id,
      input.accompanimentId,
      input.learnerId,
      input.kind,
      input.createdBy,
      input.sentAt,
      input.dueAt,
    );
    return result.changes === 1;
  }

  async find(id: string): Promise<Survey | null> {
    const row = await this.#sql.get(`${SELECT} WHERE s.id = ?`, id);
    return row ? toSurvey(row) : null;
  }

  async listForAccompaniment(accompanimentId: string): Promise<Survey[]> {
    const rows = await this.#sql.all(
      `${SELECT} WHERE s.accompaniment_id = ? ORDER BY s.sent_at, s.id`,
      accompanimentId,
    );
    return rows.map(toSurvey);
  }

  /** The learner's surveys still to answer at `now`. */
  async pendingFor(learnerId: string, now: number): Promise<Survey[]> {
    // Only while the learner is still the accompaniment's: a survey follows the person, not the row.
    const rows = await this.#sql.all(
      `${SELECT} WHERE s.learner_id = ?1 AND a.learner_id = ?1 AND s.answered_at IS NULL AND s.due_at > ?2
       ORDER BY s.sent_at, s.id`,
      learnerId,
      now,
    );
    return rows.map(toSurvey);
  }

  /** Open surveys never e-mailed yet. */
  async toMail(now: number): Promise<SurveyToMail[]> {
    const rows = await this.#sql.all(
      `${SELECT_TO_MAIL} WHERE s.mailed_at IS NULL AND s.answered_at IS NULL AND s.due_at > ?
       AND a.learner_id = s.learner_id ORDER BY s.sent_at, s.id`,
      now,
    );
    return rows.map(toSurveyToMail);
  }

  /** Open, e-mailed surveys whose next reminder (every `intervalMs` after the first e-mail) is due. */
  async toRemind(now: number, intervalMs: number, max: number): Promise<SurveyToMail[]> {
    // The cast keeps PostgreSQL from typing the interval after `reminders` (a 32-bit integer there).
    const rows = await this.#sql.all(
      `${SELECT_TO_MAIL} WHERE s.mailed_at IS NOT NULL AND s.answered_at IS NULL AND s.due_at > ?1
       AND a.learner_id = s.learner_id AND s.reminders < ?3
       AND s.mailed_at + CAST(?2 AS BIGINT) * (s.reminders + 1) <= ?1
       ORDER BY s.sent_at, s.id`,
      now,
      intervalMs,
      max,
    );
    return rows.map(toSurveyToMail);
  }

  async markMailed(id: string, now: number): Promise<void> {
    await this.#sql.run('UPDATE surveys SET mailed_at = ? WHERE id = ? AND mailed_at IS NULL', now, id);
  }

  async markReminded(id: string, reminders: number, now: number): Promise<void> {
    // Never lowers the count: a reminder is never sent twice.
    await this.#sql.run(
      `UPDATE surveys SET reminders = CASE WHEN reminders > ?1 THEN reminders ELSE ?1 END, last_reminder_at = ?2
        WHERE id = ?3`,
      reminders,
      now,
      id,
    );
  }

  /** Records the one answer of a survey; false when it was already answered (SURVEY5). */
  async answer(id: string, answers: Record<string, unknown>, version: number, now: number): Promise<boolean> {
    // The guarded update and the insert commit together: of two parallel answers exactly one lands.
    return this.#sql.transaction(() => this.#answer(id, answers, version, now));
  }

  async #answer(
    id: string,
    answers: Record<string, unknown>,
    version: number,
    now: number,
  ): Promise<boolean> {
    const marked = await this.#sql.run(
      'UPDATE surveys SET answered_at = ? WHERE id = ? AND answered_at IS NULL',
      now,
      id,
    );
    if (marked.changes !== 1) return false;
    await this.#sql.run(
      'INSERT INTO survey_answers (survey_id, questionnaire_version, answers, answered_at) VALUES (?, ?, ?, ?)',
      id,
      version,
      JSON.stringify(answers),
      now,
    );
    return true;
  }

  /**
   * Accompaniments completed or closed (admin facts, REPORT), with a learner, without a survey of `kind`,
   * which ended in `[after, before]` (an unknown end time counts as within).
   */
  async endedWithout(kind: SurveyKind, after: number, before: number): Promise<EndedAccompaniment[]> {
    const rows = await this.#sql.all(
      `SELECT a.id, a.learner_id, a.status, a.ended_at FROM accompaniments a
        WHERE a.status IN ('completed', 'closed') AND a.learner_id IS NOT NULL
          AND (a.ended_at IS NULL OR a.ended_at BETWEEN ?2 AND ?3)
          AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.accompaniment_id = a.id AND s.kind = ?1)`,
      kind,
      after,
      before,
    );
    return rows.map((row) => ({
      id: text(row, 'id'),
      learnerId: text(row, 'learner_id'),
      status: text(row, 'status'),
      endedAt: intOrNull(row, 'ended_at'),
    }));
  }

  /**
   * The surveys sent in the period to learners of the organisation's coaches, with their answers (SURVEY6).
   * Only what the aggregation needs: no learner, no accompaniment.
   */
  async responses(filter: SatisfactionFilter): Promise<SurveyResponseRow[]> {
    const where = ['a.coach_id IN (SELECT user_id FROM memberships WHERE organisation_id = ?)'];
    const params: (string | number)[] = [filter.organisationId];
    if (filter.from !== null) {
      where.push('s.sent_at >= ?');
      params.push(filter.from);
    }
    if (filter.to !== null) {
      where.push('s.sent_at < ?');
      params.push(filter.to);
    }
    if (filter.coachId !== undefined) {
      where.push('a.coach_id = ?');
      params.push(filter.coachId);
    }
    if (filter.kind !== undefined) {
      where.push('s.kind = ?');
      params.push(filter.kind);
    }
    if (filter.funder !== undefined) {
      where.push('a.funder = ?');
      params.push(filter.funder);
    }
    const rows = await this.#sql.all(
      `SELECT s.sent_at, s.answered_at, r.answers FROM surveys s
         JOIN accompaniments a ON a.id = s.accompaniment_id
         LEFT JOIN survey_answers r ON r.survey_id = s.id
        WHERE ${where.join(' AND ')}`,
      ...params,
    );
    return rows.map((row) => ({
      sentAt: int(row, 'sent_at'),
      answeredAt: intOrNull(row, 'answered_at'),
      answers: parseAnswers(textOrNull(row, 'answers')),
    }));
  }
}
