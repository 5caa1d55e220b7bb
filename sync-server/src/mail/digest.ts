import type { Clock } from '../clock/clock.ts';
import type { Logger } from '../log/logger.ts';
import type { Storage } from '../storage/storage.ts';
import type { Mailer } from './mailer.ts';

export const DEFAULT_DIGEST_INTERVAL_MINUTES = 60;
/** Quiet hours, Europe/Paris: from 20:00 to 08:00 nothing is sent (MSG4). */
export const QUIET_FROM_HOUR = 20;
export const QUIET_UNTIL_HOUR = 8;

const parisHour = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  hourCycle: 'h23',
  timeZone: 'Europe/Paris',
});

/** Whether `now` falls in the quiet hours (Europe/Paris). */
export function inQuietHours(now: number): boolean {
  const part = parisHour.formatToParts(new Date(now)).find((p) => p.type === 'hour');
  const hour = Number(part?.value ?? 0);
  return hour >= QUIET_FROM_HOUR || hour < QUIET_UNTIL_HOUR;
}

export interface DigestThread {
  title: string;
  count: number;
  url: string;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const line = (t: DigestThread): string =>
  t.count === 1
    ? `1 nouveau message dans « ${t.title} »`
    : `${t.count} nouveaux messages dans « ${t.title} »`;

/** The digest e-mail: how many new messages in which accompaniment, and a link — never their content. */
export function digestText(threads: DigestThread[]): { subject: string; text: string; html: string } {
  const total = threads.reduce((n, t) => n + t.count, 0);
  const subject =
    threads.length === 1 ? `${line(threads[0]!)} — Compagnon` : `${total} nouveaux messages sur Compagnon`;
  const text = [
    'Bonjour,',
    '',
    ...threads.flatMap((t) => [`${line(t)} :`, t.url, '']),
    'Connectez-vous à Compagnon pour les lire et y répondre.',
    '',
    '— Compagnon',
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><body style="font-family:sans-serif;line-height:1.5">
<p>Bonjour,</p>
${threads.map((t) => `<p><a href="${esc(t.url)}">${esc(line(t))}</a></p>`).join('\n')}
<p>Connectez-vous à Compagnon pour les lire et y répondre.</p>
</body></html>`;
  return { subject, text, html };
}

export interface DigestOptions {
  storage: Storage;
  mailer: Mailer;
  clock: Clock;
  log: Logger;
  /** Base of the links (`PUBLIC_URL`, else the server's address). */
  baseUrl: () => string;
  /** At most one e-mail per recipient per this window (default 60 minutes). */
  intervalMinutes?: number;
}

/**
 * The message digest (MSG4): groups the queued notifications of each recipient into one e-mail per digest
 * window, outside quiet hours; messages the recipient has read since are dropped.
 */
export class Digest {
  readonly #o: DigestOptions;
  readonly #intervalMs: number;
  #running: Promise<number> | null = null;

  constructor(options: DigestOptions) {
    this.#o = options;
    this.#intervalMs = (options.intervalMinutes ?? DEFAULT_DIGEST_INTERVAL_MINUTES) * 60_000;
  }

  /** Runs one pass at `now` and answers how many e-mails were sent. Passes never overlap. */
  run(now: number = this.#o.clock.now()): Promise<number> {
    this.#running ??= this.#pass(now).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #pass(now: number): Promise<number> {
    if (inQuietHours(now)) return 0;
    const { storage, mailer } = this.#o;
    const byRecipient = new Map<string, Awaited<ReturnType<Storage['messages']['pending']>>>();
    for (const n of await storage.messages.pending()) {
      const list = byRecipient.get(n.recipientId) ?? [];
      list.push(n);
      byRecipient.set(n.recipientId, list);
    }
    let sent = 0;
    for (const [recipientId, all] of byRecipient) {
      const lastId = Math.max(...all.map((n) => n.id));
      // Read since: those messages need no e-mail any more.
      const unread = all.filter((n) => n.lastReadAt === null || n.messageAt > n.lastReadAt);
      if (unread.length === 0) {
        await storage.messages.clear(recipientId, lastId);
        continue;
      }
      const last = await storage.messages.lastDigest(recipientId);
      if (last !== null && now - last < this.#intervalMs) continue;
      const user = await storage.users.findById(recipientId);
      if (!user) {
        await storage.messages.clear(recipientId, lastId);
        continue;
      }
      const threads: DigestThread[] = [];
      const counts = new Map<string, number>();
      for (const n of unread) counts.set(n.accompanimentId, (counts.get(n.accompanimentId) ?? 0) + 1);
      for (const [accompanimentId, count] of counts) {
        const acc = await storage.accompaniments.find(accompanimentId);
        if (!acc) continue;
        threads.push({
          title: acc.title,
          count,
          url: `${this.#o.baseUrl()}/accompagnements/${encodeURIComponent(accompanimentId)}`,
        });
      }
      if (threads.length === 0) {
        await storage.messages.clear(recipientId, lastId);
        continue;
      }
      const ok = await mailer.send({ to: user.email, ...digestText(threads) });
      if (!ok) continue;
      await storage.transaction(async () => {
        await storage.messages.clear(recipientId, lastId);
        await storage.messages.digestSent(recipientId, now);
      });
      sent++;
    }
    return sent;
  }
}
