// The survey job (SURVEY2, SURVEY3): a periodic pass on the server clock (CLOCK1), like the message digest
// and the appointment reminders. It creates the end survey once an accompaniment is completed or closed and
// the follow-up one `followUpMonths` after it ended, then — only with SMTP — e-mails the learner and reminds
// them 7 and 14 days later while unanswered, never more, never during the quiet hours.
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import { inQuietHours } from '../mail/digest.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Storage } from '../storage/storage.ts';
import type { SurveyToMail } from '../storage/surveys.ts';
import { surveyMailText } from './mail.ts';
import type { SurveyKind } from './questionnaire.ts';

export const DAY_MS = 86_400_000;
export const DEFAULT_FOLLOW_UP_MONTHS = 6;
export const FOLLOW_UP_MONTHS_MAX = 36;
/** A survey can be answered for this long after it is sent. */
export const SURVEY_OPEN_DAYS = 30;
export const REMINDER_INTERVAL_DAYS = 7;
export const MAX_REMINDERS = 2;
/**
 * How late a survey may still be created: an accompaniment that ended (or whose follow-up fell due) longer
 * ago than this — before surveys existed, or while the server was down for weeks — gets none.
 */
export const CATCH_UP_DAYS = 60;

/** `ms` plus whole calendar months (UTC), the day kept or clamped to the month's last day. */
export function addMonths(ms: number, months: number): number {
  const d = new Date(ms);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.getTime();
}

export interface SurveyJobOptions {
  storage: Storage;
  /** Without it surveys are still created (the learner sees them in the app) but nothing is e-mailed. */
  mailer: Mailer | null;
  clock: Clock;
  log: Logger;
  /** Base of the links (`PUBLIC_URL`, else the server's address). */
  baseUrl: () => string;
  /** Delay of the follow-up survey after the end (`SURVEY_FOLLOWUP_MONTHS`, default 6). */
  followUpMonths?: number;
}

export interface SurveyPass {
  /** Surveys created by this pass. */
  created: number;
  /** First e-mails sent. */
  mailed: number;
  /** Reminders sent. */
  reminded: number;
}

/** The survey job. `run(now)` does what is due and says what it did. */
export class SurveyJob {
  readonly #o: SurveyJobOptions;
  readonly #months: number;
  #running: Promise<SurveyPass> | null = null;

  constructor(options: SurveyJobOptions) {
    this.#o = options;
    this.#months = options.followUpMonths ?? DEFAULT_FOLLOW_UP_MONTHS;
  }

  /** One pass at `now` (the server clock by default). Passes never overlap. */
  run(now: number = this.#o.clock.now()): Promise<SurveyPass> {
    this.#running ??= this.#pass(now).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #pass(now: number): Promise<SurveyPass> {
    const created = await this.#create(now);
    // Created at night, a survey is e-mailed at 08:00 (Paris); the app shows it at once.
    const { mailer } = this.#o;
    if (!mailer || inQuietHours(now)) return { created, mailed: 0, reminded: 0 };
    const mailed = await this.#mail(now, mailer);
    const reminded = await this.#remind(now, mailer);
    return { created, mailed, reminded };
  }

  async #create(now: number): Promise<number> {
    const { storage } = this.#o;
    const catchUp = CATCH_UP_DAYS * DAY_MS;
    let created = 0;
    const issue = async (accompanimentId: string, learnerId: string, kind: SurveyKind): Promise<void> => {
      const ok = await storage.surveys.create({
        id: globalThis.crypto.randomUUID(),
        accompanimentId,
        learnerId,
        kind,
        createdBy: null,
        sentAt: now,
        dueAt: now + SURVEY_OPEN_DAYS * DAY_MS,
      });
      if (ok) created++;
    };
    for (const acc of await storage.surveys.endedWithout('end', now - catchUp, now))
      await issue(acc.id, acc.learnerId, 'end');
    // Candidates ended between (now − months − catch-up − a few days) and (now − months + a few days):
    // calendar months vary in length, the exact due time is checked below.
    const approx = this.#months * 31 * DAY_MS;
    for (const acc of await storage.surveys.endedWithout('follow-up', now - approx - catchUp, now)) {
      if (acc.endedAt === null) continue;
      const due = addMonths(acc.endedAt, this.#months);
      if (due <= now && now - due <= catchUp) await issue(acc.id, acc.learnerId, 'follow-up');
    }
    return created;
  }

  #url(survey: SurveyToMail): string {
    return `${this.#o.baseUrl()}/accompagnements/${encodeURIComponent(survey.accompanimentId)}#votre-avis`;
  }

  async #mail(now: number, mailer: Mailer): Promise<number> {
    const { storage } = this.#o;
    let sent = 0;
    for (const survey of await storage.surveys.toMail(now)) {
      const ok = await mailer.send({
        to: survey.learner.email,
        ...surveyMailText(survey, this.#url(survey), 0),
      });
      // A failed send is tried again at the next pass.
      if (!ok) continue;
      await storage.surveys.markMailed(survey.id, now);
      sent++;
    }
    return sent;
  }

  async #remind(now: number, mailer: Mailer): Promise<number> {
    const { storage } = this.#o;
    const interval = REMINDER_INTERVAL_DAYS * DAY_MS;
    let sent = 0;
    for (const survey of await storage.surveys.toRemind(now, interval, MAX_REMINDERS)) {
      // After a long stop, the reminders whose time has passed count as sent: one e-mail, not two in a row.
      const due = Math.min(MAX_REMINDERS, Math.floor((now - (survey.mailedAt ?? now)) / interval));
      const ok = await mailer.send({
        to: survey.learner.email,
        ...surveyMailText(survey, this.#url(survey), due),
      });
      if (!ok) continue;
      await storage.surveys.markReminded(survey.id, due, now);
      sent++;
    }
    return sent;
  }
}
