import { appendNoteParagraph, notesText, sharedNotes, validateDoc } from '@compagnon/model';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fixture, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient, rawSocket } from '../test-support/sync-client.ts';

let server: TestServer;
let f: Fixture;
let otherDoc: string;
let a: SyncClient;
let b: SyncClient;
let c: SyncClient;

function frame(...parts: (number | Uint8Array)[]): Uint8Array {
  const encoder = encoding.createEncoder();
  for (const part of parts)
    if (typeof part === 'number') encoding.writeVarUint(encoder, part);
    else encoding.writeVarUint8Array(encoder, part);
  return encoding.toUint8Array(encoder);
}

/** A real update (structs with content), one byte short: its delete set is truncated. */
function truncatedUpdate(): Uint8Array {
  const doc = new Y.Doc();
  appendNoteParagraph(sharedNotes(doc), 'CONTENU-PIRATE');
  const update = Y.encodeStateAsUpdate(doc);
  return update.subarray(0, update.length - 1);
}

const BAD_FRAMES: [string, () => Uint8Array | string, number][] = [
  [
    'garbage bytes',
    () => Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    1007,
  ],
  ['a truncated varint', () => Uint8Array.from([0x80]), 1007],
  ['an empty frame', () => new Uint8Array(0), 1007],
  ['a sync message with a truncated length', () => Uint8Array.from([0, 2, 0x85]), 1007],
  ['a huge declared length', () => Uint8Array.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]), 1007],
  ['an update of random bytes', () => frame(0, 2, Uint8Array.from([1, 2, 3, 4, 5, 6, 7])), 1007],
  ['an update whose delete set is truncated', () => frame(0, 2, truncatedUpdate()), 1007],
  ['a sync step 2 of garbage', () => frame(0, 1, Uint8Array.from([9, 9, 9, 9])), 1007],
  ['a state vector of garbage', () => frame(0, 0, Uint8Array.from([0xff, 0xff, 0xff])), 1007],
  [
    'an awareness update with invalid JSON',
    () => {
      const inner = encoding.createEncoder();
      encoding.writeVarUint(inner, 1);
      encoding.writeVarUint(inner, 42);
      encoding.writeVarUint(inner, 1);
      encoding.writeVarString(inner, '{pas du json');
      return frame(1, encoding.toUint8Array(inner));
    },
    1007,
  ],
  ['an awareness update cut short', () => frame(1, Uint8Array.from([3, 1])), 1007],
  ['an unknown message type', () => Uint8Array.from([9]), 1003],
  ['an auth message (unsupported)', () => Uint8Array.from([2, 0]), 1003],
  ['an unknown sync sub-type', () => frame(0, 7, new Uint8Array(0)), 1003],
  ['a text frame', () => 'bonjour', 1003],
  ['a frame over 5 MiB', () => new Uint8Array(5 * 1024 * 1024 + 1), 1009],
];

beforeAll(async () => {
  server = await startTestServer();
  f = await fixture(server.url);
  const second = await f.coach.post('/api/accompaniments', { title: 'Autre', kind: 'autre', hoursBudget: 2 });
  otherDoc = second.body.sharedDoc;
  a = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
  b = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
  c = await SyncClient.connect(server.url, otherDoc, f.coach.cookieHeader);
  appendNoteParagraph(sharedNotes(a.doc), 'avant');
  await b.waitFor((d) => notesText(sharedNotes(d)).includes('avant'));
});
afterAll(async () => {
  await Promise.all([a.close(), b.close(), c.close()]);
  await server.dispose();
});

describe('[SYNC4] malformed frames', () => {
  let round = 0;
  for (const [label, make, code] of BAD_FRAMES) {
    it(`[SYNC4] ${label} → closed with ${code}; server up; others unaffected; nothing stored`, async () => {
      const docName = f.accompaniment.sharedDoc;
      const rowsBefore = await server.storage.docs.count(docName);
      const { ws, closed } = await rawSocket(server.url, docName, f.coach.cookieHeader);
      ws.send(make());
      expect((await closed).code).toBe(code);

      // Nothing was stored for the offender.
      expect(await server.storage.docs.count(docName)).toBe(rowsBefore);
      // The server still answers, and the healthy clients of both docs still sync.
      expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
      round++;
      appendNoteParagraph(sharedNotes(a.doc), `après ${round}`);
      appendNoteParagraph(sharedNotes(c.doc), `autre ${round}`);
      await b.waitFor((d) => notesText(sharedNotes(d)).includes(`après ${round}`));
      expect(a.ws.readyState).toBe(a.ws.OPEN);
      expect(c.ws.readyState).toBe(c.ws.OPEN);

      // The stored document equals what the healthy clients hold, and is well-formed.
      await new Promise((r) => setTimeout(r, 10));
      const reloaded = new Y.Doc();
      for (const update of await server.storage.docs.load(docName)) Y.applyUpdate(reloaded, update);
      expect(notesText(sharedNotes(reloaded))).toBe(notesText(sharedNotes(a.doc)));
      expect(Y.encodeStateVector(reloaded)).toEqual(Y.encodeStateVector(b.doc));
      expect(validateDoc(reloaded)).toEqual([]);
      expect(notesText(sharedNotes(b.doc))).not.toContain('CONTENU-PIRATE');
    });
  }

  it('[SYNC4] a burst of bad frames from many sockets leaves the server and the docs intact', async () => {
    const docName = f.accompaniment.sharedDoc;
    const sockets = await Promise.all(
      BAD_FRAMES.slice(0, -1).map(() => rawSocket(server.url, docName, f.coach.cookieHeader)),
    );
    sockets.forEach(({ ws }, i) => ws.send(BAD_FRAMES[i]![1]()));
    const codes = await Promise.all(sockets.map(({ closed }) => closed.then((x) => x.code)));
    expect(codes).toEqual(BAD_FRAMES.slice(0, -1).map(([, , code]) => code));
    appendNoteParagraph(sharedNotes(a.doc), 'fin');
    await b.waitFor((d) => notesText(sharedNotes(d)).includes('fin'));
    const restarted = await server.restart();
    server = restarted;
    const fresh = await SyncClient.connect(server.url, docName, f.coach.cookieHeader);
    expect(notesText(sharedNotes(fresh.doc))).toBe(notesText(sharedNotes(b.doc)));
    await fresh.close();
    // The old clients were disconnected by the restart; reconnect them for afterAll.
    a = await SyncClient.connect(server.url, docName, f.coach.cookieHeader);
    b = await SyncClient.connect(server.url, docName, f.learner.cookieHeader);
    c = await SyncClient.connect(server.url, otherDoc, f.coach.cookieHeader);
  });
});
