import {
  getStep,
  listAdaptations,
  listPhases,
  listSteps,
  readPathway,
  setContribution,
  type StepId,
} from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fixture, type Fixture, type Reply } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

let server: TestServer;
let f: Fixture;
let coach: SyncClient;
let learner: SyncClient;

beforeAll(async () => {
  server = await startTestServer();
  f = await fixture(server.url, { template: 'bilan' });
  coach = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
  learner = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
});
afterAll(async () => {
  await Promise.all([coach.close(), learner.close()]);
  await server.dispose();
});

const adapt = (who: 'coach' | 'learner' | 'otherCoach' | 'anonymous', body: unknown): Promise<Reply> =>
  f[who].post(`/api/accompaniments/${f.accompaniment.id}/adaptations`, body);
const setStatus = (who: 'coach' | 'learner', stepId: string, body: unknown): Promise<Reply> =>
  f[who].post(`/api/accompaniments/${f.accompaniment.id}/steps/${stepId}/status`, body);

/** The document as stored (what a restarted server would load). */
async function stored(): Promise<Y.Doc> {
  const doc = new Y.Doc();
  for (const u of await server.storage.docs.load(f.accompaniment.sharedDoc)) Y.applyUpdate(doc, u);
  return doc;
}
const stepByTitle = (doc: Y.Doc, title: string) => listSteps(doc).find((s) => s.title === title)!;
const phases = () => listPhases(coach.doc);

/** Everything that an error must leave untouched. */
async function snapshot() {
  return {
    state: Y.encodeStateVector(server.sync.rooms.get(f.accompaniment.sharedDoc)!.doc),
    rows: await server.storage.docs.count(f.accompaniment.sharedDoc),
    adaptations: await server.storage.adaptations.count(f.accompaniment.id),
  };
}

