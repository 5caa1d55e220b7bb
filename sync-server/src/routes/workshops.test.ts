import {
  addNote,
  addPoll,
  closePoll,
  listMessages,
  listPolls,
  pollRevision,
  postMessage,
  readBoard,
  readPrivateAnswers,
  readWorkshopTitle,
  setPrivateAnswer,
  workshopAnswersDocName,
  type Actor,
  type UserId,
  type WorkshopId,
} from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE } from '../sync/protocol.ts';
import { Agent, fixture, uniqueEmail, until, type Fixture } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient, upgradeStatus } from '../test-support/sync-client.ts';

let server: TestServer;
let f: Fixture;
/** Two more learners of coach A (Karim, Inès) and a learner of coach B. */
let karim: { agent: Agent; id: string; accompanimentId: string };
let ines: { agent: Agent; id: string; accompanimentId: string };
let outsiderLearner: Agent;
/** An accompaniment of coach A whose learner has not accepted the invitation yet. */
let pendingAccompanimentId: string;
/** An accompaniment of coach B. */
let otherAccompanimentId: string;
const clients: SyncClient[] = [];

async function accompaniment(coach: Agent, title: string): Promise<string> {
  const created = await coach.post('/api/accompaniments', { title, kind: 'autre', hoursBudget: 5 });
  if (created.status !== 201) throw new Error(`create ${created.status}: ${created.text}`);
  return created.body.id;
}

async function learnerOf(coach: Agent, name: string) {
  const accompanimentId = await accompaniment(coach, `Accompagnement ${name}`);
  const invite = await coach.post(`/api/accompaniments/${accompanimentId}/invitations`, {
    email: uniqueEmail('learner'),
  });
  const agent = new Agent(server.url);
  const accepted = await agent.post(`/api/invitations/${invite.body.token}/accept`, {
    name,
    password: 'motdepasse-l',
  });
  if (accepted.status !== 201) throw new Error(`accept ${accepted.status}: ${accepted.text}`);
  return { agent, id: accepted.body.id as string, accompanimentId };
}

async function connect(agent: Agent, docName: string): Promise<SyncClient> {
  const client = await SyncClient.connect(server.url, docName, agent.cookieHeader);
  clients.push(client);
  return client;
}

const status = (agent: Agent, docName: string): Promise<number> =>
  upgradeStatus(server.url, docName, { cookie: agent.cookieHeader });

/** A workshop of coach A with Léa and Karim as participants. */
async function workshop(title = 'Atelier CV'): Promise<{ id: WorkshopId; doc: string }> {
  const created = await f.coach.post('/api/workshops', { title });
  expect(created.status).toBe(201);
  for (const accompanimentId of [f.accompaniment.id, karim.accompanimentId])
    expect(
      (await f.coach.post(`/api/workshops/${created.body.id}/participants`, { accompanimentId })).status,
    ).toBe(201);
  return { id: created.body.id, doc: created.body.doc };
}

beforeAll(async () => {
  server = await startTestServer();
  f = await fixture(server.url);
  karim = await learnerOf(f.coach, 'Karim Test');
  ines = await learnerOf(f.coach, 'Inès Test');
  const other = await learnerOf(f.otherCoach, 'Autre Test');
  outsiderLearner = other.agent;
  otherAccompanimentId = other.accompanimentId;
  pendingAccompanimentId = await accompaniment(f.coach, 'Sans compte');
  await f.coach.post(`/api/accompaniments/${pendingAccompanimentId}/invitations`, {
    email: uniqueEmail('p'),
  });
});
afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.dispose();
});

