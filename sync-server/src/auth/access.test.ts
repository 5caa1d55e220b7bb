import { appendNoteParagraph, notesText, privateNotes, sharedNotes } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, otherAccompaniment, uniqueEmail, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient, upgradeStatus } from '../test-support/sync-client.ts';

let server: TestServer;
let f: Fixture;
/** The learner of a second accompaniment, coach B's. */
let otherLearner: Agent;

beforeAll(async () => {
  server = await startTestServer();
  f = await fixture(server.url);
  otherLearner = (await otherAccompaniment(server.url, f, { kind: 'autre', hoursBudget: 5 })).learner;
});
afterAll(() => server.dispose());

const cookieOf = (a: Agent): Record<string, string> => (a.cookie ? { cookie: a.cookieHeader } : {});

describe('[AUTH3] access matrix over the API', () => {
  it('coach A sees and invites on their accompaniment', async () => {
    const list = await f.coach.get('/api/accompaniments');
    expect(list.body.map((a: { id: string }) => a.id)).toEqual([f.accompaniment.id]);
    const one = await f.coach.get(`/api/accompaniments/${f.accompaniment.id}`);
    expect(one.status).toBe(200);
    expect(one.body.role).toBe('coach');
    expect(one.body.learner).toMatchObject({ name: 'Léa Test' });
  });

  it('[AUTH4] the learner sees their accompaniment, without the private doc name, and cannot invite', async () => {
    const list = await f.learner.get('/api/accompaniments');
    expect(list.body.map((a: { id: string }) => a.id)).toEqual([f.accompaniment.id]);
    const one = await f.learner.get(`/api/accompaniments/${f.accompaniment.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      role: 'learner',
      privateDoc: null,
      sharedDoc: f.accompaniment.sharedDoc,
    });
    const invite = await f.learner.post(`/api/accompaniments/${f.accompaniment.id}/invitations`, {
      email: uniqueEmail('x'),
    });
    expect(invite.status).toBe(403);
  });

  it('[AUTH5] coach B and another learner get 404 for A’s accompaniment, like for a missing one', async () => {
    for (const agent of [f.otherCoach, otherLearner]) {
      const list = await agent.get('/api/accompaniments');
      expect(list.body.map((a: { id: string }) => a.id)).not.toContain(f.accompaniment.id);
      const one = await agent.get(`/api/accompaniments/${f.accompaniment.id}`);
      const missing = await agent.get('/api/accompaniments/00000000-0000-4000-8000-000000000000');
      expect(one.status).toBe(404);
      expect(one.body).toEqual(missing.body);
      const invite = await agent.post(`/api/accompaniments/${f.accompaniment.id}/invitations`, {
        email: uniqueEmail('x'),
      });
      expect(invite.status).toBe(404);
    }
  });

  it('anonymous gets 401 everywhere', async () => {
    expect((await f.anonymous.get('/api/me')).status).toBe(401);
    expect((await f.anonymous.get('/api/accompaniments')).status).toBe(401);
    expect((await f.anonymous.get(`/api/accompaniments/${f.accompaniment.id}`)).status).toBe(401);
    expect(
      (await f.anonymous.post('/api/accompaniments', { title: 'X', kind: 'autre', hoursBudget: 1 })).status,
    ).toBe(401);
    expect(
      (await f.anonymous.post(`/api/accompaniments/${f.accompaniment.id}/invitations`, { email: 'a@b.fr' }))
        .status,
    ).toBe(401);
  });
});

describe('[AUTH3] access matrix over /sync', () => {
  const matrix: [string, () => Agent, 'shared' | 'private', number][] = [
    ['coach A', () => f.coach, 'shared', 101],
    ['coach A', () => f.coach, 'private', 101],
    ['learner', () => f.learner, 'shared', 101],
    ['learner', () => f.learner, 'private', 403],
    ['coach B', () => f.otherCoach, 'shared', 404],
    ['coach B', () => f.otherCoach, 'private', 404],
    ['another learner', () => otherLearner, 'shared', 404],
    ['another learner', () => otherLearner, 'private', 404],
    ['anonymous', () => f.anonymous, 'shared', 401],
    ['anonymous', () => f.anonymous, 'private', 401],
  ];
  for (const [who, agent, doc, status] of matrix) {
    it(`[AUTH8] ${who} opening the ${doc} doc → ${status}`, async () => {
      const name = doc === 'shared' ? f.accompaniment.sharedDoc : f.accompaniment.privateDoc;
      expect(await upgradeStatus(server.url, name, cookieOf(agent()))).toBe(status);
    });
  }

  it('[AUTH8] a forged or expired cookie is 401; unknown doc 404; malformed doc name 400', async () => {
    const forged = { cookie: 'compagnon_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    expect(await upgradeStatus(server.url, f.accompaniment.sharedDoc, forged)).toBe(401);
    const coach = cookieOf(f.coach);
    expect(await upgradeStatus(server.url, '00000000-0000-4000-8000-000000000000.shared', coach)).toBe(404);
    expect(await upgradeStatus(server.url, 'pas-un-document', coach)).toBe(400);
    expect(await upgradeStatus(server.url, `${f.accompaniment.id}.autre`, coach)).toBe(400);
  });

  it('[AUTH8] a WebSocket from another origin is refused (cross-site WebSocket hijacking)', async () => {
    const name = f.accompaniment.sharedDoc;
    expect(
      await upgradeStatus(server.url, name, { ...cookieOf(f.coach), origin: 'https://evil.example' }),
    ).toBe(403);
    expect(await upgradeStatus(server.url, name, { ...cookieOf(f.coach), origin: 'null' })).toBe(403);
    expect(await upgradeStatus(server.url, name, { ...cookieOf(f.coach), origin: server.url })).toBe(101);
  });

  it('[AUTH4] coach and learner share the shared doc; the private doc never reaches the learner', async () => {
    const coachShared = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
    const learnerShared = await SyncClient.connect(
      server.url,
      f.accompaniment.sharedDoc,
      f.learner.cookieHeader,
    );
    const coachPrivate = await SyncClient.connect(
      server.url,
      f.accompaniment.privateDoc,
      f.coach.cookieHeader,
    );
    appendNoteParagraph(privateNotes(coachPrivate.doc), 'Note confidentielle');
    appendNoteParagraph(sharedNotes(coachShared.doc), 'Note partagée');
    await learnerShared.waitFor((d) => notesText(sharedNotes(d)).includes('Note partagée'));
    const seen = Buffer.concat(learnerShared.received).toString('utf8');
    expect(seen).not.toContain('Note confidentielle');
    await Promise.all([coachShared.close(), learnerShared.close(), coachPrivate.close()]);
  });

  it('[AUTH4] no API route gives the learner the private notes', async () => {
    const secret = `Piste confidentielle ${Date.now()}`;
    const coachPrivate = await SyncClient.connect(
      server.url,
      f.accompaniment.privateDoc,
      f.coach.cookieHeader,
    );
    appendNoteParagraph(privateNotes(coachPrivate.doc), secret);
    // Stored: a second connection of the coach receives it.
    const check = await SyncClient.connect(server.url, f.accompaniment.privateDoc, f.coach.cookieHeader);
    await check.waitFor((d) => notesText(privateNotes(d)).includes(secret));
    const id = f.accompaniment.id;
    const paths = [
      '/api/me',
      '/api/accompaniments',
      `/api/accompaniments/${id}`,
      `/api/accompaniments/${id}/timeline`,
      `/api/accompaniments/${id}/synthesis`,
      `/api/accompaniments/${id}/synthesis.pdf`,
    ];
    for (const path of paths) {
      const res = await f.learner.get(path);
      expect(res.status, path).toBe(200);
      expect(res.text, path).not.toContain(secret);
      expect(res.text, path).not.toContain(f.accompaniment.privateDoc);
    }
    await Promise.all([coachPrivate.close(), check.close()]);
  });

  it('[AUTH2] signing out closes the session’s open sync connections with 4401', async () => {
    const a = new Agent(server.url);
    await a.signIn((await f.coach.get('/api/me')).body.email, 'motdepasse-a');
    const client = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, a.cookieHeader);
    const untouched = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
    await a.post('/api/auth/sign-out');
    expect((await client.closed).code).toBe(4401);
    expect(untouched.ws.readyState).toBe(untouched.ws.OPEN);
    await untouched.close();
  });
});
