import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { appendNoteParagraph, notesText, sharedNotes } from '@compagnon/model';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { upgradeRejecter } from '../auth/upgrade.ts';
import { Agent, uniqueEmail } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient, rawSocket, wsUrl, type Closed } from '../test-support/sync-client.ts';
import { DEFAULT_LIMITS, UpgradeBudget, resolveLimits, type UpgradeTicket } from './limits.ts';
import {
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  awarenessMessage,
  syncStep1Message,
  updateMessage,
} from './protocol.ts';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One coach and as many accompaniments as asked: every test works on documents of its own. */
async function coachWithDocs(url: string, count: number): Promise<{ cookie: string; docs: string[] }> {
  const coach = new Agent(url);
  await coach.signUp(uniqueEmail('coach-limites'), 'motdepasse-limites', 'Coach Limites');
  const docs: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await coach.post('/api/accompaniments', {
      title: `Limites ${i}`,
      kind: 'autre',
      hoursBudget: 2,
    });
    docs.push(created.body.sharedDoc);
  }
  return { cookie: coach.cookieHeader, docs };
}

/** The updates a fresh writer makes: its paragraph first, then one per typed `chunk`. */
function writerUpdates(count: number, chunk = 'abc'): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const paragraph = new Y.XmlElement('paragraph');
  const text = new Y.XmlText();
  paragraph.insert(0, [text]);
  sharedNotes(doc).insert(0, [paragraph]);
  while (updates.length < count) text.insert(text.length, chunk);
  return updates;
}

function awarenessFrame(clientId: number, clock: number, state: unknown): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 1);
  encoding.writeVarUint(encoder, clientId);
  encoding.writeVarUint(encoder, clock);
  encoding.writeVarString(encoder, JSON.stringify(state));
  return awarenessMessage(encoding.toUint8Array(encoder));
}

const isAwareness = (frame: Uint8Array): boolean => frame[0] === MESSAGE_AWARENESS;

/** Nothing happened within `ms`: resolves null; else the close. */
const closedWithin = (closed: Promise<Closed>, ms: number): Promise<Closed | null> =>
  Promise.race([closed, sleep(ms).then(() => null)]);

