import {
  TEMPLATE_IDS,
  addStepTraced,
  listAdaptations,
  listPhases,
  listSteps,
  pathwayTemplate,
  postMessage,
  pullForward,
  setContribution,
  setStepStatus,
  type Actor,
  type UserId,
} from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Agent, fixture, uniqueEmail, until, type Fixture, type Reply } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

const DAY = 24 * 3600_000;

let server: TestServer;
let f: Fixture;
const clients: SyncClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ clockControl: true });
  f = await fixture(server.url);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server.dispose();
});

async function connect(agent: Agent): Promise<SyncClient> {
  const client = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, agent.cookieHeader);
  clients.push(client);
  return client;
}

const learnerActor = (): Actor => ({ id: f.ids.learner as UserId, name: 'Léa Test', role: 'learner' });
const coachActor = (): Actor => ({ id: f.ids.coach as UserId, name: 'Coach A', role: 'coach' });
const accompaniment = (agent: Agent = f.coach): Promise<Reply> =>
  agent.get(`/api/accompaniments/${f.accompaniment.id}`);

describe('[PATH6] templates', () => {
  it('creates the pathway of each template, with its steps and their origin; blank keeps the kind’s phases', async () => {
    for (const template of TEMPLATE_IDS) {
      const kind = template === 'blank' ? 'coaching' : template;
      const r = await f.coach.post('/api/accompaniments', {
        title: `Modèle ${template}`,
        kind,
        hoursBudget: 20,
        template,
      });
      expect(r.status).toBe(201);
      const tpl = pathwayTemplate(template, kind);
      const steps = tpl.phases.flatMap((p) => p.steps);
      expect(r.body.progress).toEqual({
        stepsTotal: steps.length,
        stepsDone: 0,
        byPhase: tpl.phases.map((p) => ({
          phaseId: expect.any(String),
          title: p.title,
          total: p.steps.length,
          done: 0,
        })),
      });
      expect(r.body).toMatchObject({ adaptations: 0, lastLearnerActivityAt: null, inactive: false });
      const doc = new Y.Doc();
      for (const u of await server.storage.docs.load(r.body.sharedDoc)) Y.applyUpdate(doc, u);
      expect(listPhases(doc).map((p) => p.title)).toEqual(tpl.phases.map((p) => p.title));
      expect(
        listSteps(doc)
          .map((s) => s.title)
          .sort(),
      ).toEqual(steps.map((s) => s.title).sort());
      for (const step of listSteps(doc))
        expect(step.origin).toMatchObject({ type: 'template', id: template });
    }
    const blankBilan = await f.coach.post('/api/accompaniments', {
      title: 'B',
      kind: 'bilan',
      hoursBudget: 2,
    });
    expect(blankBilan.body.progress.byPhase.map((p: { title: string }) => p.title)).toEqual([
      'Phase préliminaire',
      "Phase d'investigation",
      'Phase de conclusion',
    ]);
    expect(blankBilan.body.progress.stepsTotal).toBe(0);
  });

  it('[INPUT1] an unknown template is 400 with a French message', async () => {
    const r = await f.coach.post('/api/accompaniments', {
      title: 'X',
      kind: 'coaching',
      hoursBudget: 2,
      template: 'stage',
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toContain(
      'modèle : modèle inconnu (attendu : bilan, outplacement, coaching, insertion, blank)',
    );
  });
});

describe('projections of the shared document', () => {
  it('[PATH2][PATH4] a learner’s WebSocket edit shows in progress, adaptations and lastLearnerActivityAt within seconds', async () => {
    const before = await accompaniment();
    expect(before.body).toMatchObject({
      progress: { stepsTotal: 0, stepsDone: 0 },
      adaptations: 0,
      lastLearnerActivityAt: null,
      inactive: false,
      inactivityDays: 10,
    });
    const learner = await connect(f.learner);
    const phase = listPhases(learner.doc)[1]!;
    const stepId = addStepTraced(learner.doc, { phaseId: phase.id, title: 'Enquête métier' }, learnerActor());
    setStepStatus(learner.doc, stepId, 'done');
    const t0 = server.clock.now();
    const after = await until(
      () => accompaniment(),
      (r) => r.body.progress.stepsDone === 1,
    );
    expect(after.body.progress.stepsTotal).toBe(1);
    expect(after.body.progress.byPhase[1]).toMatchObject({ phaseId: phase.id, total: 1, done: 1 });
    expect(after.body.adaptations).toBe(1);
    expect(Math.abs(Date.parse(after.body.lastLearnerActivityAt) - t0)).toBeLessThan(2000);
    // The list reads the same projections, for the coach and for the learner.
    const list = await f.coach.get('/api/accompaniments');
    expect(list.body.find((a: { id: string }) => a.id === f.accompaniment.id)).toMatchObject({
      adaptations: 1,
      progress: { stepsDone: 1 },
    });
    expect((await accompaniment(f.learner)).body.adaptations).toBe(1);
  });

  it('[PATH4] a coach’s edit does not move lastLearnerActivityAt', async () => {
    const before = (await accompaniment()).body;
    const coach = await connect(f.coach);
    const phase = listPhases(coach.doc)[2]!;
    addStepTraced(coach.doc, { phaseId: phase.id, title: 'Synthèse' }, coachActor());
    const after = await until(
      () => accompaniment(),
      (r) => r.body.progress.stepsTotal === before.progress.stepsTotal + 1,
    );
    expect(after.body.adaptations).toBe(before.adaptations + 1);
    expect(after.body.lastLearnerActivityAt).toBe(before.lastLearnerActivityAt);
  });

  it('[PATH5][CLOCK1] inactive flips when the clock passes the coach’s threshold and clears when the learner contributes', async () => {
    expect((await accompaniment()).body.inactive).toBe(false);
    const moved = await f.anonymous.post('/api/test/clock', { advanceMs: 9 * DAY });
    expect(moved.status).toBe(200);
    expect(Date.parse(moved.body.now)).toBeGreaterThan(Date.now() + 9 * DAY - 60_000);
    expect((await accompaniment()).body.inactive).toBe(false);
    await f.anonymous.post('/api/test/clock', { advanceMs: 1 * DAY + 1000 });
    expect((await accompaniment()).body).toMatchObject({ inactive: true, inactivityDays: 10 });

    // The threshold is the coach's own setting, 1 to 90 days.
    expect((await f.coach.put('/api/settings', { inactivityDays: 30 })).body).toEqual({ inactivityDays: 30 });
    expect((await accompaniment()).body).toMatchObject({ inactive: false, inactivityDays: 30 });
    expect((await f.coach.get('/api/me')).body.settings).toEqual({ inactivityDays: 30 });
    for (const bad of [0, 91, 2.5, 'dix'])
      expect((await f.coach.put('/api/settings', { inactivityDays: bad })).status).toBe(400);
    expect((await f.learner.put('/api/settings', { inactivityDays: 5 })).status).toBe(403);
    expect((await f.learner.get('/api/me')).body.settings).toBeUndefined();
    await f.coach.put('/api/settings', { inactivityDays: 10 });
    expect((await accompaniment()).body.inactive).toBe(true);

    // Any change of the learner to the shared document counts as a contribution.
    const learner = clients[0]!;
    const step = listSteps(learner.doc)[0]!;
    setContribution(learner.doc, step.id, 'Trois personnes rencontrées.');
    const now = server.clock.now();
    const back = await until(
      () => accompaniment(),
      (r) => r.body.inactive === false,
    );
    expect(Math.abs(Date.parse(back.body.lastLearnerActivityAt) - now)).toBeLessThan(2000);

    // A learner who never contributed counts from their joining; without a learner, never inactive.
    const lonely = await f.coach.post('/api/accompaniments', {
      title: 'Seul',
      kind: 'autre',
      hoursBudget: 1,
    });
    const quiet = await f.coach.post('/api/accompaniments', {
      title: 'Discret',
      kind: 'autre',
      hoursBudget: 1,
    });
    const invite = await f.coach.post(`/api/accompaniments/${quiet.body.id}/invitations`, {
      email: uniqueEmail('discret'),
    });
    await new Agent(server.url).post(`/api/invitations/${invite.body.token}/accept`, {
      name: 'Sam',
      password: 'motdepasse-s',
    });
    await f.anonymous.post('/api/test/clock', { advanceMs: 10 * DAY - 60_000 });
    const quietNow = await f.coach.get(`/api/accompaniments/${quiet.body.id}`);
    expect(quietNow.body).toMatchObject({ lastLearnerActivityAt: null, inactive: false });
    await f.anonymous.post('/api/test/clock', { advanceMs: 60_000 });
    expect((await f.coach.get(`/api/accompaniments/${quiet.body.id}`)).body.inactive).toBe(true);
    await f.anonymous.post('/api/test/clock', { advanceMs: 40 * DAY });
    expect((await f.coach.get(`/api/accompaniments/${lonely.body.id}`)).body.inactive).toBe(false);
    expect((await accompaniment()).body.inactive).toBe(true);
  });

  it('[CLOCK1] the clock route validates and only moves forward', async () => {
    expect((await f.anonymous.post('/api/test/clock', { advanceMs: -1 })).status).toBe(400);
    expect((await f.anonymous.post('/api/test/clock', {})).status).toBe(400);
    expect(server.logs.some((l) => l.includes('COMPAGNON_CLOCK_CONTROL=1'))).toBe(true);
  });

  it('[PATH3] the timeline is newest first and names the authenticated author, not the declared one', async () => {
    const learner = clients[0]!;
    const step = listSteps(learner.doc).find((s) => s.title === 'Synthèse')!;
    // A tampered client declares the coach as the author of its change.
    pullForward(learner.doc, step.id, coachActor(), { reason: 'rendez-vous avancé' });
    await until(
      () => f.coach.get(`/api/accompaniments/${f.accompaniment.id}/timeline`),
      (r) => r.body.length === 3,
    );
    const api = await f.coach.post(`/api/accompaniments/${f.accompaniment.id}/adaptations`, {
      kind: 'postponed',
      stepId: step.id,
      reason: 'pas encore prêt·e',
    });
    expect(api.status).toBe(201);
    const timeline = await f.learner.get(`/api/accompaniments/${f.accompaniment.id}/timeline`);
    expect(timeline.status).toBe(200);
    const entries = timeline.body as { at: string; receivedAt: string; kind: string; by: { id: string } }[];
    expect(entries.map((e) => e.kind)).toEqual(['postponed', 'pulled-forward', 'added', 'added']);
    for (let i = 1; i < entries.length; i++)
      expect(Date.parse(entries[i - 1]!.at)).toBeGreaterThanOrEqual(Date.parse(entries[i]!.at));
    expect(entries[0]).toMatchObject({
      by: { id: f.ids.coach, name: 'Coach A', role: 'coach' },
      verified: true,
      step: { id: step.id, title: 'Synthèse' },
      reason: 'pas encore prêt·e',
    });
    expect(entries[1]).toMatchObject({
      by: { id: f.ids.learner, name: 'Léa Test', role: 'learner' },
      reason: 'rendez-vous avancé',
    });
    const row = await server.storage.sql.get(
      'SELECT by_user_id, declared_by FROM adaptations WHERE kind = ? AND accompaniment_id = ?',
      'pulled-forward',
      f.accompaniment.id,
    );
    expect(row).toEqual({ by_user_id: f.ids.learner, declared_by: f.ids.coach });
    // An entry declared by its true author keeps no declared_by.
    const honest = await server.storage.sql.get(
      'SELECT declared_by FROM adaptations WHERE kind = ? AND accompaniment_id = ? AND by_user_id = ?',
      'added',
      f.accompaniment.id,
      f.ids.learner,
    );
    expect(honest).toEqual({ declared_by: null });

    expect((await f.otherCoach.get(`/api/accompaniments/${f.accompaniment.id}/timeline`)).status).toBe(404);
    expect((await f.anonymous.get(`/api/accompaniments/${f.accompaniment.id}/timeline`)).status).toBe(401);
  });

  it('[PATH1] after a restart, entries are neither lost nor duplicated; old documents get their projections', async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    const before = (await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/timeline`)).body;
    const count = (await accompaniment()).body.adaptations;
    expect(count).toBe(before.length);
    // As if this accompaniment predated the projections: no progress, no recorded entry.
    const other = await f.coach.post('/api/accompaniments', {
      title: 'Ancien',
      kind: 'bilan',
      hoursBudget: 10,
      template: 'bilan',
    });
    const otherSteps = new Y.Doc();
    for (const u of await server.storage.docs.load(other.body.sharedDoc)) Y.applyUpdate(otherSteps, u);
    const skipped = await f.coach.post(`/api/accompaniments/${other.body.id}/adaptations`, {
      kind: 'skipped',
      stepId: listSteps(otherSteps)[0]!.id,
      reason: 'déjà fait',
    });
    expect(skipped.status).toBe(201);

    server = await server.restart();
    await server.storage.sql.run('UPDATE accompaniments SET progress = NULL WHERE id = ?', other.body.id);
    await server.storage.sql.run('DELETE FROM adaptations WHERE accompaniment_id = ?', other.body.id);
    server = await server.restart();
    const rebound = (agent: Agent): Agent => {
      const a = new Agent(server.url);
      a.cookie = agent.cookie;
      return a;
    };
    f = { ...f, coach: rebound(f.coach), learner: rebound(f.learner) };

    // Loading the room again (a client connects) records nothing twice.
    clients.push(await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader));
    const after = (await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/timeline`)).body;
    expect(after).toEqual(before);
    expect((await accompaniment()).body.adaptations).toBe(count);

    const old = await f.coach.get(`/api/accompaniments/${other.body.id}`);
    expect(old.body.progress.stepsTotal).toBe(other.body.progress.stepsTotal - 1);
    expect(old.body.adaptations).toBe(1);
    const oldTimeline = (await f.coach.get(`/api/accompaniments/${other.body.id}/timeline`)).body;
    // Recorded from the document alone: the declared author, marked as not verified.
    expect(oldTimeline).toMatchObject([
      { kind: 'skipped', verified: false, by: { id: f.ids.coach, role: 'coach' }, reason: 'déjà fait' },
    ]);
  });
});

