import { appendNoteParagraph, notesText, sharedNotes } from '@compagnon/model';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';
import { MESSAGE_SYNC, SYNC_UPDATE, updateFrame, wsFrame } from './protocol.ts';

let server: TestServer | null = null;
const clients: SyncClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.dispose();
  server = null;
});

const isUpdate = (frame: Uint8Array): boolean => frame[0] === MESSAGE_SYNC && frame[1] === SYNC_UPDATE;

describe('fan-out', () => {
  it('frames are built to RFC 6455 for the three length forms', () => {
    for (const size of [10, 125, 126, 65_535, 65_536, 200_000]) {
      const message = new Uint8Array(size).map((_, i) => i % 251);
      const frame = wsFrame(message);
      expect(frame[0]).toBe(0x82);
      const header = size < 126 ? 2 : size < 65_536 ? 4 : 10;
      const length = size < 126 ? frame[1] : size < 65_536 ? frame.readUInt16BE(2) : frame.readUInt32BE(6);
      expect([frame.length - header, length]).toEqual([size, size]);
      expect(frame.subarray(header).equals(message)).toBe(true);
      // The relay frame wraps the update as `y-protocols/sync` writes it: [0, 2, varUint length, …update].
      const relay = updateFrame(message);
      const payload = relay.subarray(relay.length - size - (size < 128 ? 3 : size < 16_384 ? 4 : 5));
      expect([...payload.subarray(0, 2)]).toEqual([MESSAGE_SYNC, SYNC_UPDATE]);
      expect(relay.subarray(relay.length - size).equals(message)).toBe(true);
    }
  });

  it('[SYNC2] one update reaches every other client of the room intact, small or past 64 KiB, never its author', async () => {
    server = await startTestServer();
    const f = await fixture(server.url);
    const name = f.accompaniment.sharedDoc;
    const cookies = [f.coach, f.learner, f.coach, f.learner].map((agent) => agent.cookieHeader);
    for (const cookie of cookies) clients.push(await SyncClient.connect(server.url, name, cookie));
    const [author, ...others] = clients as [SyncClient, ...SyncClient[]];
    const big = 'é'.repeat(60_000); // 120,000 bytes of UTF-8: the 8-byte length form
    appendNoteParagraph(sharedNotes(author.doc), 'Court');
    appendNoteParagraph(sharedNotes(author.doc), big);
    await Promise.all(others.map((c) => c.waitFor((d) => notesText(sharedNotes(d)).includes(big))));
    for (const c of others) expect(notesText(sharedNotes(c.doc))).toBe(notesText(sharedNotes(author.doc)));
    // Same bytes for everyone: the frame was built once.
    const relayed = others.map((c) => c.received.filter(isUpdate).map((f) => Buffer.from(f).toString('hex')));
    expect(relayed[0]!.length).toBe(2);
    for (const r of relayed) expect(r).toEqual(relayed[0]);
    expect(author.received.filter(isUpdate)).toEqual([]);
  });

  it('[SYNC2] many updates for one client in one turn arrive whole and in order', async () => {
    server = await startTestServer();
    const f = await fixture(server.url);
    const name = f.accompaniment.sharedDoc;
    const a = await SyncClient.connect(server.url, name, f.coach.cookieHeader);
    const b = await SyncClient.connect(server.url, name, f.learner.cookieHeader);
    clients.push(a, b);
    const lines = Array.from({ length: 200 }, (_, i) => `ligne ${i} ${'x'.repeat(i * 7)}`);
    // Sent back to back: the server reads many in one turn and writes them to B corked, in one go.
    for (const line of lines) appendNoteParagraph(sharedNotes(a.doc), line);
    await b.waitFor((d) => notesText(sharedNotes(d)).includes('ligne 199'));
    expect(notesText(sharedNotes(b.doc)).split('\n').filter(Boolean).slice(-200)).toEqual(lines);
    expect(b.received.filter(isUpdate)).toHaveLength(200);
  });
});
