// Several instances (SCALE): two real server processes on one PostgreSQL schema and one Redis, as behind a
// reverse proxy. Clients on either instance co-edit; an instance killed with SIGKILL loses nothing any
// client saw; Redis restarting loses nothing; a revocation on one instance closes connections on all.
import { rmSync } from 'node:fs';
import { appendNoteParagraph, notesText, sharedNotes } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { spawnServer, type ChildServer } from '../test-support/child.ts';
import { Agent, fixture, type Fixture } from '../test-support/http.ts';
import { withTempSchema, type TempSchema } from '../test-support/postgres.ts';
import { startRedis, type TestRedis } from '../test-support/redis.ts';
import { tempDir } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';
import { CLOSE } from './protocol.ts';

let redis: TestRedis;
let schema: TempSchema;
const dataDir = tempDir('compagnon-instances-');
const servers: ChildServer[] = [];
const clients: SyncClient[] = [];
let env: Record<string, string>;

/** One more instance on the shared PostgreSQL schema and Redis. */
async function instance(): Promise<ChildServer> {
  const server = await spawnServer(env);
  servers.push(server);
  return server;
}

async function connect(url: string, docName: string, cookie: string, doc?: Y.Doc): Promise<SyncClient> {
  const client = await SyncClient.connect(url, docName, cookie, doc ? { doc } : {});
  clients.push(client);
  return client;
}

/** The same signed-in person, talking to another instance (the session lives in PostgreSQL). */
function on(url: string, agent: Agent): Agent {
  const moved = new Agent(url);
  moved.cookie = agent.cookie;
  return moved;
}

const lines = (doc: Y.Doc): string[] => notesText(sharedNotes(doc)).split('\n').filter(Boolean);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  [redis, schema] = await Promise.all([startRedis(), withTempSchema()]);
  env = {
    DATA_DIR: dataDir,
    WEB_DIR: `${dataDir}/no-web`,
    DATABASE_URL: schema.url,
    DATABASE_SCHEMA: schema.schema,
    REDIS_URL: redis.url,
  };
}, 30_000);

