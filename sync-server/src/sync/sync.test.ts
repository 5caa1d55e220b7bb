import {
  addStep,
  appendNoteParagraph,
  listPhases,
  listSteps,
  notesText,
  privateNotes,
  sharedNotes,
  validateDoc,
} from '@compagnon/model';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fixture, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';
import type { Storage } from '../storage/storage.ts';
import { MESSAGE_AWARENESS } from './protocol.ts';

/** The document as the log alone rebuilds it (what a restarted server would load). */
async function fromLog(storage: Storage, docName: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const update of await storage.docs.load(docName)) Y.applyUpdate(doc, update);
  return doc;
}

const paragraphs = (doc: Y.Doc): string[] => notesText(sharedNotes(doc)).split('\n').filter(Boolean);

let servers: TestServer[] = [];
const clients: SyncClient[] = [];

async function setup(
  options: Parameters<typeof startTestServer>[0] = {},
): Promise<{ server: TestServer; f: Fixture }> {
  const server = await startTestServer(options);
  servers.push(server);
  return { server, f: await fixture(server.url) };
}

async function connect(server: TestServer, docName: string, cookie: string): Promise<SyncClient> {
  const client = await SyncClient.connect(server.url, docName, cookie);
  clients.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.map((s) => s.dispose()));
  servers = [];
});

