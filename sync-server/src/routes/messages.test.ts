import { postMessage, type Actor, type UserId } from '@compagnon/model';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inQuietHours } from '../mail/digest.ts';
import { fixture, until, type Fixture } from '../test-support/http.ts';
import { startMailCatcher, textPart } from '../test-support/smtp.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

const MINUTE = 60_000;
const parisClock = new Intl.DateTimeFormat('fr-FR', {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/Paris',
});

/** How long from `now` until the next time it is `hour`:00 in Paris. */
function untilParis(now: number, hour: number): number {
  const start = Math.ceil(now / MINUTE) * MINUTE;
  for (let t = start; t < start + 2 * 24 * 60 * MINUTE; t += MINUTE)
    if (parisClock.format(new Date(t)) === `${String(hour).padStart(2, '0')}:00`) return t - now;
  throw new Error(`no ${hour}:00 in Paris within two days`);
}

describe('message thread', () => {
  const mails: { to: string[]; raw: string }[] = [];
  let smtpPort: number;
  let server: TestServer;
  let f: Fixture;
  const clients: SyncClient[] = [];

  let closeSmtp: () => Promise<void>;
  beforeAll(async () => {
    ({ port: smtpPort, close: closeSmtp } = await startMailCatcher(mails));
  });
  afterAll(() => closeSmtp());

  async function setUp(): Promise<void> {
    server = await startTestServer({ smtpUrl: `smtp://127.0.0.1:${smtpPort}`, clockControl: true });
    f = await fixture(server.url);
    // Daytime in Paris, outside quiet hours.
    server.clockControl!.advance(untilParis(server.clock.now(), 10));
    mails.length = 0;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await server?.dispose();
  });

  const email = async (userId: string): Promise<string> =>
    (await server.storage.users.findById(userId))!.email;
  const actor = (role: 'coach' | 'learner'): Actor =>
    role === 'coach'
      ? { id: f.ids.coach as UserId, name: 'Coach A', role: 'coach' }
      : { id: f.ids.learner as UserId, name: 'Léa Test', role: 'learner' };
  async function send(role: 'coach' | 'learner', texts: string[]): Promise<void> {
    const agent = role === 'coach' ? f.coach : f.learner;
    const client = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, agent.cookieHeader);
    clients.push(client);
    const before = (await server.storage.messages.ids(f.accompaniment.id)).size;
    for (const text of texts) postMessage(client.doc, actor(role), text);
    await until(
      async () => (await server.storage.messages.ids(f.accompaniment.id)).size,
      (n) => n === before + texts.length,
    );
  }
  const queued = async (): Promise<number> => (await server.storage.messages.pending()).length;

  it('[MSG2][MSG3][MSG4] several messages make one digest e-mail to the other person, never to the author', async () => {
    await setUp();
    const t0 = server.clock.now();
    await send('learner', ['Bonjour', 'J’ai une question sur mon CV', 'Secret : mon salaire actuel']);
    // Recorded with the authenticated author and the server's receipt time.
    const rows = await server.storage.sql.all(
      'SELECT author_id, received_at FROM messages WHERE accompaniment_id = ?',
      f.accompaniment.id,
    );
    expect(rows.map((r) => r['author_id'])).toEqual([f.ids.learner, f.ids.learner, f.ids.learner]);
    // Server time (the controllable clock, hours ahead of the device's), not the device's.
    for (const r of rows) expect(Number(r['received_at'])).toBeGreaterThanOrEqual(t0);
    expect(await queued()).toBe(3);

    expect(await server.runDigest()).toBe(1);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual([await email(f.ids.coach)]);
    const text = textPart(mails[0]!.raw);
    expect(text).toContain('3 nouveaux messages dans « Bilan de compétences — Test »');
    expect(text).toContain(`${server.url}/accompagnements/${f.accompaniment.id}`);
    expect(text).not.toContain('salaire');
    const learnerEmail = await email(f.ids.learner);
    expect(mails.some((m) => m.to.includes(learnerEmail))).toBe(false);
    expect(await queued()).toBe(0);
    expect(await server.runDigest()).toBe(0);

    // Within the digest window, a new message waits for the next window.
    await send('learner', ['Encore une chose']);
    expect(await server.runDigest()).toBe(0);
    server.clockControl!.advance(61 * MINUTE);
    expect(await server.runDigest()).toBe(1);
    expect(textPart(mails[1]!.raw)).toContain('1 nouveau message dans « Bilan de compétences — Test »');

    // The coach's answer goes to the learner only.
    await send('coach', ['Voici ma réponse']);
    expect(await server.runDigest()).toBe(1);
    expect(mails[2]!.to).toEqual([await email(f.ids.learner)]);
  });

  it('[MSG4] nothing is sent during quiet hours; held until 08:00 (Europe/Paris)', async () => {
    await setUp();
    server.clockControl!.advance(untilParis(server.clock.now(), 21));
    expect(inQuietHours(server.clock.now())).toBe(true);
    await send('coach', ['Bonsoir', 'Pensez à la séance de demain']);
    expect(await server.runDigest()).toBe(0);
    server.clockControl!.advance(untilParis(server.clock.now(), 7) + 59 * MINUTE);
    expect(await server.runDigest()).toBe(0);
    expect(mails).toHaveLength(0);
    server.clockControl!.advance(MINUTE);
    expect(inQuietHours(server.clock.now())).toBe(false);
    expect(await server.runDigest()).toBe(1);
    expect(mails[0]!.to).toEqual([await email(f.ids.learner)]);
    expect(textPart(mails[0]!.raw)).toContain('2 nouveaux messages');
  });

  it('[MSG4][MSG5] a thread read before the digest sends nothing; unread counts follow the read mark', async () => {
    await setUp();
    await send('learner', ['Un', 'Deux']);
    const unread = `/api/accompaniments/${f.accompaniment.id}/messages/unread`;
    expect((await f.coach.get(unread)).body).toMatchObject({ unread: 2, lastReadAt: null });
    expect((await f.learner.get(unread)).body.unread).toBe(0);
    const read = await f.coach.post(`/api/accompaniments/${f.accompaniment.id}/messages/read`, {
      at: server.clock.now(),
    });
    expect(read.status).toBe(200);
    expect(read.body.unread).toBe(0);
    expect((await f.coach.get(unread)).body.unread).toBe(0);
    expect(await server.runDigest()).toBe(0);
    expect(mails).toHaveLength(0);
    expect(await queued()).toBe(0);
    // A read mark never goes back.
    await f.coach.post(`/api/accompaniments/${f.accompaniment.id}/messages/read`, { at: 0 });
    expect((await f.coach.get(unread)).body.unread).toBe(0);
  });

  it('[MSG6] only the coach and the learner of the accompaniment: 404 for others, 401 anonymous, 400 bad input', async () => {
    await setUp();
    const base = `/api/accompaniments/${f.accompaniment.id}/messages`;
    expect((await f.otherCoach.get(`${base}/unread`)).status).toBe(404);
    expect((await f.otherCoach.post(`${base}/read`, { at: 1 })).status).toBe(404);
    expect((await f.anonymous.get(`${base}/unread`)).status).toBe(401);
    expect((await f.anonymous.post(`${base}/read`, { at: 1 })).status).toBe(401);
    expect((await f.learner.post(`${base}/read`, { at: 'hier' })).status).toBe(400);
    expect((await f.learner.post(`${base}/read`, { at: 1 })).status).toBe(200);
    expect((await f.coach.get(`/api/accompaniments/inconnu/messages/unread`)).status).toBe(404);
  });
});

describe('message thread without SMTP', () => {
  it('[MSG3] records messages but queues no e-mail', async () => {
    const server = await startTestServer();
    try {
      const f = await fixture(server.url);
      const client = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
      postMessage(client.doc, { id: f.ids.learner as UserId, name: 'Léa', role: 'learner' }, 'Bonjour');
      await until(
        async () => (await server.storage.messages.ids(f.accompaniment.id)).size,
        (n) => n === 1,
      );
      expect(await server.storage.messages.pending()).toHaveLength(0);
      expect(await server.runDigest()).toBe(0);
      await client.close();
    } finally {
      await server.dispose();
    }
  });
});