describe('limits of one connection (small limits)', () => {
  let server: TestServer;
  let cookie: string;
  let docs: string[];
  let next = 0;
  const clients: SyncClient[] = [];
  const doc = (): string => docs[next++]!;
  const connect = async (name: string): Promise<SyncClient> => {
    const client = await SyncClient.connect(server.url, name, cookie);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer({
      sync: {
        maxFrameBytes: 64 * 1024,
        limits: {
          updatesPerSecond: 20,
          updateBurst: 30,
          updateBytesPerSecond: 16 * 1024,
          updateBurstBytes: 64 * 1024,
          requestsPerSecond: 1,
          requestBurst: 3,
          awarenessPerSecond: 10,
          awarenessBurst: 20,
          maxAwarenessBytes: 1024,
          awarenessWindowMs: 200,
          maxPendingBytes: 4096,
          maxPendingMs: 400,
        },
      },
    });
    ({ cookie, docs } = await coachWithDocs(server.url, 16));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.dispose();
  });

  it('[SYNC8] a frame of exactly the limit passes; one byte more, whole or in fragments, is closed with 1009', async () => {
    const name = doc();
    const reader = await connect(name);
    // A paragraph whose update frame is exactly 64 KiB.
    let frame: Uint8Array = new Uint8Array(0);
    for (let length = 65_400; frame.length !== 64 * 1024; length++) {
      const w = new Y.Doc();
      appendNoteParagraph(sharedNotes(w), 'x'.repeat(length));
      frame = updateMessage(Y.encodeStateAsUpdate(w));
      if (frame.length > 64 * 1024) throw new Error('no exact size');
    }
    const exact = await rawSocket(server.url, name, cookie);
    exact.ws.send(frame);
    await reader.waitFor((d) => notesText(sharedNotes(d)).length >= 65_400);
    expect(await closedWithin(exact.closed, 100)).toBeNull();

    const whole = await rawSocket(server.url, name, cookie);
    whole.ws.send(new Uint8Array(64 * 1024 + 1));
    expect((await whole.closed).code).toBe(1009);

    const fragmented = await rawSocket(server.url, name, cookie);
    fragmented.ws.send(new Uint8Array(40_000), { fin: false });
    fragmented.ws.send(new Uint8Array(25_537), { fin: true });
    expect((await fragmented.closed).code).toBe(1009);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
    exact.ws.close();
  });

  it('[SYNC8] an awareness update over its own limit is closed with 1009', async () => {
    const { ws, closed } = await rawSocket(server.url, doc(), cookie);
    ws.send(awarenessFrame(7, 1, { user: { name: 'x'.repeat(2000) } }));
    expect((await closed).code).toBe(1009);
  });

  it('[SYNC10] past its burst of updates a connection is closed with 4429; what came before is stored and relayed', async () => {
    const name = doc();
    const reader = await connect(name);
    const rowsBefore = await server.storage.docs.count(name);
    const { ws, closed } = await rawSocket(server.url, name, cookie);
    for (const update of writerUpdates(60)) ws.send(updateMessage(update));
    const close = await closed;
    expect(close).toEqual({ code: 4429, reason: 'trop de messages' });
    await sleep(100);
    const accepted = (await server.storage.docs.count(name)) - rowsBefore;
    // The burst (30), and what the bucket refilled while the frames arrived.
    expect(accepted).toBeGreaterThanOrEqual(30);
    expect(accepted).toBeLessThanOrEqual(32);
    expect(reader.received.filter((f) => f[0] === 0 && f[1] === 2)).toHaveLength(accepted);
    expect(notesText(sharedNotes(reader.doc))).toBe('abc'.repeat(accepted - 1));
  });

  it('[SYNC10] a connection that stays under the sustained rate is never cut, past its burst', async () => {
    const name = doc();
    const { ws, closed } = await rawSocket(server.url, name, cookie);
    // 45 updates at 15/s: more than the burst (30), under the rate (20/s).
    for (const update of writerUpdates(45)) {
      ws.send(updateMessage(update));
      await sleep(1000 / 15);
    }
    expect(await closedWithin(closed, 100)).toBeNull();
    ws.close();
  });

  it('[SYNC10] the bytes of the updates are limited too', async () => {
    const { ws, closed } = await rawSocket(server.url, doc(), cookie);
    // A small update, then 30 KB ones: the third of those passes the 64 KiB burst.
    for (const update of writerUpdates(4, 'y'.repeat(30_000))) ws.send(updateMessage(update));
    expect((await closed).code).toBe(4429);
  });

  it('[SYNC10] state-vector requests and awareness queries have a small budget of their own', async () => {
    const name = doc();
    const first = await rawSocket(server.url, name, cookie);
    for (let i = 0; i < 4; i++) first.ws.send(syncStep1Message(new Uint8Array([0])));
    expect((await first.closed).code).toBe(4429);
    const second = await rawSocket(server.url, name, cookie);
    for (let i = 0; i < 4; i++) second.ws.send(Uint8Array.of(MESSAGE_QUERY_AWARENESS));
    expect((await second.closed).code).toBe(4429);
  });

  it('[SYNC10] an update whose dependencies never come is discarded after its delay; its sender is closed with 1007', async () => {
    const name = doc();
    const reader = await connect(name);
    const rowsBefore = await server.storage.docs.count(name);
    const [, second] = writerUpdates(2);
    const { ws, closed } = await rawSocket(server.url, name, cookie);
    ws.send(updateMessage(second!));
    await sleep(50);
    const store = server.sync.rooms.get(name)!.doc.store;
    expect(store.pendingStructs).not.toBeNull();
    // A newcomer's sync answer does not carry what is pending (never stored).
    const newcomer = await connect(name);
    expect(newcomer.doc.store.pendingStructs).toBeNull();
    expect(notesText(sharedNotes(newcomer.doc))).toBe('');
    expect(await closed).toEqual({ code: 1007, reason: 'mise à jour incomplète' });
    expect(store.pendingStructs).toBeNull();
    expect(await server.storage.docs.count(name)).toBe(rowsBefore);
    expect(reader.received.filter((f) => f[0] === 0 && f[1] === 2)).toEqual([]);
    expect(reader.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('[SYNC10] an update that arrives before what it depends on is kept until it comes, then stored', async () => {
    const name = doc();
    const reader = await connect(name);
    const [first, second] = writerUpdates(2);
    const { ws, closed } = await rawSocket(server.url, name, cookie);
    ws.send(updateMessage(second!));
    await sleep(100);
    ws.send(updateMessage(first!));
    await reader.waitFor((d) => notesText(sharedNotes(d)) === 'abc');
    expect(await closedWithin(closed, 500)).toBeNull();
    expect(server.sync.rooms.get(name)!.doc.store.pendingStructs).toBeNull();
    ws.close();
  });

  it('[SYNC10] pending content past its byte limit, or left by its sender, is discarded at once', async () => {
    const name = doc();
    const big = writerUpdates(2, 'z'.repeat(5000))[1]!;
    const over = await rawSocket(server.url, name, cookie);
    over.ws.send(updateMessage(big));
    expect(await over.closed).toEqual({ code: 1007, reason: 'mise à jour incomplète' });
    const store = server.sync.rooms.get(name)!.doc.store;
    expect(store.pendingStructs).toBeNull();

    const leaving = await rawSocket(server.url, name, cookie);
    leaving.ws.send(updateMessage(writerUpdates(2)[1]!));
    await sleep(50);
    expect(store.pendingStructs).not.toBeNull();
    leaving.ws.close();
    await leaving.closed;
    await sleep(50);
    expect(store.pendingStructs).toBeNull();
  });

  it('[SYNC11] awareness is coalesced: each client gets a few frames per window, not one per change of each other client', async () => {
    const name = doc();
    const room = await Promise.all(Array.from({ length: 5 }, () => connect(name)));
    await sleep(300);
    const before = room.map((c) => c.received.filter(isAwareness).length);
    // Each client moves its cursor 10 times in 250 ms: 40 changes of the others for each one.
    for (let i = 0; i < 10; i++) {
      for (const c of room) c.awareness.setLocalStateField('cursor', i);
      await sleep(25);
    }
    for (const c of room)
      await c.waitForAwareness((states) =>
        room.every((other) => states.get(other.doc.clientID)?.['cursor'] === 9),
      );
    const frames = room.map((c, i) => c.received.filter(isAwareness).length - before[i]!);
    for (const n of frames) expect(n).toBeLessThanOrEqual(6);
  });

  it('[SYNC11] past its awareness budget a connection is closed with 4429', async () => {
    const { ws, closed } = await rawSocket(server.url, doc(), cookie);
    for (let i = 1; i <= 25; i++) ws.send(awarenessFrame(99, i, { cursor: i }));
    expect((await closed).code).toBe(4429);
  });

  it('[SYNC11] a state still waiting in the window when its client leaves never reaches the others', async () => {
    const name = doc();
    const watcher = await connect(name);
    const { ws } = await rawSocket(server.url, name, cookie);
    ws.send(awarenessFrame(4242, 1, { cursor: 'premier' }));
    await watcher.waitForAwareness((s) => s.get(4242)?.['cursor'] === 'premier');
    ws.send(awarenessFrame(4242, 2, { cursor: 'fantôme' }));
    ws.terminate();
    await watcher.waitForAwareness((s) => !s.has(4242));
    await sleep(300);
    expect(watcher.awareness.getStates().has(4242)).toBe(false);
  });
});

describe('unauthenticated upgrades (SYNC9)', () => {
  let server: TestServer;
  let cookie: string;
  let name: string;

  beforeAll(async () => {
    server = await startTestServer({
      trustProxy: true,
      sync: { limits: { failedUpgradesPerWindow: 3, failedUpgradeWindowMs: 1500 } },
    });
    const made = await coachWithDocs(server.url, 1);
    cookie = made.cookie;
    name = made.docs[0]!;
  });
  afterAll(() => server.dispose());

  function upgrade(headers: Record<string, string>): Promise<{ status: number; retryAfter?: string }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl(server.url, name), { headers });
      ws.on('unexpected-response', (_req, res) => {
        resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
        res.resume();
        ws.terminate();
      });
      ws.on('open', () => {
        resolve({ status: 101 });
        ws.close();
      });
      ws.on('error', reject);
    });
  }

  it('[SYNC9] past its refused upgrades an address gets 429 with Retry-After, even with a session; others do not', async () => {
    const forged = { cookie: 'compagnon_session=inventee', 'x-forwarded-for': '203.0.113.9, 10.0.0.1' };
    for (let i = 0; i < 3; i++) expect((await upgrade(forged)).status).toBe(401);
    const refused = await upgrade(forged);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    // Answered before the session is read: a valid one from that address waits too.
    expect((await upgrade({ cookie, 'x-forwarded-for': '10.0.0.1' })).status).toBe(429);
    expect((await upgrade({ cookie, 'x-forwarded-for': '10.0.0.2' })).status).toBe(101);
    // One failure is forgiven every 500 ms (3 per 1.5 s).
    await sleep(600);
    expect((await upgrade({ cookie, 'x-forwarded-for': '10.0.0.1' })).status).toBe(101);
  });

  it('[SYNC10] the default limits let one connection send 300 updates/s, the benchmark’s top step', async () => {
    const reader = await SyncClient.connect(server.url, name, cookie);
    const { ws, closed } = await rawSocket(server.url, name, cookie);
    const updates = writerUpdates(600, 'é');
    const start = performance.now();
    for (let i = 0; i < updates.length; i++) {
      ws.send(updateMessage(updates[i]!));
      const due = start + ((i + 1) * 1000) / 300;
      if (due > performance.now()) await sleep(due - performance.now());
    }
    await reader.waitFor((d) => notesText(sharedNotes(d)).length >= 599);
    expect(await closedWithin(closed, 50)).toBeNull();
    ws.close();
    await reader.close();
  });
});