describe('[WS1] creating and listing workshops', () => {
  it('a coach creates a workshop: 201 {id, title, doc}, its document initialised', async () => {
    const created = await f.coach.post('/api/workshops', { title: '  Atelier réseau  ' });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(['doc', 'id', 'title']);
    expect(created.body.title).toBe('Atelier réseau');
    expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body.doc).toBe(`${created.body.id}.workshop`);

    const client = await connect(f.coach, created.body.doc);
    expect(readWorkshopTitle(client.doc)).toBe('Atelier réseau');
    expect(readBoard(client.doc).columns.map((c) => c.title)).toEqual(['Idées', 'Questions', 'À retenir']);

    const list = await f.coach.get('/api/workshops');
    expect(list.status).toBe(200);
    expect(list.body.workshops[0]).toEqual({
      id: created.body.id,
      title: 'Atelier réseau',
      coachName: 'Coach A',
      participantCount: 0,
      doc: created.body.doc,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('only coaches create; titles are checked; anonymous gets 401', async () => {
    const byLearner = await f.learner.post('/api/workshops', { title: 'Atelier' });
    expect(byLearner.status).toBe(403);
    expect(byLearner.body.error).toMatch(/accompagne/);
    expect((await f.coach.post('/api/workshops', { title: '   ' })).status).toBe(400);
    expect((await f.coach.post('/api/workshops', { title: 'x'.repeat(201) })).status).toBe(400);
    expect((await f.coach.post('/api/workshops', {})).status).toBe(400);
    expect((await f.anonymous.post('/api/workshops', { title: 'Atelier' })).status).toBe(401);
    expect((await f.anonymous.get('/api/workshops')).status).toBe(401);
  });
});

describe('[WS2] [WS4] participants', () => {
  it('the coach adds learners of their accompaniments; 409 twice, 422 without account, 404 otherwise', async () => {
    const created = await f.coach.post('/api/workshops', { title: 'Atelier projet' });
    const id = created.body.id as string;
    const added = await f.coach.post(`/api/workshops/${id}/participants`, {
      accompanimentId: f.accompaniment.id,
    });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ userId: f.ids.learner, name: 'Léa Test' });

    const again = await f.coach.post(`/api/workshops/${id}/participants`, {
      accompanimentId: f.accompaniment.id,
    });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/participe déjà/);

    const pending = await f.coach.post(`/api/workshops/${id}/participants`, {
      accompanimentId: pendingAccompanimentId,
    });
    expect(pending.status).toBe(422);
    expect(pending.body.error).toMatch(/pas encore de compte/);

    // Someone else's accompaniment, an unknown one, an unknown workshop, someone else's workshop.
    for (const [agent, workshopId, accompanimentId] of [
      [f.coach, id, otherAccompanimentId],
      [f.coach, id, '00000000-0000-4000-8000-000000000000'],
      [f.coach, '00000000-0000-4000-8000-000000000000', karim.accompanimentId],
      [f.otherCoach, id, otherAccompanimentId],
      [outsiderLearner, id, karim.accompanimentId],
    ] as const) {
      const reply = await agent.post(`/api/workshops/${workshopId}/participants`, { accompanimentId });
      expect(reply.status).toBe(404);
    }
    // A participant sees the workshop but cannot manage it.
    const byParticipant = await f.learner.post(`/api/workshops/${id}/participants`, {
      accompanimentId: karim.accompanimentId,
    });
    expect(byParticipant.status).toBe(403);
    expect((await f.learner.delete(`/api/workshops/${id}/participants/${f.ids.learner}`)).status).toBe(403);
    expect((await f.coach.delete(`/api/workshops/${id}/participants/${ines.id}`)).status).toBe(404);
    expect((await f.coach.post(`/api/workshops/${id}/participants`, {})).status).toBe(400);
  });

  it('the coach sees every answers document, a participant only their own, a stranger nothing', async () => {
    const w = await workshop('Atelier détail');
    const asCoach = await f.coach.get(`/api/workshops/${w.id}`);
    expect(asCoach.status).toBe(200);
    expect(asCoach.body).toEqual({
      id: w.id,
      title: 'Atelier détail',
      doc: w.doc,
      role: 'coach',
      coach: { id: f.ids.coach, name: 'Coach A' },
      participants: [
        { userId: f.ids.learner, name: 'Léa Test', answersDoc: `${w.id}.answers.${f.ids.learner}` },
        { userId: karim.id, name: 'Karim Test', answersDoc: `${w.id}.answers.${karim.id}` },
      ],
      answersDoc: null,
    });

    const asLea = await f.learner.get(`/api/workshops/${w.id}`);
    expect(asLea.body.role).toBe('participant');
    expect(asLea.body.answersDoc).toBe(`${w.id}.answers.${f.ids.learner}`);
    expect(asLea.body.participants).toEqual([
      { userId: f.ids.learner, name: 'Léa Test', answersDoc: `${w.id}.answers.${f.ids.learner}` },
      { userId: karim.id, name: 'Karim Test', answersDoc: null },
    ]);

    const missing = await f.otherCoach.get('/api/workshops/00000000-0000-4000-8000-000000000000');
    for (const agent of [f.otherCoach, outsiderLearner, ines.agent]) {
      const reply = await agent.get(`/api/workshops/${w.id}`);
      expect(reply.status).toBe(404);
      expect(reply.body).toEqual(missing.body);
      const list = await agent.get('/api/workshops');
      expect(list.body.workshops.map((x: { id: string }) => x.id)).not.toContain(w.id);
    }
    expect((await f.anonymous.get(`/api/workshops/${w.id}`)).status).toBe(401);

    const leaList = await f.learner.get('/api/workshops');
    expect(leaList.body.workshops.find((x: { id: string }) => x.id === w.id)).toMatchObject({
      coachName: 'Coach A',
      participantCount: 2,
      doc: w.doc,
    });
  });
});