afterAll(async () => {
  for (const client of clients) client.ws.terminate();
  for (const server of servers) server.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  await redis?.stop();
  await schema?.drop();
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

describe('several instances on PostgreSQL and Redis', () => {
  let a: ChildServer;
  let b: ChildServer;
  let f: Fixture;

  beforeAll(async () => {
    a = await instance();
    b = await instance();
    f = await fixture(a.url);
  }, 60_000);

  it('[SCALE1] clients on different instances co-edit and converge, with presence', async () => {
    const name = f.accompaniment.sharedDoc;
    const onA = await connect(a.url, name, f.coach.cookieHeader);
    const onB = await connect(b.url, name, f.learner.cookieHeader);
    appendNoteParagraph(sharedNotes(onA.doc), 'écrit sur A');
    appendNoteParagraph(sharedNotes(onB.doc), 'écrit sur B');
    await onA.waitFor((d) => lines(d).includes('écrit sur B'));
    await onB.waitFor((d) => lines(d).includes('écrit sur A'));
    expect(lines(onA.doc)).toEqual(lines(onB.doc));

    onA.awareness.setLocalStateField('user', { name: 'Coach sur A' });
    await onB.waitForAwareness((states) =>
      [...states.values()].some((s) => (s['user'] as { name?: string } | undefined)?.name === 'Coach sur A'),
    );

    // Concurrent bursts from both sides end in the same state on both, and in storage.
    for (let i = 0; i < 30; i++) {
      appendNoteParagraph(sharedNotes(onA.doc), `A ${i}`);
      appendNoteParagraph(sharedNotes(onB.doc), `B ${i}`);
    }
    await onA.waitFor((d) => lines(d).includes('B 29'));
    await onB.waitFor((d) => lines(d).includes('A 29'));
    expect(lines(onA.doc)).toEqual(lines(onB.doc));
    const fresh = await connect(b.url, name, f.coach.cookieHeader);
    expect(lines(fresh.doc)).toEqual(lines(onA.doc));
  });

  it('[SCALE2] an instance killed with SIGKILL loses nothing a client saw; its clients move to the other', async () => {
    const name = f.accompaniment.sharedDoc;
    const writer = await connect(a.url, name, f.coach.cookieHeader);
    const reader = await connect(b.url, name, f.learner.cookieHeader);
    let seen: string[] = [];
    const killed = new Promise<void>((resolve) => {
      reader.doc.on('update', () => {
        const now = lines(reader.doc).filter((l) => l.startsWith('flux '));
        if (now.length >= 10 && seen.length === 0) {
          seen = lines(reader.doc);
          a.child.kill('SIGKILL');
          resolve();
        }
      });
    });
    for (let i = 0; i < 300; i++) {
      appendNoteParagraph(sharedNotes(writer.doc), `flux ${i}`);
      if (i % 10 === 9) await sleep(1);
    }
    await killed;
    await a.exited;
    // The writer's client reconnects to the surviving instance with its document (and unsent edits).
    writer.ws.terminate();
    const moved = await connect(b.url, name, f.coach.cookieHeader, writer.doc);
    await reader.waitFor((d) => lines(d).includes('flux 299'), 10_000);
    expect(lines(moved.doc)).toEqual(lines(reader.doc));
    // Everything the reader saw before the kill is stored, in order.
    const stored = lines((await connect(b.url, name, f.learner.cookieHeader)).doc);
    expect(stored.slice(0, seen.length)).toEqual(seen);
    expect(new Set(stored).size).toBe(stored.length);
    a = await instance();
  }, 30_000);

  it('[SCALE3] Redis restarting mid-session loses nothing, and fan-out resumes', async () => {
    const name = f.accompaniment.sharedDoc;
    const onA = await connect(a.url, name, f.coach.cookieHeader);
    const onB = await connect(b.url, name, f.learner.cookieHeader);
    await redis.kill();
    // Written while the instances cannot tell each other: stored in PostgreSQL all the same.
    appendNoteParagraph(sharedNotes(onA.doc), 'pendant la panne, sur A');
    appendNoteParagraph(sharedNotes(onB.doc), 'pendant la panne, sur B');
    await sleep(300);
    await redis.restart();
    // Once the instances are back on Redis, each reads what it missed from storage and relays it.
    await onA.waitFor((d) => lines(d).includes('pendant la panne, sur B'), 15_000);
    await onB.waitFor((d) => lines(d).includes('pendant la panne, sur A'), 15_000);
    appendNoteParagraph(sharedNotes(onA.doc), 'après la panne');
    await onB.waitFor((d) => lines(d).includes('après la panne'));
    expect(lines(onA.doc)).toEqual(lines(onB.doc));
  }, 40_000);

  it('[SCALE4] a revocation on one instance closes the connections on every instance', async () => {
    // A workshop participant removed on A loses their connection held by B (WS4).
    const coach = on(a.url, f.coach);
    const created = await coach.post('/api/workshops', { title: 'Atelier réparti' });
    expect(created.status).toBe(201);
    const workshop = created.body as { id: string; doc: string };
    const added = await coach.post(`/api/workshops/${workshop.id}/participants`, {
      accompanimentId: f.accompaniment.id,
    });
    expect(added.status).toBe(201);
    const participant = await connect(b.url, workshop.doc, f.learner.cookieHeader);
    const removed = await coach.request(
      'DELETE',
      `/api/workshops/${workshop.id}/participants/${f.ids.learner}`,
    );
    expect(removed.status).toBe(204);
    expect((await participant.closed).code).toBe(CLOSE.accessRevoked);

    // Signing out on A closes the connections that session opened on B (AUTH).
    const onB = await connect(b.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
    const signedOut = await on(a.url, f.learner).post('/api/auth/sign-out');
    expect(signedOut.status).toBeLessThan(300);
    expect((await onB.closed).code).toBe(CLOSE.sessionEnded);
  }, 20_000);

  it('[SCALE4] a revocation made while Redis is down still closes the connections once it is back', async () => {
    const coach = on(a.url, f.coach);
    const created = await coach.post('/api/workshops', { title: 'Atelier pendant la panne' });
    const workshop = created.body as { id: string; doc: string };
    await coach.post(`/api/workshops/${workshop.id}/participants`, { accompanimentId: f.accompaniment.id });
    // The learner signed out in the previous test: signs in again, through B.
    const learner = new Agent(b.url);
    const acc = await coach.get(`/api/accompaniments/${f.accompaniment.id}`);
    const learnerEmail = (acc.body as { learner?: { email?: string } }).learner?.email;
    expect(learnerEmail).toBeTruthy();
    expect((await learner.signIn(learnerEmail!, 'motdepasse-l')).status).toBe(200);
    const participant = await connect(b.url, workshop.doc, learner.cookieHeader);
    await redis.kill();
    const removed = await coach.request(
      'DELETE',
      `/api/workshops/${workshop.id}/participants/${f.ids.learner}`,
    );
    expect(removed.status).toBe(204);
    await sleep(200);
    expect(participant.ws.readyState).toBe(participant.ws.OPEN);
    await redis.restart();
    expect((await participant.closed).code).toBe(CLOSE.accessRevoked);
  }, 30_000);
});