describe('sync', () => {
  it('[SYNC2] an update reaches the other client only once it is in the log', async () => {
    const { server, f } = await setup();
    const name = f.accompaniment.sharedDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    const b = await connect(server, name, f.learner.cookieHeader);
    expect(listPhases(b.doc).map((p) => p.title)).toEqual([
      'Phase préliminaire',
      "Phase d'investigation",
      'Phase de conclusion',
    ]);

    const storedWhenRelayed: Promise<boolean>[] = [];
    b.ws.on('message', () => {
      // Runs in the test process right when B receives a frame: the log must already hold the change
      // (on SQLite the read below runs synchronously, right now).
      storedWhenRelayed.push(
        fromLog(server.storage, name).then((doc) => paragraphs(doc).includes('Premier échange')),
      );
    });
    appendNoteParagraph(sharedNotes(a.doc), 'Premier échange');
    await b.waitFor((d) => paragraphs(d).includes('Premier échange'));
    expect(storedWhenRelayed.length).toBeGreaterThan(0);
    expect((await Promise.all(storedWhenRelayed)).every(Boolean)).toBe(true);

    // Both directions, concurrent edits converge.
    const phase = listPhases(b.doc)[1]!;
    addStep(b.doc, { phaseId: phase.id, title: 'Enquête métier' });
    appendNoteParagraph(sharedNotes(a.doc), 'Deuxième échange');
    await a.waitFor((d) => listSteps(d).some((s) => s.title === 'Enquête métier'));
    await b.waitFor((d) => paragraphs(d).includes('Deuxième échange'));
    expect(Y.encodeStateVector(a.doc)).toEqual(Y.encodeStateVector(b.doc));
    expect(validateDoc(await fromLog(server.storage, name))).toEqual([]);
  });

  it('[SYNC2] updates of one event-loop turn are written in one transaction (group commit)', async () => {
    const { server, f } = await setup();
    const name = f.accompaniment.sharedDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    const b = await connect(server, name, f.learner.cookieHeader);
    const before = await server.storage.docs.count(name);
    let commits = 0;
    const transaction = server.storage.transaction.bind(server.storage);
    server.storage.transaction = (fn) => {
      commits++;
      return transaction(fn);
    };
    // 50 separate transactions sent back to back: many frames, few commits.
    for (let i = 0; i < 50; i++) appendNoteParagraph(sharedNotes(a.doc), `ligne ${i}`);
    await b.waitFor((d) => paragraphs(d).includes('ligne 49'));
    expect((await server.storage.docs.count(name)) - before).toBe(50);
    expect(commits).toBeLessThan(50);
    expect(paragraphs(b.doc).slice(-50)).toEqual(Array.from({ length: 50 }, (_, i) => `ligne ${i}`));
  });

  it('[SYNC1] after a restart the first sync returns the stored content, not empty, not duplicated', async () => {
    const { server, f } = await setup();
    const name = f.accompaniment.sharedDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    for (const text of ['un', 'deux', 'trois']) appendNoteParagraph(sharedNotes(a.doc), text);
    const phase = listPhases(a.doc)[0]!;
    addStep(a.doc, { phaseId: phase.id, title: 'Accueil', status: 'done' });
    const b = await connect(server, name, f.learner.cookieHeader);
    await b.waitFor((d) => paragraphs(d).length === 3 && listSteps(d).length === 1);
    await a.close();
    await b.close();

    const restarted = await server.restart();
    servers = [restarted];
    // Several clients at once on the cold document: each gets everything exactly once.
    const fresh = await Promise.all(
      [f.coach, f.learner, f.coach].map((agent) => connect(restarted, name, agent.cookieHeader)),
    );
    for (const client of fresh) {
      expect(paragraphs(client.doc)).toEqual(['un', 'deux', 'trois']);
      expect(listSteps(client.doc).map((s) => [s.title, s.status])).toEqual([['Accueil', 'done']]);
      expect(listPhases(client.doc)).toHaveLength(3);
    }
  });

  it('[PERSIST1] the private doc is stored and reloaded like the shared one', async () => {
    const { server, f } = await setup();
    const name = f.accompaniment.privateDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    appendNoteParagraph(privateNotes(a.doc), 'Hypothèse de travail');
    await new Promise((r) => setTimeout(r, 50));
    await a.close();
    const restarted = await server.restart();
    servers = [restarted];
    const again = await connect(restarted, name, f.coach.cookieHeader);
    expect(notesText(privateNotes(again.doc))).toBe('Hypothèse de travail');
  });

  it('[SYNC3] awareness is relayed, answered on query, and removed when its client leaves', async () => {
    const { server, f } = await setup();
    const name = f.accompaniment.sharedDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    const b = await connect(server, name, f.learner.cookieHeader);
    a.awareness.setLocalStateField('user', { name: 'Coach A' });
    await b.waitForAwareness((s) => s.get(a.doc.clientID)?.['user'] !== undefined);

    // A newcomer gets the current states on arrival.
    const c = await connect(server, name, f.coach.cookieHeader);
    await c.waitForAwareness(
      (s) => (s.get(a.doc.clientID)?.['user'] as { name?: string })?.name === 'Coach A',
    );

    // Query awareness (message type 3) is answered with all states.
    const before = c.received.filter((m) => m[0] === MESSAGE_AWARENESS).length;
    c.queryAwareness();
    await new Promise((r) => setTimeout(r, 100));
    expect(c.received.filter((m) => m[0] === MESSAGE_AWARENESS).length).toBeGreaterThan(before);

    // A burst of awareness changes in one turn is coalesced.
    const framesBefore = b.received.filter((m) => m[0] === MESSAGE_AWARENESS).length;
    for (let i = 0; i < 30; i++) a.awareness.setLocalStateField('cursor', i);
    await b.waitForAwareness((s) => s.get(a.doc.clientID)?.['cursor'] === 29);
    const frames = b.received.filter((m) => m[0] === MESSAGE_AWARENESS).length - framesBefore;
    expect(frames).toBeLessThan(30);

    // Leaving removes the state for the others.
    const aId = a.doc.clientID;
    a.ws.terminate();
    await b.waitForAwareness((s) => !s.has(aId));
    await c.waitForAwareness((s) => !s.has(aId));
  });

  it('[PERSIST2] the log is compacted past the threshold, and the content survives', async () => {
    const { server, f } = await setup({ sync: { compactThreshold: 20 } });
    const name = f.accompaniment.sharedDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    const b = await connect(server, name, f.learner.cookieHeader);
    for (let i = 0; i < 60; i++) {
      appendNoteParagraph(sharedNotes(a.doc), `note ${i}`);
      await new Promise((r) => setImmediate(r));
    }
    await b.waitFor((d) => paragraphs(d).includes('note 59'));
    await new Promise((r) => setTimeout(r, 20));
    expect(await server.storage.docs.count(name)).toBeLessThanOrEqual(21);
    const reloaded = await fromLog(server.storage, name);
    expect(paragraphs(reloaded)).toEqual(paragraphs(a.doc));
    expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(a.doc));
  });

  it('[SYNC5] a room is unloaded after its last client left, and its log compacted to one row', async () => {
    const { server, f } = await setup({ sync: { unloadDelayMs: 100 } });
    const name = f.accompaniment.sharedDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    for (let i = 0; i < 5; i++) appendNoteParagraph(sharedNotes(a.doc), `note ${i}`);
    await new Promise((r) => setTimeout(r, 50));
    expect(server.sync.rooms.has(name)).toBe(true);
    expect(await server.storage.docs.count(name)).toBeGreaterThan(1);
    await a.close();
    await new Promise((r) => setTimeout(r, 60));
    expect(server.sync.rooms.has(name)).toBe(true); // not before the delay
    await new Promise((r) => setTimeout(r, 150));
    expect(server.sync.rooms.has(name)).toBe(false);
    expect(await server.storage.docs.count(name)).toBe(1);
    const back = await connect(server, name, f.learner.cookieHeader);
    expect(paragraphs(back.doc)).toEqual(['note 0', 'note 1', 'note 2', 'note 3', 'note 4']);
  });

  it('[SYNC2] many clients on several docs all converge', async () => {
    const { server, f } = await setup();
    const second = await f.coach.post('/api/accompaniments', {
      title: 'Deux',
      kind: 'coaching',
      hoursBudget: 10,
    });
    const docs = [f.accompaniment.sharedDoc, second.body.sharedDoc as string];
    const perDoc = await Promise.all(
      docs.map((name) =>
        Promise.all(Array.from({ length: 6 }, () => connect(server, name, f.coach.cookieHeader))),
      ),
    );
    perDoc.forEach((group, d) =>
      group.forEach((client, i) => appendNoteParagraph(sharedNotes(client.doc), `doc ${d} client ${i}`)),
    );
    for (const group of perDoc)
      for (const client of group) await client.waitFor((doc) => paragraphs(doc).length === 6);
    for (const [d, group] of perDoc.entries()) {
      const reference = paragraphs(group[0]!.doc);
      expect(reference.every((p) => p.startsWith(`doc ${d} `))).toBe(true);
      for (const client of group) expect(paragraphs(client.doc)).toEqual(reference);
      expect(paragraphs(await fromLog(server.storage, docs[d]!))).toEqual(reference);
    }
  });
});