describe('[WS3] workshop documents over /sync', () => {
  it('the shared document syncs for the coach and the participants, and is refused to others', async () => {
    const w = await workshop('Atelier sync');
    const coach = await connect(f.coach, w.doc);
    const lea = await connect(f.learner, w.doc);
    const k = await connect(karim.agent, w.doc);
    const leaActor: Actor = { id: f.ids.learner as UserId, name: 'Léa Test', role: 'learner' };
    addNote(lea.doc, { columnId: readBoard(lea.doc).columns[0]!.id, text: 'Mon idée', actor: leaActor });
    postMessage(lea.doc, leaActor, 'Bonjour à toutes et tous');
    for (const client of [coach, k]) {
      await client.waitFor((d) => readBoard(d).columns[0]!.notes.some((n) => n.text === 'Mon idée'));
      await client.waitFor((d) => listMessages(d).length === 1);
    }
    // Stored like any document: the log alone rebuilds it.
    const stored = new Y.Doc();
    for (const update of await server.storage.docs.load(w.doc)) Y.applyUpdate(stored, update);
    expect(readBoard(stored).columns[0]!.notes.map((n) => n.text)).toEqual(['Mon idée']);

    for (const agent of [f.otherCoach, outsiderLearner, ines.agent])
      expect(await status(agent, w.doc)).toBe(404);
    expect(await upgradeStatus(server.url, w.doc, {})).toBe(401);
    // A workshop document of an unknown workshop is refused like a foreign accompaniment document.
    expect(await status(f.coach, '00000000-0000-4000-8000-000000000000.workshop')).toBe(404);
    expect(await status(f.coach, `${w.id}.answers.nope`)).toBe(400);
  });

  it('a participant’s answers reach the coach, never another participant', async () => {
    const w = await workshop('Atelier réponses');
    const leaAnswers = workshopAnswersDocName(w.id, f.ids.learner as UserId);
    const lea = await connect(f.learner, leaAnswers);
    setPrivateAnswer(lea.doc, 'p1', 'Ma réponse privée', 1000);
    const coach = await connect(f.coach, leaAnswers);
    await coach.waitFor((d) => readPrivateAnswers(d)['p1']?.text === 'Ma réponse privée');

    expect(await status(karim.agent, leaAnswers)).toBe(403);
    expect(await status(f.otherCoach, leaAnswers)).toBe(404);
    expect(await status(ines.agent, leaAnswers)).toBe(404);
    expect(await status(karim.agent, workshopAnswersDocName(w.id, karim.id as UserId))).toBe(101);
    // Answers of someone who is not a participant do not exist, even for the coach.
    expect(await status(f.coach, workshopAnswersDocName(w.id, ines.id as UserId))).toBe(404);
    expect(await status(ines.agent, workshopAnswersDocName(w.id, ines.id as UserId))).toBe(404);
  });

  it('[WS4] removing a participant closes their open connections and refuses new ones', async () => {
    const w = await workshop('Atelier retrait');
    const shared = await connect(karim.agent, w.doc);
    const answers = await connect(karim.agent, workshopAnswersDocName(w.id, karim.id as UserId));
    const leaShared = await connect(f.learner, w.doc);

    const removed = await f.coach.delete(`/api/workshops/${w.id}/participants/${karim.id}`);
    expect(removed.status).toBe(204);
    expect((await shared.closed).code).toBe(CLOSE.accessRevoked);
    expect((await answers.closed).code).toBe(CLOSE.accessRevoked);
    expect(await status(karim.agent, w.doc)).toBe(404);
    expect((await karim.agent.get(`/api/workshops/${w.id}`)).status).toBe(404);
    // The other participant stays connected and keeps syncing.
    expect(leaShared.ws.readyState).toBe(leaShared.ws.OPEN);
    const coach = await connect(f.coach, w.doc);
    postMessage(coach.doc, { id: f.ids.coach as UserId, name: 'Coach A', role: 'coach' }, 'Toujours là ?');
    await leaShared.waitFor((d) => listMessages(d).length === 1);
    const detail = await f.coach.get(`/api/workshops/${w.id}`);
    expect(detail.body.participants.map((p: { userId: string }) => p.userId)).toEqual([f.ids.learner]);
  });
});

