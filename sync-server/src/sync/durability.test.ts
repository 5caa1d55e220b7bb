import { rmSync } from 'node:fs';
import { appendNoteParagraph, notesText, sharedNotes } from '@compagnon/model';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, type ChildServer } from '../test-support/child.ts';
import { fixture } from '../test-support/http.ts';
import { tempDir } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

const dataDir = tempDir('compagnon-durability-');
const running: ChildServer[] = [];

afterAll(() => {
  for (const s of running) s.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

const lines = (text: string): string[] => text.split('\n').filter(Boolean);

describe('durability', () => {
  it('[PERSIST3] an update relayed to another client survives kill -9 of the server', async () => {
    const env = { DATA_DIR: dataDir, WEB_DIR: `${dataDir}/no-web` };
    const first = await spawnServer(env);
    running.push(first);
    const f = await fixture(first.url);
    const name = f.accompaniment.sharedDoc;
    const a = await SyncClient.connect(first.url, name, f.coach.cookieHeader);
    const b = await SyncClient.connect(first.url, name, f.learner.cookieHeader);

    // A writes a stream of edits; the moment B has received some of them, the server is killed.
    let seenByB: string[] = [];
    const killed = new Promise<void>((resolve) => {
      b.doc.on('update', () => {
        const now = lines(notesText(sharedNotes(b.doc)));
        if (now.length >= 5 && seenByB.length === 0) {
          seenByB = now;
          first.child.kill('SIGKILL');
          resolve();
        }
      });
    });
    for (let i = 0; i < 200; i++) {
      appendNoteParagraph(sharedNotes(a.doc), `édition ${i}`);
      if (i % 10 === 9) await new Promise((r) => setImmediate(r));
    }
    await killed;
    await first.exited;
    a.ws.terminate();
    b.ws.terminate();
    expect(seenByB.length).toBeGreaterThanOrEqual(5);

    const second = await spawnServer(env);
    running.push(second);
    // Sessions are in the database too: the same cookie still works after the restart.
    const fresh = await SyncClient.connect(second.url, name, f.coach.cookieHeader);
    const stored = lines(notesText(sharedNotes(fresh.doc)));
    // Everything B saw is there, in order, exactly once.
    expect(stored.slice(0, seenByB.length)).toEqual(seenByB);
    expect(new Set(stored).size).toBe(stored.length);
    await fresh.close();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
