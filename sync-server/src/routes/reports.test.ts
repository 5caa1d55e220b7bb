import {
  addExerciseComment,
  addStep,
  answerTextFragment,
  appendNoteParagraph,
  listExercises,
  listPhases,
  listSteps,
  notesText,
  placeExercise,
  postMessage,
  privateNotes,
  readPathway,
  setContribution,
  setStepStatus,
  sharedNotes,
  synthesisSection,
  type Actor,
  type UserId,
} from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, uniqueEmail, until, type Fixture, type Reply } from '../test-support/http.ts';
import { DAY, bookOrThrow, clockFrom, openEveryDay, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient, upgradeStatus } from '../test-support/sync-client.ts';

// Monday 2 March 2026, 08:00 in Paris (winter time, UTC+1).
const T0 = '2026-03-02T07:00:00Z';
const MARKER = '« MARQUEUR-SECRET-42 »';
const MARKER_CORE = 'MARQUEUR-SECRET-42';
const PDF = new Uint8Array(Buffer.from('%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n', 'latin1'));
const CSV_HEADER = 'Accompagnement;Bénéficiaire;Accompagnant·e;Financeur;Date;Durée (min);Mode;Statut';

/** Moves the server clock forward to `iso` (never back). */
function advanceTo(server: TestServer, iso: string): void {
  const ms = Date.parse(iso) - server.clock.now();
  if (ms > 0) server.clockControl!.advance(ms);
}

async function signUp(server: TestServer, name: string) {
  const agent = new Agent(server.url);
  const me = await agent.signUp(uniqueEmail('coach'), 'motdepasse-solide', name);
  return { agent, id: me.body.id as string };
}

/** `manager` invites a coach into their organisation, who accepts. */
async function invitedCoach(server: TestServer, manager: Agent, name: string) {
  const invite = await manager.post('/api/organisation/invitations', { email: uniqueEmail('collegue') });
  expect(invite.status).toBe(201);
  const agent = new Agent(server.url);
  const accepted = await agent.post(`/api/organisation/invitations/${invite.body.token}/accept`, {
    name,
    password: 'motdepasse-collegue',
  });
  expect(accepted.status).toBe(201);
  return { agent, id: accepted.body.id as string };
}

interface Acc {
  id: string;
  sharedDoc: string;
  privateDoc: string;
  learner: Agent | null;
  learnerId: string | null;
}

async function createAccompaniment(
  server: TestServer,
  coach: Agent,
  body: { title: string; kind: string; hoursBudget: number; template?: string },
  learnerName?: string,
): Promise<Acc> {
  const created = await coach.post('/api/accompaniments', body);
  expect(created.status).toBe(201);
  let learner: Agent | null = null;
  let learnerId: string | null = null;
  if (learnerName) {
    const invite = await coach.post(`/api/accompaniments/${created.body.id}/invitations`, {
      email: uniqueEmail('learner'),
    });
    learner = new Agent(server.url);
    const accepted = await learner.post(`/api/invitations/${invite.body.token}/accept`, {
      name: learnerName,
      password: 'motdepasse-l',
    });
    expect(accepted.status).toBe(201);
    learnerId = accepted.body.id;
  }
  return {
    id: created.body.id,
    sharedDoc: created.body.sharedDoc,
    privateDoc: created.body.privateDoc,
    learner,
    learnerId,
  };
}

const patch = (agent: Agent, id: string, body: unknown) =>
  agent.request('PATCH', `/api/accompaniments/${id}/admin`, body);

async function caseloadRow(agent: Agent, id: string) {
  const reply = await agent.get('/api/reports/caseload');
  expect(reply.status).toBe(200);
  return reply.body.rows.find((r: { accompanimentId: string }) => r.accompanimentId === id);
}

const alertKinds = (row: { alerts: { kind: string }[] }) => row.alerts.map((a) => a.kind).sort();

