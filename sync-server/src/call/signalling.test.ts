import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, otherAccompaniment, until, type Agent, type Fixture } from '../test-support/http.ts';
import { bookOrThrow, clockFrom, openEveryDay, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { upgradeStatusAt } from '../test-support/sync-client.ts';

interface Message {
  type: string;
  [key: string]: unknown;
}

/** A signalling client as the web app's call page uses it: JSON messages over a real WebSocket. */
class CallClient {
  readonly ws: WebSocket;
  readonly received: { raw: string; message: Message }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: (() => void)[] = [];

  constructor(url: string, headers: Record<string, string>) {
    this.ws = new WebSocket(url, { headers });
    this.closed = new Promise((resolve) =>
      this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    this.ws.on('error', () => {});
    this.ws.on('message', (data: Buffer) => {
      const raw = data.toString('utf8');
      this.received.push({ raw, message: JSON.parse(raw) as Message });
      for (const wake of this.#waiters.splice(0)) wake();
    });
  }

  static async open(server: TestServer, appointmentId: string, agent: Agent): Promise<CallClient> {
    const client = new CallClient(callUrl(server, appointmentId), { cookie: agent.cookieHeader });
    await client.next('ready');
    return client;
  }

  /** The n-th message of that type (waits for it). */
  async next(type: string, nth = 1, timeoutMs = 3000): Promise<Message & { raw: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.filter((r) => r.message.type === type)[nth - 1];
      if (found) return { ...found.message, raw: found.raw };
      if (Date.now() > deadline) throw new Error(`no ${type} message (got ${JSON.stringify(this.received)})`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.ws.readyState !== WebSocket.CLOSED) this.ws.close();
    await this.closed;
  }
}

const callUrl = (server: TestServer, id: string) => `${server.url.replace(/^http/, 'ws')}/call/${id}`;

/** The HTTP status of the upgrade: 101 when accepted. */
const upgradeStatus = (server: TestServer, id: string, headers: Record<string, string>): Promise<number> =>
  upgradeStatusAt(callUrl(server, id), headers);

let server: TestServer;
let f: Fixture;
let otherLearner: Agent;
let video: string;
let onsite: string;
let cancelled: string;

beforeAll(async () => {
  server = await startTestServer({
    clock: clockFrom('2026-10-19T06:00:00Z'),
    clockControl: true,
    iceServers: [{ urls: 'stun:stun.exemple.fr:3478' }],
  });
  f = await fixture(server.url);
  await openEveryDay(f.coach);
  video = (await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-19', '10:00'))).id;
  onsite = (
    await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-19', '14:00'), { mode: 'onsite' })
  ).id;
  cancelled = (await bookOrThrow(f.learner, f.accompaniment.id, paris('2026-10-20', '10:00'))).id;
  await f.coach.post(`/api/appointments/${cancelled}/cancel`, { reason: 'Absence' });
  otherLearner = (await otherAccompaniment(server.url, f)).learner;
});
afterAll(() => server.dispose());

const calls = async () => {
  const list = await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/appointments`);
  return list.body.appointments.find((a: { id: string }) => a.id === video).calls as {
    userId: string;
    name: string;
    joinedAt: string;
    leftAt: string | null;
  }[];
};

describe('[SCHED10] video call signalling', () => {
  it('introduces the two people, relays offer, answer and candidates as they are, and logs who came and left', async () => {
    const coach = await CallClient.open(server, video, f.coach);
    const ready = await coach.next('ready');
    expect(ready).toMatchObject({
      self: { id: f.ids.coach, name: 'Coach A', role: 'coach' },
      peers: [],
      iceServers: [{ urls: 'stun:stun.exemple.fr:3478' }],
    });
    const learner = await CallClient.open(server, video, f.learner);
    expect(await learner.next('ready')).toMatchObject({
      self: { id: f.ids.learner, name: 'Léa Test', role: 'learner' },
      peers: [{ id: f.ids.coach, name: 'Coach A', role: 'coach' }],
    });
    expect(await coach.next('peer-joined')).toMatchObject({ id: f.ids.learner, name: 'Léa Test' });

    // The coach makes the offer once both are present; it arrives byte for byte.
    const offer = JSON.stringify({
      type: 'offer',
      sdp: 'v=0\r\no=- 4611 2 IN IP4 127.0.0.1\r\n',
      extra: { é: 1 },
    });
    coach.send(offer);
    expect((await learner.next('offer')).raw).toBe(offer);
    learner.send({ type: 'answer', sdp: 'v=0\r\n' });
    expect(await coach.next('answer')).toMatchObject({ sdp: 'v=0\r\n' });
    for (let i = 0; i < 5; i++)
      learner.send({ type: 'candidate', candidate: { candidate: `candidate:${i}`, sdpMid: '0' } });
    expect(await coach.next('candidate', 5)).toMatchObject({ candidate: { candidate: 'candidate:4' } });
    // Nothing is echoed back to the sender.
    expect(coach.received.filter((r) => r.message.type === 'offer')).toHaveLength(0);

    const logged = await calls();
    expect(logged.map((c) => [c.userId, c.leftAt])).toEqual([
      [f.ids.coach, null],
      [f.ids.learner, null],
    ]);
    expect(Date.parse(logged[0]!.joinedAt)).toBeGreaterThanOrEqual(Date.parse('2026-10-19T06:00:00Z'));

    await coach.close();
    expect(await learner.next('peer-left')).toMatchObject({ id: f.ids.coach });
    const after = await until(calls, (list) => list[0]!.leftAt !== null);
    expect(Date.parse(after[0]!.leftAt!)).toBeGreaterThanOrEqual(Date.parse(after[0]!.joinedAt));
    expect(after[1]!.leftAt).toBeNull();
    await learner.close();
    await until(calls, (list) => list.every((c) => c.leftAt !== null));
    expect(server.calls.present(video)).toEqual([]);
  });

  it('answers an unknown message type with an error, and closes on binary (1003), bad JSON (1007), > 64 KiB (1009)', async () => {
    const a = await CallClient.open(server, video, f.learner);
    a.send({ type: 'hello' });
    expect((await a.next('error')).error).toMatch(/offer/);
    a.ws.send(Buffer.from([1, 2, 3]));
    expect((await a.closed).code).toBe(1003);
    const b = await CallClient.open(server, video, f.learner);
    b.send('{pas du json');
    expect((await b.closed).code).toBe(1007);
    const c = await CallClient.open(server, video, f.learner);
    c.send({ type: 'offer', sdp: 'x'.repeat(70 * 1024) });
    expect((await c.closed).code).toBe(1009);
  });

  it('a second connection of the same person replaces the first (4409)', async () => {
    const first = await CallClient.open(server, video, f.learner);
    const second = await CallClient.open(server, video, f.learner);
    expect((await first.closed).code).toBe(4409);
    expect(server.calls.present(video)).toEqual([f.ids.learner]);
    await second.close();
  });

  it('is refused before the upgrade to outsiders (404), anonymous (401), bad origins (403), other appointments (403)', async () => {
    expect(await upgradeStatus(server, video, { cookie: f.otherCoach.cookieHeader })).toBe(404);
    expect(await upgradeStatus(server, video, { cookie: otherLearner.cookieHeader })).toBe(404);
    expect(await upgradeStatus(server, 'inconnu', { cookie: f.coach.cookieHeader })).toBe(404);
    expect(await upgradeStatus(server, 'a%2F..%2Fb', { cookie: f.coach.cookieHeader })).toBe(404);
    expect(await upgradeStatus(server, video, {})).toBe(401);
    expect(
      await upgradeStatus(server, video, { cookie: f.coach.cookieHeader, origin: 'https://evil.example' }),
    ).toBe(403);
    expect(await upgradeStatus(server, onsite, { cookie: f.coach.cookieHeader })).toBe(403);
    expect(await upgradeStatus(server, cancelled, { cookie: f.learner.cookieHeader })).toBe(403);
    expect(await upgradeStatus(server, video, { cookie: f.learner.cookieHeader, origin: server.url })).toBe(
      101,
    );
    const plain = await fetch(`${server.url}/call/${video}`);
    expect(plain.status).toBe(426);
  });

  it('cancelling the appointment ends the call (4410)', async () => {
    const coach = await CallClient.open(server, video, f.coach);
    const learner = await CallClient.open(server, video, f.learner);
    const reply = await f.learner.post(`/api/appointments/${video}/cancel`, {
      reason: 'Connexion impossible',
    });
    expect(reply.status).toBe(200);
    expect((await coach.closed).code).toBe(4410);
    expect((await learner.closed).code).toBe(4410);
    expect(await upgradeStatus(server, video, { cookie: f.coach.cookieHeader })).toBe(403);
  });
});