describe('[WS5] [WS6] polls', () => {
  it('one vote per participant, changeable until closed, with anonymous results', async () => {
    const w = await workshop('Atelier sondage');
    const coach = await connect(f.coach, w.doc);
    const pollId = addPoll(coach.doc, 'Quel format préférez-vous ?', ['Atelier', 'Visio']);
    const url = `/api/workshops/${w.id}/polls/${pollId}`;
    await until(
      () => f.coach.get(url),
      (r) => r.status === 200,
    );
    const revision = pollRevision(coach.doc, pollId);

    const first = await f.learner.put(`${url}/vote`, { optionId: 'o1' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ counts: { o1: 1, o2: 0 }, total: 1, myVote: 'o1' });
    // The server announces new results in the document.
    await coach.waitFor((d) => pollRevision(d, pollId) !== revision);

    expect((await karim.agent.put(`${url}/vote`, { optionId: 'o1' })).body).toEqual({
      counts: { o1: 2, o2: 0 },
      total: 2,
      myVote: 'o1',
    });
    const changed = await f.learner.put(`${url}/vote`, { optionId: 'o2' });
    expect(changed.body).toEqual({ counts: { o1: 1, o2: 1 }, total: 2, myVote: 'o2' });

    const asCoach = await f.coach.get(url);
    expect(asCoach.body).toEqual({ counts: { o1: 1, o2: 1 }, total: 2, myVote: null });
    const asKarim = await karim.agent.get(url);
    expect(asKarim.body.myVote).toBe('o1');
    // Nobody learns who voted: no user id nor name anywhere in any results.
    for (const reply of [first, changed, asCoach, asKarim]) {
      const json = JSON.stringify(reply.body);
      for (const secret of [f.ids.learner, karim.id, f.ids.coach, 'Léa', 'Karim'])
        expect(json).not.toContain(secret);
    }

    const byCoach = await f.coach.put(`${url}/vote`, { optionId: 'o1' });
    expect(byCoach.status).toBe(403);
    const unknownOption = await f.learner.put(`${url}/vote`, { optionId: 'o9' });
    expect(unknownOption.status).toBe(422);
    expect(unknownOption.body.error).toMatch(/ne fait pas partie/);
    expect((await f.learner.put(`${url}/vote`, {})).status).toBe(400);
    const unknownPoll = `/api/workshops/${w.id}/polls/00000000-0000-4000-8000-000000000000`;
    expect((await f.learner.put(`${unknownPoll}/vote`, { optionId: 'o1' })).status).toBe(404);
    expect((await f.learner.get(unknownPoll)).status).toBe(404);
    for (const agent of [f.otherCoach, outsiderLearner, ines.agent]) {
      expect((await agent.get(url)).status).toBe(404);
      expect((await agent.put(`${url}/vote`, { optionId: 'o1' })).status).toBe(404);
    }
    expect((await f.anonymous.get(url)).status).toBe(401);

    closePoll(coach.doc, pollId);
    // A vote may still land before the close reaches the server; once it has, votes are refused.
    const refused = await until(
      () => karim.agent.put(`${url}/vote`, { optionId: 'o2' }),
      (r) => r.status !== 200,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/clos/);
    const final = await f.coach.get(url);
    expect(final.body.total).toBe(2);
  });

  it('checks the vote against the stored document when no one is connected', async () => {
    const w = await workshop('Atelier hors connexion');
    const coach = await connect(f.coach, w.doc);
    const pollId = addPoll(coach.doc, 'Oui ou non ?', ['Oui', 'Non']);
    const url = `/api/workshops/${w.id}/polls/${pollId}`;
    await until(
      () => f.coach.get(url),
      (r) => r.status === 200,
    );
    await coach.close();
    // The room answered from memory; its group commit may still be on its way to PostgreSQL.
    const storedPolls = await until(
      async () => {
        const stored = new Y.Doc();
        for (const update of await server.storage.docs.load(w.doc)) Y.applyUpdate(stored, update);
        return listPolls(stored).map((p) => p.id);
      },
      (ids) => ids.length > 0,
    );
    expect(storedPolls).toEqual([pollId]);
    expect((await f.learner.put(`${url}/vote`, { optionId: 'o2' })).body).toEqual({
      counts: { o1: 0, o2: 1 },
      total: 1,
      myVote: 'o2',
    });
  });
});