/** A `;` CSV with quoted fields (doubled quotes, separators and line breaks inside), rows ended by CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ';') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** The CSV's raw bytes: checks the BOM, answers the text after it. */
async function downloadCsv(agent: Agent, query = '') {
  const reply = await agent.download(`/api/reports/hours.csv${query}`);
  expect(reply.status).toBe(200);
  expect(reply.headers.get('content-type')).toBe('text/csv; charset=utf-8');
  expect([...reply.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(reply.bytes);
  return { text: text.slice(1), raw: text, headers: reply.headers };
}

describe('[REPORT1] administrative facts', () => {
  let server: TestServer;
  let f: Fixture;
  beforeAll(async () => {
    server = await startTestServer({ clock: clockFrom(T0), clockControl: true });
    f = await fixture(server.url);
  });
  afterAll(() => server.dispose());
  const id = () => f.accompaniment.id;

  it('answers the defaults to the coach and the learner; 404 to others, 401 anonymous', async () => {
    const empty = {
      funder: null,
      startDate: null,
      endDate: null,
      status: 'active',
      endedAt: null,
      endReason: null,
    };
    expect((await f.coach.get(`/api/accompaniments/${id()}/admin`)).body).toEqual(empty);
    expect((await f.learner.get(`/api/accompaniments/${id()}/admin`)).body).toEqual(empty);
    expect((await f.otherCoach.get(`/api/accompaniments/${id()}/admin`)).status).toBe(404);
    expect((await f.anonymous.get(`/api/accompaniments/${id()}/admin`)).status).toBe(401);
    expect((await patch(f.otherCoach, id(), { funder: 'cpf' })).status).toBe(404);
  });

  it('lets the coach set funder and dates; the learner reads them but gets 403 on change', async () => {
    const r = await patch(f.coach, id(), { funder: 'cpf', startDate: '2026-03-02', endDate: '2026-06-30' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ funder: 'cpf', startDate: '2026-03-02', endDate: '2026-06-30' });
    expect((await f.learner.get(`/api/accompaniments/${id()}/admin`)).body.funder).toBe('cpf');
    const refused = await patch(f.learner, id(), { funder: 'personal' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/personne qui accompagne/);
    // A field left out keeps its value; null clears it.
    expect((await patch(f.coach, id(), { funder: null })).body).toMatchObject({
      funder: null,
      startDate: '2026-03-02',
    });
    await patch(f.coach, id(), { funder: 'cpf' });
  });

  it('refuses bad values with a French message and stores nothing', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ funder: 'banque' }, 400, /financeur/],
      [{ startDate: '2026-02-30' }, 400, /date de début : date attendue au format AAAA-MM-JJ/],
      [{ endDate: '30/06/2026' }, 400, /date de fin/],
      [{ status: 'paused' }, 400, /statut/],
      [{ endDate: '2026-03-01' }, 422, /ne peut pas précéder/],
      [{ status: 'closed' }, 422, /procédure de clôture/],
      [{ endReason: 'sans objet' }, 422, /motif de fin/],
    ];
    for (const [body, status, message] of cases) {
      const r = await patch(f.coach, id(), body);
      expect(r.status, JSON.stringify(body)).toBe(status);
      expect(r.body.error).toMatch(message);
    }
    expect((await f.coach.get(`/api/accompaniments/${id()}/admin`)).body).toMatchObject({
      funder: 'cpf',
      startDate: '2026-03-02',
      endDate: '2026-06-30',
      status: 'active',
    });
  });

  it('records when it ended, by the server clock; back to active clears it; closed is final', async () => {
    advanceTo(server, '2026-06-30T10:00:00Z');
    const done = await patch(f.coach, id(), { status: 'abandoned', endReason: 'Reprise d’emploi' });
    expect(done.status).toBe(200);
    expect(Date.parse(done.body.endedAt)).toBeGreaterThanOrEqual(Date.parse('2026-06-30T10:00:00Z'));
    expect(done.body).toMatchObject({ status: 'abandoned', endReason: 'Reprise d’emploi' });
    // Between ended statuses the end date stays the first one.
    advanceTo(server, '2026-07-02T10:00:00Z');
    const completed = await patch(f.coach, id(), { status: 'completed' });
    expect(completed.body.endedAt).toBe(done.body.endedAt);
    const reopened = await patch(f.coach, id(), { status: 'active' });
    expect(reopened.body).toMatchObject({ status: 'active', endedAt: null, endReason: null });
    await patch(f.coach, id(), { status: 'completed' });
    // The closing workflow marks it closed; its status no longer changes, its outcome is kept.
    expect(await server.storage.accompaniments.markClosed(id(), server.clock.now())).toBe(true);
    expect(await server.storage.accompaniments.find(id())).toMatchObject({
      status: 'closed',
      outcome: 'completed',
    });
    const after = await patch(f.coach, id(), { status: 'active' });
    expect(after.status).toBe(422);
    expect(after.body.error).toMatch(/clôturé/);
  });
});