describe('[PATH7] adaptations through the API', () => {
  it('each kind changes the live document, is stored before it reaches connected clients, and is traced', async () => {
    const relayedUnstored: string[] = [];
    const checks: Promise<void>[] = [];
    const onFrame = () => {
      // Runs when the learner's client receives a frame: what it shows must already be in the log. The log
      // is read from this very moment on (a later write can only make the check more lenient, never fail it).
      const shown = listAdaptations(learner.doc).length;
      checks.push(
        stored().then(
          (doc) => {
            if (listAdaptations(doc).length < shown) relayedUnstored.push('early');
          },
          (error: unknown) => {
            relayedUnstored.push(`journal illisible : ${String(error)}`);
          },
        ),
      );
    };
    learner.ws.on('message', onFrame);

    const [preliminary, investigation, conclusion] = phases();
    const interview = stepByTitle(coach.doc, 'Préparer un entretien');
    const pulled = await adapt('coach', {
      kind: 'pulled-forward',
      stepId: interview.id,
      reason: 'Entretien le 3/12',
    });
    expect(pulled.status).toBe(201);
    expect(pulled.body).toEqual({ ok: true, stepId: interview.id });
    await learner.waitFor((d) => getStep(d, interview.id)?.pulledForwardAt !== null);
    expect(getStep(learner.doc, interview.id)).toMatchObject({
      phaseId: preliminary!.id,
      status: 'in_progress',
    });
    expect(readPathway(await stored())[0]!.steps[0]!.id).toBe(interview.id);

    const methods = stepByTitle(coach.doc, 'Présentation des méthodes et du déroulement');
    expect(
      (await adapt('coach', { kind: 'postponed', stepId: methods.id, reason: 'plus tard' })).status,
    ).toBe(201);
    await learner.waitFor((d) => getStep(d, methods.id)?.phaseId === investigation!.id);

    const followUp = stepByTitle(coach.doc, 'Entretien de suivi à six mois');
    expect(
      (await adapt('coach', { kind: 'skipped', stepId: followUp.id, reason: 'hors contrat' })).status,
    ).toBe(201);
    await learner.waitFor((d) => getStep(d, followUp.id)?.status === 'skipped');

    const added = await adapt('coach', {
      kind: 'added',
      phaseId: conclusion!.id,
      index: 0,
      title: '  Rencontre avec un employeur  ',
      expected: { kind: 'reflection', prompt: 'Ce que vous en retenez' },
    });
    expect(added.status).toBe(201);
    const addedId = added.body.stepId as StepId;
    await learner.waitFor((d) => getStep(d, addedId) !== null);
    expect(getStep(learner.doc, addedId)).toMatchObject({
      title: 'Rencontre avec un employeur',
      phaseId: conclusion!.id,
      expected: { kind: 'reflection', prompt: 'Ce que vous en retenez' },
    });
    expect(readPathway(learner.doc)[2]!.steps[0]!.id).toBe(addedId);

    expect(
      (await adapt('coach', { kind: 'moved', stepId: addedId, phaseId: investigation!.id, index: 1 })).status,
    ).toBe(201);
    await learner.waitFor((d) => getStep(d, addedId)?.phaseId === investigation!.id);
    expect(readPathway(learner.doc)[1]!.steps[1]!.id).toBe(addedId);

    const split = await adapt('coach', { kind: 'split', stepId: addedId, titles: ['Préparer', 'Y aller'] });
    expect(split.status).toBe(201);
    expect(split.body.stepIds).toHaveLength(2);
    await learner.waitFor((d) => listSteps(d).filter((s) => s.parentId === addedId).length === 2);

    const removed = await adapt('coach', { kind: 'removed', stepId: addedId, reason: 'annulé' });
    expect(removed.status).toBe(201);
    await learner.waitFor((d) => getStep(d, addedId) === null);
    expect(listSteps(learner.doc).some((s) => s.parentId === addedId)).toBe(false);

    learner.ws.off('message', onFrame);
    await Promise.all(checks);
    expect(relayedUnstored).toEqual([]);
    const timeline = (await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/timeline`)).body;
    expect(timeline.map((e: { kind: string }) => e.kind).sort()).toEqual(
      ['added', 'moved', 'postponed', 'pulled-forward', 'removed', 'skipped', 'split'].sort(),
    );
    for (const e of timeline) expect(e.by).toEqual({ id: f.ids.coach, name: 'Coach A', role: 'coach' });
    expect(timeline.find((e: { kind: string }) => e.kind === 'pulled-forward').reason).toBe(
      'Entretien le 3/12',
    );
  });

  it('the learner may add a step; it is traced as theirs', async () => {
    const r = await adapt('learner', { kind: 'added', phaseId: phases()[1]!.id, title: 'Mon idée' });
    expect(r.status).toBe(201);
    await coach.waitFor((d) => getStep(d, r.body.stepId) !== null);
    const timeline = (await f.learner.get(`/api/accompaniments/${f.accompaniment.id}/timeline`)).body;
    expect(timeline[0]).toMatchObject({ kind: 'added', by: { id: f.ids.learner, role: 'learner' } });
  });

  it('errors change nothing: 404 unknown step or phase, 422 missing reason, 403 coach-only, 400 invalid body', async () => {
    const step = stepByTitle(coach.doc, 'Identification des compétences et aptitudes');
    const before = await snapshot();
    const cases: [Reply, number, RegExp | null][] = [
      [await adapt('coach', { kind: 'skipped', stepId: 'inconnue', reason: 'r' }), 404, /Étape introuvable/],
      [await adapt('coach', { kind: 'removed', stepId: 'inconnue' }), 404, /Étape introuvable/],
      [
        await adapt('coach', { kind: 'moved', stepId: step.id, phaseId: 'inconnue' }),
        404,
        /Phase introuvable/,
      ],
      [await adapt('coach', { kind: 'added', phaseId: 'inconnue', title: 'T' }), 404, /Phase introuvable/],
      [await adapt('coach', { kind: 'skipped', stepId: step.id }), 422, /raison/],
      [await adapt('coach', { kind: 'pulled-forward', stepId: step.id, reason: '   ' }), 422, /raison/],
      [await adapt('learner', { kind: 'pulled-forward', stepId: step.id, reason: 'r' }), 403, /accompagnant/],
      [await adapt('learner', { kind: 'removed', stepId: step.id }), 403, /accompagnant/],
      [await adapt('learner', { kind: 'split', stepId: step.id, titles: ['a'] }), 403, /accompagnant/],
      [await adapt('coach', { kind: 'reopened', stepId: step.id }), 400, /adaptation inconnue/],
      [await adapt('coach', { kind: 'skipped', reason: 'r' }), 400, /étape : champ obligatoire/],
      [await adapt('coach', { kind: 'added', title: 'T' }), 400, /phase : champ obligatoire/],
      [await adapt('coach', { kind: 'split', stepId: step.id, titles: [] }), 400, /sous-étapes/],
      [await adapt('coach', { kind: 'split', stepId: step.id, titles: ['  '] }), 400, /titre/],
      [
        await adapt('coach', { kind: 'moved', stepId: step.id, phaseId: phases()[0]!.id, index: -1 }),
        400,
        null,
      ],
      [await adapt('coach', { kind: 'skipped', stepId: step.id, reason: 'x'.repeat(1001) }), 400, /1000/],
      [await adapt('otherCoach', { kind: 'skipped', stepId: step.id, reason: 'r' }), 404, /introuvable/],
      [await adapt('anonymous', { kind: 'skipped', stepId: step.id, reason: 'r' }), 401, null],
    ];
    cases.forEach(([reply, status, message], i) => {
      expect([i, reply.status]).toEqual([i, status]);
      if (message) expect(reply.body.error).toMatch(message);
    });
    expect(await snapshot()).toEqual(before);
  });

  it('[PATH8] status changes: no blind validation for the learner, reason to skip, 404 on unknown step', async () => {
    const goals = stepByTitle(coach.doc, 'Définition des objectifs du bilan');
    expect(goals.expected.kind).toBe('answer');
    const before = await snapshot();
    const blind = await setStatus('learner', goals.id, { status: 'done' });
    expect(blind.status).toBe(422);
    expect(blind.body.error).toBe('Répondez d’abord à la question de cette étape.');
    expect((await setStatus('learner', goals.id, { status: 'skipped', reason: 'r' })).status).toBe(403);
    expect((await setStatus('coach', goals.id, { status: 'skipped' })).status).toBe(422);
    expect((await setStatus('coach', 'inconnue', { status: 'done' })).status).toBe(404);
    expect((await setStatus('coach', goals.id, { status: 'fini' })).status).toBe(400);
    expect(await snapshot()).toEqual(before);

    setContribution(learner.doc, goals.id, 'Changer de métier sans repartir de zéro.');
    await coach.waitFor((d) => getStep(d, goals.id)?.contribution !== '');
    const done = await setStatus('learner', goals.id, { status: 'done' });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ ok: true });
    await coach.waitFor((d) => getStep(d, goals.id)?.status === 'done');

    // The coach can close any step, and reopening a skipped one is traced.
    const synthesis = stepByTitle(coach.doc, 'Remise et validation du document de synthèse');
    expect((await setStatus('coach', synthesis.id, { status: 'done' })).status).toBe(200);
    const followUp = stepByTitle(coach.doc, 'Entretien de suivi à six mois');
    expect((await setStatus('coach', followUp.id, { status: 'todo' })).status).toBe(200);
    const timeline = (await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/timeline`)).body;
    expect(timeline[0]).toMatchObject({ kind: 'reopened', step: { id: followUp.id } });
  });

  it('[CLOCK1] without COMPAGNON_CLOCK_CONTROL the clock route does not exist', async () => {
    const r = await f.anonymous.post('/api/test/clock', { advanceMs: 1000 });
    expect(r.status).toBe(404);
    expect(server.clockControl).toBeNull();
  });

  it('[PATH7] the API loads an unloaded room, and the change is in the log when the call returns', async () => {
    const other = await f.coach.post('/api/accompaniments', {
      title: 'Outplacement',
      kind: 'outplacement',
      hoursBudget: 30,
      template: 'outplacement',
    });
    expect(server.sync.rooms.has(other.body.sharedDoc)).toBe(false);
    const r = await f.coach.post(`/api/accompaniments/${other.body.id}/adaptations`, {
      kind: 'added',
      phaseId: other.body.progress.byPhase[0].phaseId,
      title: 'Atelier réseau',
    });
    expect(r.status).toBe(201);
    const doc = new Y.Doc();
    for (const u of await server.storage.docs.load(other.body.sharedDoc)) Y.applyUpdate(doc, u);
    expect(getStep(doc, r.body.stepId)?.title).toBe('Atelier réseau');
    expect(await server.storage.adaptations.count(other.body.id)).toBe(1);
  });
});