describe('UpgradeBudget (SYNC9)', () => {
  it('[SYNC9] upgrades being checked are capped per address, more wait their turn in a bounded queue; a closed socket frees its place', async () => {
    const budget = new UpgradeBudget(
      resolveLimits({
        maxPendingUpgradesPerAddress: 2,
        maxQueuedUpgradesPerAddress: 1,
        maxPendingUpgrades: 4,
      }),
      true,
    );
    const held: { ticket: UpgradeTicket; socket: Duplex }[] = [];
    const http: Server = createServer();
    http.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      void budget.admit(req, socket, upgradeRejecter(socket)).then((ticket) => {
        if (ticket) held.push({ ticket, socket });
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as { port: number }).port;
    const attempt = (address: string): Promise<number | 'pending'> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/sync/x`, {
          headers: { 'x-forwarded-for': address },
        });
        ws.on('unexpected-response', (_req, res) => {
          resolve(res.statusCode ?? 0);
          res.resume();
        });
        ws.on('error', () => {});
        setTimeout(() => resolve('pending'), 200);
      });
    try {
      expect(await attempt('10.0.0.1')).toBe('pending');
      expect(await attempt('10.0.0.1')).toBe('pending');
      expect(held).toHaveLength(2);
      // The third waits for its turn; the fourth finds the queue full.
      expect(await attempt('10.0.0.1')).toBe('pending');
      expect(held).toHaveLength(2);
      expect(await attempt('10.0.0.1')).toBe(429);
      expect(await attempt('10.0.0.2')).toBe('pending');
      // Four in all, checked or waiting.
      expect(await attempt('10.0.0.3')).toBe(429);
      expect(budget.pending).toBe(4);
      // One done: the waiting one is checked now.
      held[0]!.ticket.done();
      await sleep(20);
      expect(held).toHaveLength(4);
      expect(budget.pending).toBe(3);
      held[1]!.socket.destroy();
      await sleep(50);
      expect(budget.pending).toBe(2);
      held[3]!.ticket.reject(401, 'Connexion requise.');
      expect(budget.pending).toBe(1);
    } finally {
      for (const { socket } of held) socket.destroy();
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it('defaults are sane and invalid limits are refused', () => {
    expect(DEFAULT_LIMITS.updateBurstBytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(() => resolveLimits({ updatesPerSecond: -1 })).toThrow();
  });
});