describe('[REPORT2] co-referents', () => {
  let server: TestServer;
  let manager: Awaited<ReturnType<typeof signUp>>;
  let coach: Awaited<ReturnType<typeof invitedCoach>>;
  let colleague: Awaited<ReturnType<typeof invitedCoach>>;
  let outsider: Awaited<ReturnType<typeof signUp>>;
  let acc: Acc;
  const base = () => `/api/accompaniments/${acc.id}/co-referents`;

  beforeAll(async () => {
    server = await startTestServer();
    manager = await signUp(server, 'Marie Responsable');
    coach = await invitedCoach(server, manager.agent, 'Camille Coach');
    colleague = await invitedCoach(server, manager.agent, 'Dominique Collègue');
    outsider = await signUp(server, 'Xavier Ailleurs');
    acc = await createAccompaniment(
      server,
      coach.agent,
      { title: 'Bilan co-référé', kind: 'bilan', hoursBudget: 24 },
      'Léa Test',
    );
  });
  afterAll(() => server.dispose());

  it('only the manager of the coach’s organisation designates them, among its members', async () => {
    expect((await coach.agent.post(base(), { coachId: colleague.id })).status).toBe(403);
    expect((await acc.learner!.post(base(), { coachId: colleague.id })).status).toBe(403);
    expect((await outsider.agent.post(base(), { coachId: colleague.id })).status).toBe(404);
    expect((await new Agent(server.url).post(base(), { coachId: colleague.id })).status).toBe(401);
    for (const coachId of [outsider.id, acc.learnerId!, 'inconnu'])
      expect((await manager.agent.post(base(), { coachId })).body.error).toMatch(/ne fait pas partie/);
    expect((await manager.agent.post(base(), { coachId: coach.id })).status).toBe(422);
    expect((await manager.agent.post(base(), {})).status).toBe(400);
    const added = await manager.agent.post(base(), { coachId: colleague.id });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ id: colleague.id, name: 'Dominique Collègue' });
    expect((await manager.agent.post(base(), { coachId: colleague.id })).status).toBe(409);
    for (const agent of [manager.agent, coach.agent, colleague.agent, acc.learner!])
      expect((await agent.get(base())).body).toEqual({
        coReferents: [{ id: colleague.id, name: 'Dominique Collègue' }],
      });
    expect((await outsider.agent.get(base())).status).toBe(404);
  });

  it('gives the co-referent the coach’s access: API, caseload, private document', async () => {
    const list = await colleague.agent.get('/api/accompaniments');
    expect(list.body.map((a: { id: string }) => a.id)).toEqual([acc.id]);
    const one = await colleague.agent.get(`/api/accompaniments/${acc.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ role: 'coach', privateDoc: acc.privateDoc });
    expect((await patch(colleague.agent, acc.id, { funder: 'opco' })).status).toBe(200);
    expect(await caseloadRow(colleague.agent, acc.id)).toMatchObject({
      title: 'Bilan co-référé',
      coachName: 'Camille Coach',
      funder: 'opco',
    });
    const client = await SyncClient.connect(server.url, acc.privateDoc, colleague.agent.cookieHeader);
    appendNoteParagraph(privateNotes(client.doc), 'Note de la co-référente');
    // Like the coach, a co-referent copying one of their library documents into the pathway grants it to
    // the learner (FILE6).
    const file = await colleague.agent.upload('/api/files', {
      file: { bytes: PDF, name: 'fiche.pdf', type: 'application/pdf' },
    });
    expect(file.status).toBe(201);
    expect((await acc.learner!.get(`/api/files/${file.body.id}`)).status).toBe(404);
    const shared = await SyncClient.connect(server.url, acc.sharedDoc, colleague.agent.cookieHeader);
    addStep(shared.doc, {
      phaseId: listPhases(shared.doc)[0]!.id,
      title: 'Fiche métier',
      origin: { type: 'library', id: 'item', title: 'Fiche métier' },
      resource: { kind: 'document', title: 'Fiche métier', fileId: file.body.id, fileName: 'fiche.pdf' },
    });
    await until(
      () => acc.learner!.get(`/api/files/${file.body.id}`),
      (r) => r.status === 200,
    );

    // Revoked: the open connection is closed, and everything answers as for a stranger again.
    const removed = await manager.agent.delete(`${base()}/${colleague.id}`);
    expect(removed.status).toBe(204);
    expect((await client.closed).code).toBe(4403);
    expect((await shared.closed).code).toBe(4403);
    expect((await colleague.agent.get(`/api/accompaniments/${acc.id}`)).status).toBe(404);
    expect((await colleague.agent.get(`/api/accompaniments/${acc.id}/admin`)).status).toBe(404);
    expect((await patch(colleague.agent, acc.id, { funder: 'cpf' })).status).toBe(404);
    expect((await colleague.agent.get('/api/accompaniments')).body).toEqual([]);
    expect((await colleague.agent.get('/api/reports/caseload')).body.rows).toEqual([]);
    for (const doc of [acc.privateDoc, acc.sharedDoc])
      expect(await upgradeStatus(server.url, doc, { cookie: colleague.agent.cookieHeader })).toBe(404);
    expect((await manager.agent.delete(`${base()}/${colleague.id}`)).status).toBe(404);
    expect((await coach.agent.delete(`${base()}/${colleague.id}`)).status).toBe(403);
    expect((await manager.agent.get(base())).body).toEqual({ coReferents: [] });
  });
});

describe('[REPORT3][REPORT4] caseload: projections and alerts', () => {
  let server: TestServer;
  let f: Fixture;
  let short: Acc;
  const clients: SyncClient[] = [];
  const id = () => f.accompaniment.id;

  beforeAll(async () => {
    server = await startTestServer({ clock: clockFrom(T0), clockControl: true, progressDelayMs: 200 });
    f = await fixture(server.url, { template: 'bilan' });
    await openEveryDay(f.coach);
    short = await createAccompaniment(server, f.coach, {
      title: 'Coaching court',
      kind: 'coaching',
      hoursBudget: 2,
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.dispose();
  });

  it('answers one row per accompaniment of the coach, with the Server-Timing of the report', async () => {
    const reply = await f.coach.get('/api/reports/caseload');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('server-timing')).toMatch(/^app;dur=\d+(\.\d+)?$/);
    expect(reply.body.rows.map((r: { accompanimentId: string }) => r.accompanimentId).sort()).toEqual(
      [id(), short.id].sort(),
    );
    const row = await caseloadRow(f.coach, id());
    expect(row).toMatchObject({
      title: 'Bilan de compétences — Test',
      kind: 'bilan',
      status: 'active',
      funder: null,
      learnerName: 'Léa Test',
      coachName: 'Coach A',
      contractedMinutes: 1440,
      providerMinutes: 0,
      remainingMinutes: 1440,
      nextAppointmentAt: null,
      lastLearnerActivityAt: null,
      synthesisValidatedAt: null,
      startDate: null,
      endDate: null,
    });
    expect(row.progress).toEqual({ done: 0, total: expect.any(Number), percent: 0 });
    expect(row.progress.total).toBeGreaterThan(3);
    expect(alertKinds(row)).toEqual(['no-next-appointment']);
    expect((await f.otherCoach.get('/api/reports/caseload')).body.rows).toEqual([]);
    expect((await f.learner.get('/api/reports/caseload')).status).toBe(403);
    expect((await f.anonymous.get('/api/reports/caseload')).status).toBe(401);
  });

  it('follows an edit of the document over a real sync client within seconds', async () => {
    const coach = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
    clients.push(coach);
    const [first, second] = readPathway(coach.doc)[0]!.steps;
    setStepStatus(coach.doc, first!.id, 'done');
    setStepStatus(coach.doc, second!.id, 'done');
    const row = await until(
      () => caseloadRow(f.coach, id()),
      (r) => r.progress.done === 2,
    );
    expect(row.progress.percent).toBe(Math.round((2 / row.progress.total) * 100));
    // Learner activity (PATH4) comes from the learner's own edit.
    const learner = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
    clients.push(learner);
    appendNoteParagraph(sharedNotes(learner.doc), 'Mes premières idées');
    const active = await until(
      () => caseloadRow(f.coach, id()),
      (r) => r.lastLearnerActivityAt !== null,
    );
    expect(Date.parse(active.lastLearnerActivityAt)).toBeGreaterThanOrEqual(Date.parse(T0));
  });

  it('flags hours nearly used up, and the next appointment once booked', async () => {
    const session = await bookOrThrow(f.coach, short.id, paris('2026-03-02', '09:00'), {
      durationMinutes: 110,
    });
    const next = await bookOrThrow(f.learner, id(), paris('2026-03-04', '09:00'));
    let row = await caseloadRow(f.coach, id());
    expect(row.nextAppointmentAt).toBe(next.start);
    expect(alertKinds(row)).toEqual([]);
    advanceTo(server, '2026-03-02T10:00:00Z');
    expect((await f.coach.post(`/api/appointments/${session.id}/held`, {})).status).toBe(201);
    row = await caseloadRow(f.coach, short.id);
    expect(row).toMatchObject({ contractedMinutes: 120, providerMinutes: 110, remainingMinutes: 10 });
    expect(alertKinds(row)).toEqual(['hours', 'no-next-appointment']);
    expect(row.alerts.find((a: { kind: string }) => a.kind === 'hours').message).toMatch(
      /Il reste 10 min sur les 2 h prévues/,
    );
  });

  it('flags an inactive learner with the coach’s threshold, by the controllable clock', async () => {
    advanceTo(server, new Date(server.clock.now() + 11 * DAY).toISOString());
    let row = await caseloadRow(f.coach, id());
    // The booked appointment is now past: nothing ahead any more.
    expect(alertKinds(row)).toEqual(['inactive', 'no-next-appointment']);
    expect(row.alerts[0].message).toMatch(
      /Aucune contribution de Léa Test depuis 11 jours \(seuil : 10 jours\)/,
    );
    expect((await f.coach.put('/api/settings', { inactivityDays: 30 })).status).toBe(200);
    row = await caseloadRow(f.coach, id());
    expect(alertKinds(row)).toEqual(['no-next-appointment']);
    await f.coach.put('/api/settings', { inactivityDays: 10 });
  });

  it('flags the phase under way past its share of the contract, and an unvalidated synthesis near the end', async () => {
    // 5 January – 5 April: each of the three phases gets a month; we are mid-March, phase two is current.
    expect((await patch(f.coach, id(), { startDate: '2026-01-05', endDate: '2026-04-05' })).status).toBe(200);
    let row = await caseloadRow(f.coach, id());
    expect(alertKinds(row)).toContain('phase-overdue');
    expect(row.alerts.find((a: { kind: string }) => a.kind === 'phase-overdue').message).toMatch(
      /Phase « Phase préliminaire » en retard : elle devait s’achever le 04\/02\/2026/,
    );
    expect(alertKinds(row)).not.toContain('synthesis-not-validated');
    // The préliminaire phase done: the investigation phase is due 5 March, also past.
    const coach = clients[0]!;
    for (const step of readPathway(coach.doc)[0]!.steps) setStepStatus(coach.doc, step.id, 'done');
    row = await until(
      () => caseloadRow(f.coach, id()),
      (r) => r.alerts.some((a: { message: string }) => a.message.includes('investigation')),
    );
    expect(row.progress.done).toBe(3);
    // The end in less than two weeks without a validated synthesis.
    await patch(f.coach, id(), { endDate: '2026-03-20' });
    row = await caseloadRow(f.coach, id());
    expect(alertKinds(row)).toContain('synthesis-not-validated');
    expect((await f.learner.post(`/api/accompaniments/${id()}/synthesis/validation`)).status).toBe(201);
    row = await caseloadRow(f.coach, id());
    expect(alertKinds(row)).not.toContain('synthesis-not-validated');
    expect(Date.parse(row.synthesisValidatedAt)).toBeGreaterThan(Date.parse(T0));
  });

  it('raises no alert on an ended accompaniment', async () => {
    expect((await patch(f.coach, short.id, { status: 'completed' })).status).toBe(200);
    const row = await caseloadRow(f.coach, short.id);
    expect(row.status).toBe('completed');
    expect(row.alerts).toEqual([]);
  });
});

describe('[REPORT5] organisation report', () => {
  let server: TestServer;
  let manager: Awaited<ReturnType<typeof signUp>>;
  let c1: Awaited<ReturnType<typeof invitedCoach>>;
  let c2: Awaited<ReturnType<typeof invitedCoach>>;
  let outsider: Awaited<ReturnType<typeof signUp>>;
  const acc: Record<'alpha' | 'beta' | 'gamma' | 'delta', Acc> = {} as never;
  const TITLE_ALPHA = 'Bilan « Alpha » ; "phase 1"\nsuite';
  const LEARNER_ALPHA = 'Alice ; "Al" Martin';
  const PERIOD = '?from=2026-03-01&to=2026-04-30';

  beforeAll(async () => {
    server = await startTestServer({ clock: clockFrom(T0), clockControl: true });
    manager = await signUp(server, 'Marie Responsable');
    c1 = await invitedCoach(server, manager.agent, 'Camille Coach');
    c2 = await invitedCoach(server, manager.agent, 'Dominique Coach');
    outsider = await signUp(server, 'Xavier Ailleurs');
    await openEveryDay(c1.agent);
    await openEveryDay(c2.agent);
    acc.alpha = await createAccompaniment(
      server,
      c1.agent,
      { title: TITLE_ALPHA, kind: 'bilan', hoursBudget: 24 },
      LEARNER_ALPHA,
    );
    acc.beta = await createAccompaniment(server, c1.agent, {
      title: 'Coaching Beta',
      kind: 'coaching',
      hoursBudget: 10,
    });
    acc.gamma = await createAccompaniment(
      server,
      c2.agent,
      { title: 'Insertion Gamma', kind: 'insertion', hoursBudget: 10 },
      'Gaspard Petit',
    );
    acc.delta = await createAccompaniment(server, c2.agent, {
      title: '=SOMME(A1:A2)',
      kind: 'outplacement',
      hoursBudget: 10,
    });
    await patch(c1.agent, acc.alpha.id, { funder: 'cpf' });
    await patch(c1.agent, acc.beta.id, { funder: 'employer' });
    await patch(c2.agent, acc.gamma.id, { funder: 'cpf' });
    const a = await bookOrThrow(c1.agent, acc.alpha.id, paris('2026-03-02', '09:00'));
    await bookOrThrow(c1.agent, acc.beta.id, paris('2026-03-03', '14:00'), {
      durationMinutes: 45,
      mode: 'phone',
    });
    const g = await bookOrThrow(c2.agent, acc.gamma.id, paris('2026-04-06', '09:00'), {
      durationMinutes: 90,
      mode: 'onsite',
    });
    await bookOrThrow(c2.agent, acc.delta.id, paris('2026-04-06', '14:00'), { durationMinutes: 30 });
    advanceTo(server, '2026-04-07T08:00:00Z');
    expect((await c1.agent.post(`/api/appointments/${a.id}/held`, {})).status).toBe(201);
    expect((await c2.agent.post(`/api/appointments/${g.id}/held`, {})).status).toBe(201);
    await patch(c1.agent, acc.beta.id, { status: 'completed' });
    await patch(c2.agent, acc.delta.id, { status: 'abandoned', endReason: 'Déménagement' });
  });
  afterAll(() => server.dispose());

  it('gives the manager the organisation’s figures for the period', async () => {
    const reply = await manager.agent.get(`/api/reports/organisation${PERIOD}`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('server-timing')).toMatch(/^app;dur=/);
    expect(reply.body).toEqual({
      organisation: { id: expect.any(String), name: 'Structure de Marie Responsable' },
      period: { from: '2026-03-01', to: '2026-04-30' },
      coaches: [
        {
          id: manager.id,
          name: 'Marie Responsable',
          active: 0,
          completed: 0,
          abandoned: 0,
          providerMinutes: 0,
        },
        { id: c1.id, name: 'Camille Coach', active: 1, completed: 1, abandoned: 0, providerMinutes: 60 },
        { id: c2.id, name: 'Dominique Coach', active: 1, completed: 0, abandoned: 1, providerMinutes: 90 },
      ],
      hoursByMonth: [
        { month: '2026-03', minutes: 60 },
        { month: '2026-04', minutes: 90 },
      ],
      totals: {
        accompaniments: 4,
        active: 2,
        completed: 1,
        abandoned: 1,
        completionRate: 0.5,
        dropoutRate: 0.5,
        providerMinutes: 150,
      },
    });
  });

  it('filters by funder, kind and coach, and counts only what touches the period', async () => {
    const cpf = await manager.agent.get(`/api/reports/organisation${PERIOD}&funder=cpf`);
    expect(cpf.body.totals).toEqual({
      accompaniments: 2,
      active: 2,
      completed: 0,
      abandoned: 0,
      completionRate: 0,
      dropoutRate: 0,
      providerMinutes: 150,
    });
    const coaching = await manager.agent.get(`/api/reports/organisation${PERIOD}&kind=coaching`);
    expect(coaching.body.totals).toMatchObject({ accompaniments: 1, completed: 1, completionRate: 1 });
    const one = await manager.agent.get(`/api/reports/organisation${PERIOD}&coachId=${c2.id}`);
    expect(one.body.coaches.map((c: { id: string }) => c.id)).toEqual([c2.id]);
    expect(one.body.totals).toMatchObject({
      accompaniments: 2,
      abandoned: 1,
      dropoutRate: 1,
      providerMinutes: 90,
    });
    // May: the ended ones are gone, the active ones are still counted, no hours.
    const may = await manager.agent.get('/api/reports/organisation?from=2026-05-01&to=2026-05-31');
    expect(may.body.totals).toMatchObject({ accompaniments: 2, active: 2, completed: 0, providerMinutes: 0 });
    expect(may.body.hoursByMonth).toEqual([{ month: '2026-05', minutes: 0 }]);
    // Before anything was created.
    const before = await manager.agent.get('/api/reports/organisation?from=2026-01-01&to=2026-02-28');
    expect(before.body.totals.accompaniments).toBe(0);
    // By default: this year so far.
    const byDefault = await manager.agent.get('/api/reports/organisation');
    expect(byDefault.body.period).toEqual({ from: '2026-01-01', to: '2026-04-07' });
    expect(byDefault.body.totals.accompaniments).toBe(4);
  });

  it('refuses bad filters with a French message', async () => {
    const cases: [string, RegExp][] = [
      ['?from=2026-13-01', /début de période : date de début attendue au format AAAA-MM-JJ/],
      ['?from=2026-05-01&to=2026-04-01', /la date de début doit précéder la date de fin/],
      ['?from=2000-01-01&to=2026-01-01', /dix ans au plus/],
      ['?funder=banque', /financeur/],
      ['?kind=stage', /type/],
      [`?coachId=${outsider.id}`, /ne fait pas partie de l’organisation/],
    ];
    for (const [query, message] of cases) {
      const r = await manager.agent.get(`/api/reports/organisation${query}`);
      expect(r.status, query).toBe(400);
      expect(r.body.error).toMatch(message);
    }
  });

  it('is the manager’s only: a coach gets 403 there and their own caseload; a learner 403', async () => {
    const refused = await c1.agent.get('/api/reports/organisation');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatch(/responsable/);
    const caseload = await c1.agent.get('/api/reports/caseload');
    expect(caseload.body.rows.map((r: { title: string; status: string }) => [r.title, r.status])).toEqual([
      [TITLE_ALPHA, 'active'],
      ['Coaching Beta', 'completed'],
    ]);
    expect((await manager.agent.get('/api/reports/caseload')).body.rows).toEqual([]);
    const learner = acc.alpha.learner!;
    for (const path of ['/api/reports/organisation', '/api/reports/caseload', '/api/reports/hours.csv'])
      expect((await learner.get(path)).status).toBe(403);
    expect((await new Agent(server.url).get('/api/reports/organisation')).status).toBe(401);
    // Another organisation's manager sees only theirs.
    const other = await outsider.agent.get(`/api/reports/organisation${PERIOD}`);
    expect(other.body.totals.accompaniments).toBe(0);
    expect(other.body.coaches.map((c: { id: string }) => c.id)).toEqual([outsider.id]);
  });

  it('[REPORT6] exports the hours as a French CSV that parses back', async () => {
    const mine = await downloadCsv(c1.agent, PERIOD);
    expect(mine.headers.get('content-disposition')).toBe(
      'attachment; filename="heures-2026-03-01-2026-04-30.csv"',
    );
    expect(mine.text.startsWith(`${CSV_HEADER}\r\n`)).toBe(true);
    expect(mine.text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(mine.text)).toEqual([
      CSV_HEADER.split(';'),
      [TITLE_ALPHA, LEARNER_ALPHA, 'Camille Coach', 'CPF', '02/03/2026 09:00', '60', 'Visio', 'Réalisée'],
      ['Coaching Beta', '', 'Camille Coach', 'Employeur', '03/03/2026 14:00', '45', 'Téléphone', 'Prévue'],
    ]);
    // The manager exports the whole organisation; a value a spreadsheet would compute is defused.
    const all = parseCsv((await downloadCsv(manager.agent, PERIOD)).text);
    expect(all.map((r) => r[0])).toEqual([
      'Accompagnement',
      TITLE_ALPHA,
      'Coaching Beta',
      'Insertion Gamma',
      "'=SOMME(A1:A2)",
    ]);
    expect(all[3]).toEqual([
      'Insertion Gamma',
      'Gaspard Petit',
      'Dominique Coach',
      'CPF',
      '06/04/2026 09:00',
      '90',
      'Présentiel',
      'Réalisée',
    ]);
    expect(all.every((r) => r.length === 8)).toBe(true);
    const march = parseCsv((await downloadCsv(manager.agent, '?from=2026-03-01&to=2026-03-31')).text);
    expect(march).toHaveLength(3);
    expect((await c1.agent.get('/api/reports/hours.csv?to=2026-99-01')).status).toBe(400);
  });
});

describe('[REPORT7] reports carry administrative facts only', () => {
  let server: TestServer;
  let f: Fixture;
  const clients: SyncClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ clock: clockFrom(T0), clockControl: true, progressDelayMs: 100 });
    f = await fixture(server.url, { template: 'bilan' });
    await openEveryDay(f.coach);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.dispose();
  });

  it('never puts note, private note, message, exercise or synthesis text in a report or an export', async () => {
    const id = f.accompaniment.id;
    const coachActor: Actor = { id: f.ids.coach as UserId, name: 'Coach A', role: 'coach' };
    const learnerActor: Actor = { id: f.ids.learner as UserId, name: 'Léa Test', role: 'learner' };
    const coach = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
    const learner = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
    const priv = await SyncClient.connect(server.url, f.accompaniment.privateDoc, f.coach.cookieHeader);
    clients.push(coach, learner, priv);

    // The secret everywhere a person writes.
    const step = listSteps(coach.doc)[0]!;
    const exerciseId = placeExercise(coach.doc, {
      stepId: step.id,
      definition: {
        title: 'Mes valeurs',
        instructions: `Consigne ${MARKER}`,
        questions: [{ id: 'q1', type: 'text', prompt: `Question ${MARKER}` }],
      },
      actor: coachActor,
    });
    appendNoteParagraph(privateNotes(priv.doc), `Note privée ${MARKER}`);
    appendNoteParagraph(sharedNotes(coach.doc), `Note partagée ${MARKER}`);
    postMessage(coach.doc, coachActor, `Message ${MARKER}`);
    await learner.waitFor((doc) => listExercises(doc).length === 1);
    appendNoteParagraph(answerTextFragment(learner.doc, exerciseId, 'q1'), `Réponse ${MARKER}`);
    addExerciseComment(learner.doc, exerciseId, 'q1', learnerActor, `Commentaire ${MARKER}`);
    postMessage(learner.doc, learnerActor, `Réponse au message ${MARKER}`);
    setContribution(learner.doc, step.id, `Contribution ${MARKER}`);
    appendNoteParagraph(synthesisSection(learner.doc, 'projects'), `Projet ${MARKER}`);
    expect(
      (
        await f.coach.post(`/api/accompaniments/${id}/adaptations`, {
          kind: 'postponed',
          stepId: step.id,
          reason: MARKER,
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await f.learner.post(`/api/accompaniments/${id}/personal-time`, {
          minutes: 30,
          date: '2026-03-02',
          note: MARKER,
        })
      ).status,
    ).toBe(201);
    const session = await bookOrThrow(f.coach, id, paris('2026-03-02', '09:00'));
    const cancelled = await bookOrThrow(f.coach, id, paris('2026-03-02', '14:00'));
    await bookOrThrow(f.learner, id, paris('2026-03-09', '09:00'));
    expect((await f.coach.post(`/api/appointments/${cancelled.id}/cancel`, { reason: MARKER })).status).toBe(
      200,
    );
    advanceTo(server, '2026-03-02T10:00:00Z');
    expect(
      (await f.coach.post(`/api/appointments/${session.id}/held`, { minutes: 50, reason: MARKER })).status,
    ).toBe(201);
    expect((await f.learner.post(`/api/accompaniments/${id}/synthesis/validation`)).status).toBe(201);
    await patch(f.coach, id, { funder: 'cpf', startDate: '2026-03-02', endDate: '2026-03-10' });

    // Everything has reached the server: the messages are recorded, the learner's activity projected.
    await until(
      () => f.learner.get(`/api/accompaniments/${id}/messages/unread`),
      (r) => r.body?.unread === 1,
    );
    await until(
      () => caseloadRow(f.coach, id),
      (r) => r.lastLearnerActivityAt !== null,
    );
    const check = await SyncClient.connect(server.url, f.accompaniment.privateDoc, f.coach.cookieHeader);
    clients.push(check);
    await check.waitFor((doc) => notesText(privateNotes(doc)).includes(MARKER_CORE));

    // The secret is on the server, one request away: a report that let it through would show it.
    expect((await f.coach.get(`/api/accompaniments/${id}/timeline`)).text).toContain(MARKER_CORE);
    expect((await f.coach.get(`/api/accompaniments/${id}/hours`)).text).toContain(MARKER_CORE);

    const bodies: [string, Reply][] = [
      ['caseload', await f.coach.get('/api/reports/caseload')],
      ['organisation', await f.coach.get('/api/reports/organisation')],
      ['hours.csv', await f.coach.get('/api/reports/hours.csv?to=2026-03-31')],
      ['admin', await f.coach.get(`/api/accompaniments/${id}/admin`)],
      ['co-referents', await f.coach.get(`/api/accompaniments/${id}/co-referents`)],
    ];
    for (const [name, reply] of bodies) {
      expect(reply.status, name).toBe(200);
      expect(reply.text, name).not.toContain(MARKER_CORE);
    }
    // And they do carry the facts.
    const [caseload, organisation, csv] = bodies.map(([, r]) => r.text);
    expect(caseload).toContain('Bilan de compétences — Test');
    expect(caseload).toContain('"providerMinutes":50');
    expect(organisation).toContain('"providerMinutes":50');
    expect(csv).toContain(
      'Bilan de compétences — Test;Léa Test;Coach A;CPF;02/03/2026 09:00;50;Visio;Réalisée',
    );
    expect(csv).toContain('09/03/2026 09:00;60;Visio;Prévue');
  });
});
