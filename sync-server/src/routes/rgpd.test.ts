import { appendNoteParagraph, sharedNotes } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pseudonymOf } from '../evidence/rgpd.ts';
import { ServerOrigin } from '../sync/hub.ts';
import { MARKERS, fillDocuments } from '../test-support/evidence.ts';
import { Agent, fixture, uniqueEmail, type Fixture } from '../test-support/http.ts';
import { clockFrom, heldAndConfirmed } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient, upgradeStatus } from '../test-support/sync-client.ts';

const DAY = 86_400_000;
const OTHER_SECRET = 'AUTRE-ACCOMPAGNEMENT-SECRET-6620';

let server: TestServer;
let f: Fixture;
let learnerEmail: string;
let otherLearner: Agent;
let otherLearnerEmail: string;

beforeAll(async () => {
  server = await startTestServer({ clock: clockFrom('2026-11-02T07:00:00Z'), clockControl: true });
  f = await fixture(server.url);
  learnerEmail = (await f.learner.get('/api/me')).body.email;
  await fillDocuments(server, f.accompaniment, {
    coach: { id: f.ids.coach, name: 'Coach A' },
    learner: { id: f.ids.learner, name: 'Léa Test' },
  });
  await heldAndConfirmed(server, f, '2026-11-02');

  // Coach B's accompaniment of another learner, with content of its own.
  const created = await f.otherCoach.post('/api/accompaniments', {
    title: 'Accompagnement de Hugo',
    kind: 'coaching',
    hoursBudget: 10,
  });
  otherLearnerEmail = uniqueEmail('hugo');
  const invite = await f.otherCoach.post(`/api/accompaniments/${created.body.id}/invitations`, {
    email: otherLearnerEmail,
  });
  otherLearner = new Agent(server.url);
  const accepted = await otherLearner.post(`/api/invitations/${invite.body.token}/accept`, {
    name: 'Hugo Autre',
    password: 'motdepasse-h',
  });
  await server.sync.change(created.body.sharedDoc, new ServerOrigin(accepted.body.id), (doc) =>
    appendNoteParagraph(sharedNotes(doc), OTHER_SECRET),
  );
});
afterAll(() => server.dispose());

describe('[RGPD1] export of all the caller’s data', () => {
  it('gives the learner a JSON attachment with their account, their accompaniment read in plain text, appointments and signatures', async () => {
    const reply = await f.learner.get('/api/me/export');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
    expect(reply.headers.get('content-disposition')).toBe(
      'attachment; filename="compagnon-mes-donnees-2026-11-02.json"',
    );
    const data = reply.body;
    expect(data.account).toMatchObject({
      id: f.ids.learner,
      name: 'Léa Test',
      email: learnerEmail,
      role: 'learner',
    });
    expect(data.accompaniments).toHaveLength(1);
    const acc = data.accompaniments[0];
    expect(acc).toMatchObject({ id: f.accompaniment.id, role: 'learner', coach: 'Coach A' });
    expect(acc.documents.sharedNotes).toContain(MARKERS.note);
    expect(
      acc.documents.synthesis.find((s: { title: string }) => s.title === 'Compétences et aptitudes').text,
    ).toContain(MARKERS.synthesis);
    expect(acc.documents.exercises[0].answers[0].answer).toContain(MARKERS.exercise);
    expect(acc.documents.messages[0]).toMatchObject({ text: MARKERS.message, mine: true });
    expect(
      acc.documents.pathway.flatMap((p: { steps: { contribution: string }[] }) => p.steps)[0].contribution,
    ).toBe(MARKERS.contribution);
    expect(acc.appointments).toHaveLength(1);
    expect(acc.attendance).toMatchObject([{ seq: 1, method: 'confirmed' }]);
    // Never the coach's private notes, nor anything of another accompaniment or person.
    expect(acc.documents.privateNotes).toBeNull();
    expect(reply.text).not.toContain(MARKERS.privateNote);
    expect(reply.text).not.toContain(OTHER_SECRET);
    expect(reply.text).not.toContain(otherLearnerEmail);
    expect(reply.text).not.toContain('Hugo');
  });

  it('gives the coach their private notes too, and still nothing of another coach’s accompaniment', async () => {
    const reply = await f.coach.get('/api/me/export');
    expect(reply.status).toBe(200);
    expect(reply.body.organisation).toMatchObject({ role: 'manager' });
    expect(reply.body.accompaniments[0].documents.privateNotes).toContain(MARKERS.privateNote);
    expect(reply.text).not.toContain(OTHER_SECRET);
    expect((await f.anonymous.get('/api/me/export')).status).toBe(401);
  });
});