describe('rooms', () => {
  it('[SYNC5] a room loaded for a handshake that then fails is unloaded anyway', async () => {
    const { server, f } = await setup({ sync: { unloadDelayMs: 50 } });
    const name = f.accompaniment.sharedDoc;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      const req = request(`${server.url}/sync/${name}`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          cookie: f.coach.cookieHeader,
          'sec-websocket-key': 'court',
        },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => resolve(101));
      req.on('error', () => resolve(0));
      req.end();
    });
    expect(status).toBe(400);
    await new Promise((r) => setTimeout(r, 120));
    expect(server.sync.rooms.has(name)).toBe(false);
  });

  it('[PERSIST2] compaction never drops a log row the room had not applied', async () => {
    const { server, f } = await setup({ sync: { unloadDelayMs: 30 } });
    const name = f.accompaniment.sharedDoc;
    const a = await connect(server, name, f.coach.cookieHeader);
    appendNoteParagraph(sharedNotes(a.doc), 'par le client');
    await new Promise((r) => setTimeout(r, 20));
    // A row written behind the loaded room's back (e.g. a future server-side write).
    const side = new Y.Doc();
    appendNoteParagraph(sharedNotes(side), 'écrit à côté');
    await server.storage.docs.append(name, Y.encodeStateAsUpdate(side));
    await a.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(server.sync.rooms.has(name)).toBe(false);
    const stored = paragraphs(await fromLog(server.storage, name));
    expect(stored).toContain('par le client');
    expect(stored).toContain('écrit à côté');
  });
});