describe('[PATH9] changes made on another instance', () => {
  it('[PATH9][PATH3] entries another instance brought are neither recorded here nor given to the next local author', async () => {
    const created = await f.coach.post('/api/accompaniments', {
      title: 'Deux instances',
      kind: 'coaching',
      hoursBudget: 5,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const coach = await SyncClient.connect(server.url, created.body.sharedDoc, f.coach.cookieHeader);
    clients.push(coach);
    const room = server.sync.rooms.get(created.body.sharedDoc);
    expect(room).toBeDefined();
    const phase = listPhases(room!.doc)[0]!;

    // What a client of another instance wrote (stored and recorded there), as the bus delivers it here.
    const elsewhere = new Y.Doc();
    Y.applyUpdate(elsewhere, Y.encodeStateAsUpdate(room!.doc));
    const remoteStep = addStepTraced(elsewhere, { phaseId: phase.id, title: 'Ailleurs' }, coachActor());
    const remoteMessage = postMessage(elsewhere, coachActor(), 'Écrit sur l’autre instance');
    room!.applyRemote(Y.encodeStateAsUpdate(elsewhere, Y.encodeStateVector(room!.doc)));
    const remoteEntry = listAdaptations(room!.doc).find((e) => e.stepId === remoteStep);
    expect(remoteEntry).toBeDefined();

    // Then the coach changes the document on this instance, on top of it.
    await until(
      async () => listSteps(coach.doc).some((s) => s.id === remoteStep),
      (found) => found,
    );
    const localStep = addStepTraced(coach.doc, { phaseId: phase.id, title: 'Ici' }, coachActor());
    const localMessage = postMessage(coach.doc, coachActor(), 'Écrit ici');
    const timeline = await until(
      () => f.coach.get(`/api/accompaniments/${id}/timeline`),
      (r) => r.body.length >= 1,
    );
    await until(
      () => server.storage.sql.all('SELECT id FROM messages WHERE accompaniment_id = ?', id),
      (rows) => rows.length >= 1,
    );
    const localEntry = listAdaptations(coach.doc).find((e) => e.stepId === localStep)!;
    expect(timeline.body).toMatchObject([{ id: localEntry.id, by: { id: f.ids.coach }, verified: true }]);
    // Only the local entry and message are this instance's: the other instance recorded its own.
    expect(
      await server.storage.sql.all('SELECT id, by_user_id FROM adaptations WHERE accompaniment_id = ?', id),
    ).toEqual([{ id: localEntry.id, by_user_id: f.ids.coach }]);
    expect(
      await server.storage.sql.all('SELECT id, author_id FROM messages WHERE accompaniment_id = ?', id),
    ).toEqual([{ id: localMessage.id, author_id: f.ids.coach }]);
    expect(remoteMessage.id).not.toBe(localMessage.id);
  });
});