describe('[RGPD2] the erasure request', () => {
  it('needs the confirmation and the right password', async () => {
    const unconfirmed = await f.learner.post('/api/me/deletion', {
      confirm: false,
      password: 'motdepasse-l',
    });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body.error).toMatch(/^Requête invalide/);
    const wrong = await f.learner.post('/api/me/deletion', { confirm: true, password: 'pas-le-bon' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatch(/Mot de passe incorrect/);
    expect((await f.learner.get('/api/me/deletion')).body).toMatchObject({ status: 'none' });
  });

  it('is recorded for 30 days later, ends every session of the account and closes its connections', async () => {
    const sync = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
    const elsewhere = new Agent(server.url);
    expect((await elsewhere.signIn(learnerEmail, 'motdepasse-l')).status).toBe(200);
    const reply = await f.learner.post('/api/me/deletion', { confirm: true, password: 'motdepasse-l' });
    expect(reply.status).toBe(202);
    expect(Date.parse(reply.body.scheduledFor) - Date.parse(reply.body.requestedAt)).toBe(30 * DAY);
    expect(reply.body.keeps.join(' ')).toMatch(/émargement/);
    expect((await f.learner.get('/api/me')).status).toBe(401);
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await sync.closed).code).toBe(4401);
  });

  it('can be cancelled during the grace period, and made again', async () => {
    expect((await f.learner.signIn(learnerEmail, 'motdepasse-l')).status).toBe(200);
    expect((await f.learner.get('/api/me/deletion')).body).toMatchObject({ status: 'pending' });
    expect((await f.learner.delete('/api/me/deletion')).body).toMatchObject({ status: 'cancelled' });
    expect((await f.learner.delete('/api/me/deletion')).status).toBe(404);
    expect(
      (await f.learner.post('/api/me/deletion', { confirm: true, password: 'motdepasse-l' })).status,
    ).toBe(202);
  });
});

describe('[RGPD3] anonymisation after the grace period, on the server clock', () => {
  it('nothing happens before 30 days', async () => {
    server.clockControl!.advance(29 * DAY);
    expect(await server.runRetention()).toEqual({ purgedFiles: 0, anonymised: 0 });
    expect((await server.storage.users.findById(f.ids.learner))!.name).toBe('Léa Test');
  });

  it('[RGPD4] then the account is anonymised, its documents destroyed, the attendance kept pseudonymised', async () => {
    server.clockControl!.advance(2 * DAY);
    expect(await server.runRetention()).toEqual({ purgedFiles: 0, anonymised: 1 });
    const user = (await server.storage.users.findById(f.ids.learner))!;
    expect(user.name).toBe(pseudonymOf(f.ids.learner));
    expect(user.email).not.toBe(learnerEmail);
    expect(await server.storage.users.findByEmail(learnerEmail)).toBeNull();
    expect((await new Agent(server.url).signIn(learnerEmail, 'motdepasse-l')).status).toBe(401);
    // The documents of the accompaniment are destroyed; it is closed, nothing kept.
    expect(await server.storage.docs.count(f.accompaniment.sharedDoc)).toBe(0);
    expect(await server.storage.docs.count(f.accompaniment.privateDoc)).toBe(0);
    expect(await upgradeStatus(server.url, f.accompaniment.sharedDoc, { cookie: f.coach.cookieHeader })).toBe(
      410,
    );
    const closing = await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/closing`);
    expect(closing.body).toMatchObject({ state: 'closed', kept: [] });
    // What the law requires stays, under the pseudonym: the attendance chain is intact.
    const records = await server.storage.attendance.listForAccompaniment(f.accompaniment.id);
    expect(records).toHaveLength(1);
    expect(records[0]!.name).toBe(pseudonymOf(f.ids.learner));
    expect(
      (await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/attendance/verify`)).body,
    ).toMatchObject({
      ok: true,
      records: 1,
    });
    const audit = await f.coach.get('/api/audit');
    const actions = audit.body.entries.map((e: { action: string }) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['rgpd.export', 'rgpd.deletion-requested', 'rgpd.anonymised']),
    );
    expect(audit.text).not.toContain('Léa Test');
    // Done once.
    expect(await server.runRetention()).toEqual({ purgedFiles: 0, anonymised: 0 });
  });
});
