import { notesText, sharedNotes } from '@compagnon/model';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

/**
 * Keystroke-sized updates of two people editing their own paragraphs of the shared notes: typing at a
 * cursor that sometimes jumps, backspaces, new paragraphs. Deterministic.
 */
function editingLog(count: number): Uint8Array[] {
  let seed = 7;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const updates: Uint8Array[] = [];
  const writers = [0, 1].map((i) => {
    const doc = new Y.Doc();
    doc.clientID = 4_000_000 + i;
    doc.on('update', (update: Uint8Array) => updates.push(update));
    return { doc, text: null as Y.XmlText | null, cursor: 0 };
  });
  while (updates.length < count) {
    const w = writers[updates.length % 2]!;
    const r = rand();
    if (!w.text || r < 0.02) {
      const paragraph = new Y.XmlElement('paragraph');
      w.text = new Y.XmlText();
      paragraph.insert(0, [w.text]);
      const notes = w.doc.getXmlFragment('notes');
      notes.insert(notes.length, [paragraph]);
      w.cursor = 0;
    } else if (r < 0.15 && w.cursor > 1) {
      w.text.delete(w.cursor - 2, 2);
      w.cursor -= 2;
    } else {
      if (r > 0.93) w.cursor = Math.floor(rand() * (w.text.length + 1));
      w.text.insert(w.cursor, 'mot ');
      w.cursor += 4;
    }
  }
  return updates.slice(0, count);
}

let servers: TestServer[] = [];
const clients: SyncClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.map((s) => s.dispose()));
  servers = [];
});

describe('room load', () => {
  it('[SYNC1] a long log (thousands of rows, deletions, an unreadable row) loads to the state of all its readable rows', async () => {
    const server = await startTestServer();
    servers.push(server);
    const f = await fixture(server.url);
    const name = f.accompaniment.sharedDoc;
    const log = editingLog(3_500);
    // Rows as a log no compaction touched would hold them, one damaged row among them.
    const rows: [string, Uint8Array][] = log.map((u) => [name, u]);
    rows.splice(1_700, 0, [name, Uint8Array.of(0, 0xff, 0xff, 0xff)]);
    await server.storage.transaction(() => server.storage.docs.appendMany(rows));

    // The same rows applied one by one, each in its own transaction, the damaged one skipped.
    const expected = new Y.Doc();
    for (const update of await server.storage.docs.load(name))
      try {
        Y.applyUpdate(expected, update);
      } catch {
        // the damaged row
      }

    const client = await SyncClient.connect(server.url, name, f.coach.cookieHeader);
    clients.push(client);
    const room = server.sync.rooms.get(name)!;
    expect(room.storedRows).toBe(await server.storage.docs.count(name));
    expect(Y.equalSnapshots(Y.snapshot(room.doc), Y.snapshot(expected))).toBe(true);
    expect(Y.encodeStateVector(client.doc)).toEqual(Y.encodeStateVector(expected));
    expect(notesText(sharedNotes(client.doc))).toBe(notesText(sharedNotes(expected)));
    expect(notesText(sharedNotes(client.doc)).length).toBeGreaterThan(1_000);
    expect(server.logs.filter((line) => line.includes('illisible'))).toHaveLength(1);
  });
});
