import { addStep, listPhases, listSteps } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, uniqueEmail, until } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.dispose());

const PDF = new Uint8Array(Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'latin1'));

/** A coach who signed up alone (manager of their own organisation). */
async function coach(name: string) {
  const agent = new Agent(server.url);
  const email = uniqueEmail('coach');
  const me = await agent.signUp(email, 'motdepasse-solide', name);
  return { agent, id: me.body.id as string, email };
}

/** `manager` invites a new coach into their organisation, who accepts. */
async function invitedCoach(manager: Agent, name: string) {
  const email = uniqueEmail('collegue');
  const invite = await manager.post('/api/organisation/invitations', { email });
  expect(invite.status).toBe(201);
  const agent = new Agent(server.url);
  const accepted = await agent.post(`/api/organisation/invitations/${invite.body.token}/accept`, {
    name,
    password: 'motdepasse-collegue',
  });
  expect(accepted.status).toBe(201);
  return { agent, id: accepted.body.id as string, email };
}

/** A learner of one of `owner`'s accompaniments, and the name of that accompaniment's shared document. */
async function accompanied(owner: Agent) {
  const acc = await owner.post('/api/accompaniments', { title: 'Bilan', kind: 'bilan', hoursBudget: 24 });
  const invite = await owner.post(`/api/accompaniments/${acc.body.id}/invitations`, {
    email: uniqueEmail('learner'),
  });
  const agent = new Agent(server.url);
  await agent.post(`/api/invitations/${invite.body.token}/accept`, {
    name: 'Léa Test',
    password: 'motdepasse-l',
  });
  return { learner: agent, sharedDoc: acc.body.sharedDoc as string };
}

/** A learner of one of `owner`'s accompaniments. */
async function learnerOf(owner: Agent) {
  return (await accompanied(owner)).learner;
}

/** `coach` copies a library document into a pathway, over a real WebSocket, and waits until it is stored. */
async function insertDocumentStep(coach: Agent, sharedDoc: string, fileId: string, title: string) {
  const client = await SyncClient.connect(server.url, sharedDoc, coach.cookieHeader);
  addStep(client.doc, {
    phaseId: listPhases(client.doc)[0]!.id,
    title,
    origin: { type: 'library', id: 'item', title },
    resource: { kind: 'document', title, fileId, fileName: 'fiche.pdf' },
  });
  await client.close();
  const check = await SyncClient.connect(server.url, sharedDoc, coach.cookieHeader);
  await check.waitFor((doc) => listSteps(doc).some((s) => s.title === title));
  await check.close();
}

describe('[ORG1] organisations', () => {
  it('gives a coach who signs up alone an organisation of their own, as its manager', async () => {
    const a = await coach('Claire Dubois');
    const r = await a.agent.get('/api/organisation');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: expect.any(String),
      name: 'Structure de Claire Dubois',
      role: 'manager',
      members: [{ id: a.id, name: 'Claire Dubois', email: a.email, role: 'manager' }],
    });
  });

  it('lets the manager rename it; learners and anonymous callers have none', async () => {
    const a = await coach('Claire Dubois');
    const renamed = await a.agent.put('/api/organisation', { name: '  Cabinet Horizon ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Cabinet Horizon');
    expect((await a.agent.put('/api/organisation', { name: '' })).status).toBe(400);
    expect((await a.agent.put('/api/organisation', {})).status).toBe(400);
    const learner = await learnerOf(a.agent);
    expect((await learner.get('/api/organisation')).status).toBe(403);
    expect((await new Agent(server.url).get('/api/organisation')).status).toBe(401);
  });
});

