// Appointment reminders (SCHED11): a periodic job, like the message digest, e-mails the learner and the
// coach `reminderHours` before each booked appointment, once per person and per start time (a moved
// appointment is reminded again at its new time). Times are written in the coach's zone.
import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import { QUIET_FROM_HOUR, QUIET_UNTIL_HOUR } from '../mail/digest.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Appointment, AppointmentMode } from '../storage/appointments.ts';
import { DEFAULT_REMINDER_HOURS } from '../storage/availability.ts';
import type { Storage } from '../storage/storage.ts';
import { formatMinutes } from './hours.ts';
import { DEFAULT_TIME_ZONE, addDays, formatTime, fromLocal, toLocal } from './zoned.ts';

export const MODE_LABELS: Record<AppointmentMode, string> = {
  video: 'en visio',
  onsite: 'sur place',
  phone: 'par téléphone',
};

/** « jeudi 3 décembre 2026 à 10:00 (heure de Paris) », in the given zone. */
export function frenchDateTime(ms: number, timeZone: string): string {
  const day = new Intl.DateTimeFormat('fr-FR', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  }).format(new Date(ms));
  const zone = timeZone === DEFAULT_TIME_ZONE ? 'heure de Paris' : `heure locale, ${timeZone}`;
  return `${day} à ${formatTime(toLocal(ms, timeZone).minutes)} (${zone})`;
}

/**
 * The end of the quiet hours (20:00–08:00, as for the digest, MSG4) in `timeZone` when `now` falls in them,
 * else null.
 */
export function quietUntil(now: number, timeZone: string): number | null {
  const local = toLocal(now, timeZone);
  if (local.minutes >= QUIET_FROM_HOUR * 60)
    return fromLocal(addDays(local.date, 1), QUIET_UNTIL_HOUR * 60, timeZone);
  if (local.minutes < QUIET_UNTIL_HOUR * 60) return fromLocal(local.date, QUIET_UNTIL_HOUR * 60, timeZone);
  return null;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function reminderText(input: {
  appointment: Appointment;
  timeZone: string;
  recipient: { name: string; role: 'coach' | 'learner' };
  url: string;
}): { subject: string; text: string; html: string } {
  const { appointment: a, timeZone, recipient, url } = input;
  const when = frenchDateTime(a.start, timeZone);
  const withWhom = a.group
    ? recipient.role === 'learner'
      ? `avec ${a.coach.name} pour la séance collective « ${a.group.workshopTitle} »`
      : `pour la séance collective « ${a.group.workshopTitle} »`
    : recipient.role === 'learner'
      ? `avec ${a.coach.name}`
      : a.learner
        ? `avec ${a.learner.name}`
        : `pour « ${a.accompanimentTitle} »`;
  const place = a.group?.location ? ` (${a.group.location})` : '';
  const sentence = `Vous avez rendez-vous ${withWhom} le ${when}, pour ${formatMinutes(a.durationMinutes)}, ${MODE_LABELS[a.mode]}${place}.`;
  // A group session's video call takes place outside Compagnon, through the link the coach gave.
  const action =
    a.mode === 'video' && !a.group
      ? 'Le moment venu, rejoignez la visio depuis Compagnon :'
      : a.group
        ? 'La séance dans Compagnon :'
        : 'Le rendez-vous dans Compagnon :';
  const subject = `Rappel : rendez-vous le ${when}`;
  const text = [
    `Bonjour ${recipient.name},`,
    '',
    sentence,
    `Accompagnement : « ${a.accompanimentTitle} »`,
    '',
    action,
    url,
    '',
    'En cas d’empêchement, prévenez dès que possible pour convenir d’un autre créneau.',
    '',
    '— Compagnon',
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">
<p>Bonjour ${esc(recipient.name)},</p>
<p>${esc(sentence)}<br>Accompagnement : « ${esc(a.accompanimentTitle)} »</p>
<p>${esc(action)} <a href="${esc(url)}">${esc(url)}</a></p>
<p>En cas d’empêchement, prévenez dès que possible pour convenir d’un autre créneau.</p>
</body></html>`;
  return { subject, text, html };
}

export interface ReminderOptions {
  storage: Storage;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  /** Base of the links (`PUBLIC_URL`, else the server's address). */
  baseUrl: () => string;
}

/** The reminder job (SCHED11). `run(now)` sends what is due and answers how many e-mails went out. */
export class Reminders {
  readonly #o: ReminderOptions;
  #running: Promise<number> | null = null;

  constructor(options: ReminderOptions) {
    this.#o = options;
  }

  /** One pass at `now` (the server clock by default). Passes never overlap. */
  run(now: number = this.#o.clock.now()): Promise<number> {
    this.#running ??= this.#pass(now).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #pass(now: number): Promise<number> {
    const { storage, mailer } = this.#o;
    let sent = 0;
    const due = await storage.appointments.dueReminders(now, {
      reminderHours: DEFAULT_REMINDER_HOURS,
      timeZone: DEFAULT_TIME_ZONE,
    });
    for (const { appointment, timeZone, recipients } of due) {
      // Not at night, unless the appointment itself comes before the morning.
      const quiet = quietUntil(now, timeZone);
      if (quiet !== null && quiet < appointment.start) continue;
      const url = appointment.group
        ? `${this.#o.baseUrl()}/ateliers/${encodeURIComponent(appointment.group.workshopId)}`
        : `${this.#o.baseUrl()}/accompagnements/${encodeURIComponent(appointment.accompanimentId)}`;
      for (const recipient of recipients) {
        const ok = await mailer.send({
          to: recipient.email,
          ...reminderText({ appointment, timeZone, recipient, url }),
        });
        // A failed send is tried again at the next pass; a sent one is never sent again.
        if (!ok) continue;
        await storage.appointments.reminderSent(appointment.id, recipient.id, appointment.start, now);
        sent++;
      }
    }
    return sent;
  }
}
