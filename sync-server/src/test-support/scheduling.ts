import type { Clock } from '../clock/clock.ts';
import { fromLocal } from '../scheduling/zoned.ts';
import type { Agent, Fixture } from './http.ts';
import type { TestServer } from './server.ts';

export const PARIS = 'Europe/Paris';
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A clock that starts at `iso` and runs with real time (move it further with `clockControl`). */
export function clockFrom(iso: string): Clock {
  const t0 = Date.now();
  const base = Date.parse(iso);
  return { now: () => base + (Date.now() - t0) };
}

/** The UTC ISO string of a Paris wall-clock time: `paris('2026-10-25', '09:00')`. */
export function paris(date: string, time: string): string {
  const [h, m] = time.split(':').map(Number);
  return new Date(fromLocal(date, h! * 60 + m!, PARIS)).toISOString();
}

/** Every day 09:00–12:00 and 14:00–18:00, Paris. */
export const OPEN_EVERY_DAY = {
  timeZone: PARIS,
  weekly: [1, 2, 3, 4, 5, 6, 7].flatMap((day) => [
    { day, start: '09:00', end: '12:00' },
    { day, start: '14:00', end: '18:00' },
  ]),
  exceptions: [],
};

export async function openEveryDay(coach: Agent, extra: Record<string, unknown> = {}): Promise<void> {
  const reply = await coach.put('/api/availability', { ...OPEN_EVERY_DAY, ...extra });
  if (reply.status !== 200) throw new Error(`availability ${reply.status}: ${reply.text}`);
}

/** Books and fails loudly, for tests whose subject is not the booking. */
export async function bookOrThrow(
  agent: Agent,
  accompanimentId: string,
  start: string,
  options: { durationMinutes?: number; mode?: 'video' | 'onsite' | 'phone' } = {},
): Promise<{ id: string; start: string; end: string; [key: string]: unknown }> {
  const reply = await agent.post('/api/appointments', {
    accompanimentId,
    start,
    durationMinutes: options.durationMinutes ?? 60,
    mode: options.mode ?? 'video',
  });
  if (reply.status !== 201) throw new Error(`book ${reply.status}: ${reply.text}`);
  return reply.body;
}

/** The fixture's session of `date` at 10:00 Paris, held by the coach three hours later and confirmed by the
 * learner (the server's clock must stand before it, under `clockControl`). */
export async function heldAndConfirmed(server: TestServer, f: Fixture, date: string): Promise<void> {
  await openEveryDay(f.coach);
  const appointment = await bookOrThrow(f.learner, f.accompaniment.id, paris(date, '10:00'));
  server.clockControl!.advance(3 * HOUR);
  const held = await f.coach.post(`/api/appointments/${appointment.id}/held`, {});
  if (held.status !== 201) throw new Error(`held ${held.status}: ${held.text}`);
  const confirmed = await f.learner.post(`/api/appointments/${appointment.id}/attendance`, {
    method: 'confirmed',
    deviceAt: `${date}T10:00:00Z`,
  });
  if (confirmed.status !== 201) throw new Error(`attendance ${confirmed.status}: ${confirmed.text}`);
}