describe('[ORG2][ORG3] coach invitations', () => {
  it('invites a coach, who joins the organisation with a new account', async () => {
    const a = await coach('Claire Dubois');
    const email = uniqueEmail('Collegue');
    const invite = await a.agent.post('/api/organisation/invitations', { email });
    expect(invite.status).toBe(201);
    expect(invite.body).toEqual({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      url: `${server.url}/organisation/invitation/${invite.body.token}`,
      email: email.toLowerCase(),
      expiresAt: expect.any(String),
      emailSent: false,
    });
    const info = await new Agent(server.url).get(`/api/organisation/invitations/${invite.body.token}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({
      organisationName: 'Structure de Claire Dubois',
      inviterName: 'Claire Dubois',
      email: email.toLowerCase(),
    });

    const b = new Agent(server.url);
    expect(
      (await b.post(`/api/organisation/invitations/${invite.body.token}/accept`, { name: 'Marc' })).status,
    ).toBe(400);
    const accepted = await b.post(`/api/organisation/invitations/${invite.body.token}/accept`, {
      name: 'Marc Leroy',
      password: 'motdepasse-marc',
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ name: 'Marc Leroy', role: 'coach', email: email.toLowerCase() });
    expect(b.cookie).toBeTruthy();
    const org = await b.get('/api/organisation');
    expect(org.body).toMatchObject({ name: 'Structure de Claire Dubois', role: 'coach' });
    expect(org.body.members.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
      ['Claire Dubois', 'manager'],
      ['Marc Leroy', 'coach'],
    ]);

    // Single use; a coach member is not the manager.
    const again = await new Agent(server.url).post(
      `/api/organisation/invitations/${invite.body.token}/accept`,
      { name: 'Intrus', password: 'motdepasse-intrus' },
    );
    expect(again.status).toBe(410);
    const refused = await b.post('/api/organisation/invitations', { email: uniqueEmail('x') });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/responsable/);
    expect((await b.put('/api/organisation', { name: 'Autre' })).status).toBe(403);
  });

  it('refuses bad input, unknown tokens, learners and existing accounts', async () => {
    const a = await coach('Claire Dubois');
    expect((await a.agent.post('/api/organisation/invitations', {})).status).toBe(400);
    expect((await a.agent.post('/api/organisation/invitations', { email: 'pas-une-adresse' })).status).toBe(
      400,
    );
    const learner = await learnerOf(a.agent);
    expect((await learner.post('/api/organisation/invitations', { email: uniqueEmail() })).status).toBe(403);
    expect((await new Agent(server.url).get('/api/organisation/invitations/court')).status).toBe(404);
    expect((await new Agent(server.url).get(`/api/organisation/invitations/${'A'.repeat(43)}`)).status).toBe(
      404,
    );
    const other = await coach('Autre Coach');
    const invite = await a.agent.post('/api/organisation/invitations', { email: other.email });
    const taken = await new Agent(server.url).post(
      `/api/organisation/invitations/${invite.body.token}/accept`,
      { name: 'Autre', password: 'motdepasse-autre' },
    );
    expect(taken.status).toBe(409);
  });
});

describe('[ORG4][LIB4] shared library', () => {
  it('shows shared items to the coaches of the organisation, read-only; unshared ones and other organisations see nothing', async () => {
    const a = await coach('Claire Dubois');
    const b = await invitedCoach(a.agent, 'Marc Leroy');
    const stranger = await coach('Autre Coach');

    const shared = await a.agent.post('/api/library', {
      kind: 'resource',
      title: 'Fiche métiers',
      resourceKind: 'link',
      url: 'https://exemple.fr/fiche',
      shared: true,
    });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({
      shared: true,
      mine: true,
      owner: { id: a.id, name: 'Claire Dubois' },
    });
    const mine = await a.agent.post('/api/library', {
      kind: 'step',
      title: 'Étape privée',
    });
    expect(mine.body.shared).toBe(false);

    const seen = await b.agent.get('/api/library');
    expect(seen.status).toBe(200);
    expect(seen.body).toEqual([
      expect.objectContaining({
        id: shared.body.id,
        title: 'Fiche métiers',
        shared: true,
        mine: false,
        owner: { id: a.id, name: 'Claire Dubois' },
      }),
    ]);
    expect((await stranger.agent.get('/api/library')).body).toEqual([]);

    const edit = await b.agent.put(`/api/library/${shared.body.id}`, {
      kind: 'resource',
      title: 'Changé',
      resourceKind: 'link',
      url: 'https://exemple.fr/x',
    });
    expect(edit.status).toBe(403);
    expect(edit.body.error).toMatch(/partagé par une autre personne/);
    expect((await b.agent.delete(`/api/library/${shared.body.id}`)).status).toBe(403);
    expect((await b.agent.delete(`/api/library/${mine.body.id}`)).status).toBe(404);
    expect((await stranger.agent.delete(`/api/library/${shared.body.id}`)).status).toBe(404);

    // The owner's edit without `shared` keeps it; unsharing hides it again.
    const kept = await a.agent.put(`/api/library/${shared.body.id}`, {
      kind: 'resource',
      title: 'Fiche métiers 2',
      resourceKind: 'link',
      url: 'https://exemple.fr/fiche',
    });
    expect(kept.body.shared).toBe(true);
    const unshared = await a.agent.put(`/api/library/${shared.body.id}`, {
      kind: 'resource',
      title: 'Fiche métiers 2',
      resourceKind: 'link',
      url: 'https://exemple.fr/fiche',
      shared: false,
    });
    expect(unshared.body.shared).toBe(false);
    expect((await b.agent.get('/api/library')).body).toEqual([]);
    expect((await a.agent.post('/api/library', { kind: 'step', title: 'X', shared: 'oui' })).status).toBe(
      400,
    );
  });
});

describe('[ORG5][FILE6] shared library files', () => {
  it('lets the owner and the organisation read a shared file; learners only once it is in their pathway', async () => {
    const a = await coach('Claire Dubois');
    const b = await invitedCoach(a.agent, 'Marc Leroy');
    const stranger = await coach('Autre Coach');
    const learnerA = await learnerOf(a.agent);
    const { learner: learnerB, sharedDoc: docB } = await accompanied(b.agent);
    const { learner: otherB, sharedDoc: otherDocB } = await accompanied(b.agent);
    const { learner: learnerStranger, sharedDoc: docStranger } = await accompanied(stranger.agent);

    const file = await a.agent.upload('/api/files', { file: { bytes: PDF, name: 'fiche.pdf' } });
    expect(file.status).toBe(201);
    const fileId = file.body.id as string;
    const item = await a.agent.post('/api/library', {
      kind: 'resource',
      title: 'Fiche',
      resourceKind: 'document',
      fileId,
    });
    const read = async (agent: Agent) => (await agent.download(`/api/files/${fileId}`)).status;
    const matrix = async () => [
      await read(a.agent),
      await read(learnerA),
      await read(b.agent),
      await read(learnerB),
      await read(stranger.agent),
      await read(learnerStranger),
    ];
    expect(await matrix()).toEqual([200, 404, 404, 404, 404, 404]);
    // Not shared yet: the colleague cannot read it, so naming it in a pathway grants nothing.
    await insertDocumentStep(b.agent, otherDocB, fileId, 'Trop tôt');
    expect(await read(otherB)).toBe(404);

    const itemBody = { kind: 'resource', title: 'Fiche', resourceKind: 'document', fileId };
    await a.agent.put(`/api/library/${item.body.id}`, { ...itemBody, shared: true });
    // Shared: the colleague reads it; no learner does until it is copied into their pathway.
    expect(await matrix()).toEqual([200, 404, 200, 404, 404, 404]);

    await insertDocumentStep(b.agent, docB, fileId, 'Lire la fiche');
    expect(
      await until(
        () => read(learnerB),
        (s) => s === 200,
      ),
    ).toBe(200);
    // Another organisation's coach naming the id in their pathway gains nothing for their learner.
    await insertDocumentStep(stranger.agent, docStranger, fileId, 'Fiche d’ailleurs');
    expect(await matrix()).toEqual([200, 404, 200, 200, 404, 404]);
    expect(await read(otherB)).toBe(404);

    // Unshared, then deleted: the copy in the colleague's pathway keeps the file readable there, by its
    // learner and its coach (FILE6); the library no longer gives it to anyone else.
    await a.agent.put(`/api/library/${item.body.id}`, { ...itemBody, shared: false });
    expect(await matrix()).toEqual([200, 404, 200, 200, 404, 404]);
    expect((await a.agent.delete(`/api/library/${item.body.id}`)).status).toBe(204);
    expect(await matrix()).toEqual([200, 404, 200, 200, 404, 404]);
    // A copy is not a library: copying it from one pathway into another grants nothing once unshared.
    await insertDocumentStep(b.agent, otherDocB, fileId, 'Recopiée');
    expect(await read(otherB)).toBe(404);
    expect(await read(new Agent(server.url))).toBe(401);
  });
});
