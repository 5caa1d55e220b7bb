import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, fixture, uniqueEmail, type Fixture } from '../test-support/http.ts';
import { DAY, MINUTE, clockFrom, paris } from '../test-support/scheduling.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { startMailCatcher, textPart, type CaughtMail } from '../test-support/smtp.ts';
import { addMonths } from './job.ts';

/** The decoded subject (nodemailer encodes non-ASCII ones as RFC 2047 words). */
function subject(raw: string): string {
  const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1] ?? '';
  return header
    .replace(/\r\n[ \t]/g, ' ')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=\s*/gi, (_, enc: string, text: string) =>
      enc.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-F]{2})/gi, (_m: string, h: string) => String.fromCharCode(parseInt(h, 16))),
            'latin1',
          ).toString('utf8'),
    );
}

const ANSWERS = {
  satisfaction: 5,
  objectives: 4,
  listening: 5,
  recommend: true,
  comment: 'Très utile, merci.',
};

async function complete(coach: Agent, accompanimentId: string): Promise<void> {
  const reply = await coach.request('PATCH', `/api/accompaniments/${accompanimentId}/admin`, {
    status: 'completed',
  });
  if (reply.status !== 200) throw new Error(`admin ${reply.status}: ${reply.text}`);
}

/** A new accompaniment of `coach` whose learner (a new account, signed in) accepted the invitation. */
async function withLearner(
  coach: Agent,
  baseUrl: string,
  name: string,
  title = `Coaching — ${name}`,
): Promise<{ id: string; learner: Agent; learnerId: string; email: string }> {
  const acc = await coach.post('/api/accompaniments', { title, kind: 'coaching', hoursBudget: 10 });
  if (acc.status !== 201) throw new Error(`create ${acc.status}: ${acc.text}`);
  const email = uniqueEmail('appr');
  const invite = await coach.post(`/api/accompaniments/${acc.body.id}/invitations`, { email });
  const learner = new Agent(baseUrl);
  const accepted = await learner.post(`/api/invitations/${invite.body.token}/accept`, {
    name,
    password: 'motdepasse-l',
  });
  if (accepted.status !== 201) throw new Error(`accept ${accepted.status}: ${accepted.text}`);
  return { id: acc.body.id, learner, learnerId: accepted.body.id, email };
}

async function startServerWithMail(mails: CaughtMail[], startIso: string) {
  const smtp = await startMailCatcher(mails);
  const server = await startTestServer({
    smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
    clock: clockFrom(startIso),
    clockControl: true,
    publicUrl: 'https://compagnon.exemple.fr',
    // The tests run the job themselves.
    surveyIntervalMs: 3_600_000,
  });
  return { smtp, server };
}

describe('[SURVEY2] [SURVEY3] the survey job', () => {
  const mails: CaughtMail[] = [];
  let smtp: { port: number; close(): Promise<void> };
  let server: TestServer;
  let f: Fixture;
  let endedAt = 0;
  let mailedAt = 0;
  const advanceTo = (ms: number) => server.clockControl!.advance(Math.max(0, ms - server.clock.now()));
  const learnerEmail = async () => (await server.storage.users.findById(f.ids.learner))!.email;

  beforeAll(async () => {
    // Monday 1 March 2027, 10:00 in Paris.
    ({ smtp, server } = await startServerWithMail(mails, '2027-03-01T09:00:00Z'));
    f = await fixture(server.url);
    mails.length = 0;
  });
  afterAll(async () => {
    await server.dispose();
    await smtp.close();
  });

  it('creates the end survey once the accompaniment is completed, and e-mails the learner once', async () => {
    expect(await server.runSurveys()).toEqual({ created: 0, mailed: 0, reminded: 0 });
    expect((await f.learner.get('/api/surveys/pending')).body).toEqual({ surveys: [] });

    await complete(f.coach, f.accompaniment.id);
    endedAt = Date.parse((await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/admin`)).body.endedAt);
    expect(await server.runSurveys()).toEqual({ created: 1, mailed: 1, reminded: 0 });
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toEqual([await learnerEmail()]);
    expect(subject(mails[0]!.raw)).toBe('Votre avis sur « Bilan de compétences — Test » — Compagnon');
    const text = textPart(mails[0]!.raw);
    expect(text).toContain('Bonjour Léa Test,');
    expect(text).toContain(
      'Votre accompagnement « Bilan de compétences — Test » avec Coach A vient de se terminer.',
    );
    expect(text).toContain(`https://compagnon.exemple.fr/accompagnements/${f.accompaniment.id}#votre-avis`);

    // Once: later passes create and send nothing more.
    expect(await server.runSurveys()).toEqual({ created: 0, mailed: 0, reminded: 0 });
    server.clockControl!.advance(2 * DAY);
    expect(await server.runSurveys()).toEqual({ created: 0, mailed: 0, reminded: 0 });
    expect(mails).toHaveLength(1);

    const pending = await f.learner.get('/api/surveys/pending');
    expect(pending.status).toBe(200);
    expect(pending.body.surveys).toHaveLength(1);
    const survey = pending.body.surveys[0];
    expect(survey).toMatchObject({
      accompanimentId: f.accompaniment.id,
      accompanimentTitle: 'Bilan de compétences — Test',
      kind: 'end',
    });
    const sentAt = Date.parse(survey.sentAt);
    expect(sentAt - endedAt).toBeGreaterThanOrEqual(0);
    expect(sentAt - endedAt).toBeLessThan(5000);
    expect(survey.dueAt).toBe(new Date(sentAt + 30 * DAY).toISOString());
    // The coach has none to answer, and sees the state only.
    expect((await f.coach.get('/api/surveys/pending')).body).toEqual({ surveys: [] });
    const seen = await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/surveys`);
    expect(seen.body.surveys).toHaveLength(1);
    expect(seen.body.surveys[0]).toMatchObject({ kind: 'end', status: 'open', reminders: 0 });
    mailedAt = Date.parse(seen.body.surveys[0].mailedAt);
    expect(mailedAt).toBe(sentAt);
  });

  it('reminds after 7 and 14 days while unanswered, then never again', async () => {
    mails.length = 0;
    advanceTo(mailedAt + 7 * DAY - MINUTE);
    expect((await server.runSurveys()).reminded).toBe(0);
    advanceTo(mailedAt + 7 * DAY);
    expect(await server.runSurveys()).toEqual({ created: 0, mailed: 0, reminded: 1 });
    expect(subject(mails[0]!.raw)).toBe(
      'Rappel : votre avis sur « Bilan de compétences — Test » — Compagnon',
    );
    expect(textPart(mails[0]!.raw)).toContain('Petit rappel : votre accompagnement');
    expect((await server.runSurveys()).reminded).toBe(0);

    advanceTo(mailedAt + 14 * DAY);
    expect((await server.runSurveys()).reminded).toBe(1);
    for (const days of [15, 21, 28, 29]) {
      advanceTo(mailedAt + days * DAY);
      expect((await server.runSurveys()).reminded).toBe(0);
    }
    expect(mails).toHaveLength(2);
    const email = await learnerEmail();
    expect(mails.every((m) => m.to[0] === email)).toBe(true);
    const state = await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/surveys`);
    expect(state.body.surveys[0].reminders).toBe(2);
  });

  it('closes the survey after 30 days: no longer pending, answering is refused (410)', async () => {
    advanceTo(mailedAt + 30 * DAY);
    expect((await f.learner.get('/api/surveys/pending')).body).toEqual({ surveys: [] });
    const id = (await f.coach.get(`/api/accompaniments/${f.accompaniment.id}/surveys`)).body.surveys[0].id;
    const late = await f.learner.post(`/api/surveys/${id}/answers`, { answers: ANSWERS });
    expect(late.status).toBe(410);
    expect(late.body.error).toMatch(/^Ce questionnaire est clos depuis le \d+ mars 2027\.$/);
    expect((await f.learner.get(`/api/surveys/${id}`)).body.status).toBe('closed');
  });

  it('creates the follow-up survey once SURVEY_FOLLOWUP_MONTHS (6) have passed since the end', async () => {
    mails.length = 0;
    const due = addMonths(endedAt, 6);
    advanceTo(due - DAY);
    expect((await server.runSurveys()).created).toBe(0);
    advanceTo(due);
    expect(await server.runSurveys()).toEqual({ created: 1, mailed: 1, reminded: 0 });
    expect((await server.runSurveys()).created).toBe(0);
    const pending = (await f.learner.get('/api/surveys/pending')).body.surveys;
    expect(pending.map((s: { kind: string }) => s.kind)).toEqual(['follow-up']);
    expect(textPart(mails[0]!.raw)).toContain(
      'Il y a quelques mois, vous avez terminé votre accompagnement « Bilan de compétences — Test » avec Coach A.',
    );
  });

  it('never e-mails during the quiet hours (20:00–08:00, Paris): the survey waits for the morning', async () => {
    mails.length = 0;
    const other = await withLearner(f.coach, server.url, 'Hugo Nuit');
    mails.length = 0;
    // Wednesday 8 September 2027, 21:30 in Paris.
    advanceTo(Date.parse(paris('2027-09-08', '21:30')));
    await complete(f.coach, other.id);
    expect(await server.runSurveys()).toEqual({ created: 1, mailed: 0, reminded: 0 });
    // Created at once: the app shows it even before the e-mail.
    expect((await other.learner.get('/api/surveys/pending')).body.surveys).toHaveLength(1);
    advanceTo(Date.parse(paris('2027-09-09', '07:59')));
    expect((await server.runSurveys()).mailed).toBe(0);
    // The follow-up survey's first reminder (due at 11:00 the day before) waited for the morning too.
    advanceTo(Date.parse(paris('2027-09-09', '08:00')));
    expect(await server.runSurveys()).toEqual({ created: 0, mailed: 1, reminded: 1 });
    expect(mails.filter((m) => m.to[0] === other.email)).toHaveLength(1);
    const email = await learnerEmail();
    expect(mails.filter((m) => m.to[0] === email)).toHaveLength(1);
  });

  it('without SMTP the surveys are still created, only not e-mailed', async () => {
    const quiet = await startTestServer({ clockControl: true, surveyIntervalMs: 3_600_000 });
    try {
      const g = await fixture(quiet.url);
      await complete(g.coach, g.accompaniment.id);
      expect(await quiet.runSurveys()).toEqual({ created: 1, mailed: 0, reminded: 0 });
      expect((await g.learner.get('/api/surveys/pending')).body.surveys).toHaveLength(1);
    } finally {
      await quiet.dispose();
    }
  });
});

describe('[SURVEY2] [SURVEY4] [SURVEY5] sending by hand, reading and answering once', () => {
  const mails: CaughtMail[] = [];
  let smtp: { port: number; close(): Promise<void> };
  let server: TestServer;
  let f: Fixture;
  let surveyId = '';

  beforeAll(async () => {
    ({ smtp, server } = await startServerWithMail(mails, '2027-03-02T09:00:00Z'));
    f = await fixture(server.url);
    mails.length = 0;
  });
  afterAll(async () => {
    await server.dispose();
    await smtp.close();
  });

  it('the coach sends one survey of each kind by hand (201, then 409); the job e-mails it', async () => {
    const path = `/api/accompaniments/${f.accompaniment.id}/surveys`;
    const sent = await f.coach.post(path, { kind: 'end' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ kind: 'end', status: 'open', answeredAt: null, mailedAt: null });
    expect(sent.body.questions.map((q: { id: string }) => q.id)).toEqual([
      'satisfaction',
      'objectives',
      'listening',
      'recommend',
      'comment',
    ]);
    surveyId = sent.body.id;
    const again = await f.coach.post(path, { kind: 'end' });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe(
      'Le questionnaire de fin d’accompagnement a déjà été envoyé pour cet accompagnement.',
    );
    expect((await f.coach.post(path, { kind: 'milieu' })).status).toBe(422);
    expect((await f.coach.post(path, {})).status).toBe(422);
    expect((await f.learner.post(path, { kind: 'follow-up' })).status).toBe(403);
    expect((await f.otherCoach.post(path, { kind: 'follow-up' })).status).toBe(404);
    expect((await f.anonymous.post(path, { kind: 'follow-up' })).status).toBe(401);

    const empty = await f.coach.post('/api/accompaniments', {
      title: 'Sans personne',
      kind: 'coaching',
      hoursBudget: 5,
    });
    const noLearner = await f.coach.post(`/api/accompaniments/${empty.body.id}/surveys`, { kind: 'end' });
    expect(noLearner.status).toBe(422);
    expect(noLearner.body.error).toContain('Personne n’a encore rejoint cet accompagnement');

    expect(await server.runSurveys()).toEqual({ created: 0, mailed: 1, reminded: 0 });
    // Completing it afterwards creates no second end survey.
    await complete(f.coach, f.accompaniment.id);
    expect(await server.runSurveys()).toEqual({ created: 0, mailed: 0, reminded: 0 });
    expect(mails).toHaveLength(1);
  });

  it('reads the survey: its learner and its coach, nobody else', async () => {
    const mine = await f.learner.get(`/api/surveys/${surveyId}`);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ id: surveyId, status: 'open', kind: 'end' });
    expect(mine.body.questions[0]).toMatchObject({ type: 'scale', min: 1, max: 5 });
    expect((await f.coach.get(`/api/surveys/${surveyId}`)).status).toBe(200);
    expect((await f.otherCoach.get(`/api/surveys/${surveyId}`)).status).toBe(404);
    expect((await f.anonymous.get(`/api/surveys/${surveyId}`)).status).toBe(401);
    expect((await f.learner.get('/api/surveys/inconnu')).status).toBe(404);
  });

  it('refuses incomplete or invalid answers with 422 and a French message, storing nothing', async () => {
    const path = `/api/surveys/${surveyId}/answers`;
    const cases: [unknown, string][] = [
      [{ answers: { ...ANSWERS, satisfaction: undefined } }, 'satisfaction globale : réponse obligatoire'],
      [{ answers: { ...ANSWERS, objectives: 0 } }, 'objectifs atteints : note entière de 1 à 5 attendue'],
      [{ answers: { ...ANSWERS, recommend: 'oui' } }, 'recommandation : oui ou non attendu'],
      [{ answers: { ...ANSWERS, comment: 'x'.repeat(2001) } }, 'commentaire : au plus 2000 caractères'],
      [{ answers: { ...ANSWERS, note: 3 } }, 'note : question inconnue'],
      [{}, 'Réponses invalides'],
      [{ answers: 'très bien' }, 'Réponses invalides'],
    ];
    for (const [body, message] of cases) {
      const reply = await f.learner.post(path, body);
      expect(reply.status, JSON.stringify(body).slice(0, 80)).toBe(422);
      expect(reply.body.error).toContain(message);
    }
    expect((await f.learner.get('/api/surveys/pending')).body.surveys).toHaveLength(1);
  });

  it('takes one answer from the learner only: the coach 403, a second answer 409', async () => {
    const path = `/api/surveys/${surveyId}/answers`;
    expect((await f.coach.post(path, { answers: ANSWERS })).status).toBe(403);
    expect((await f.otherCoach.post(path, { answers: ANSWERS })).status).toBe(404);
    const first = await f.learner.post(path, { answers: ANSWERS });
    expect(first.status).toBe(201);
    // The server clock (CLOCK1), which runs on from its start in 2027.
    expect(Math.abs(Date.parse(first.body.answeredAt) - server.clock.now())).toBeLessThan(5000);
    const second = await f.learner.post(path, { answers: { ...ANSWERS, satisfaction: 1 } });
    expect(second.status).toBe(409);
    expect(second.body.error).toBe('Vous avez déjà répondu à ce questionnaire : merci !');
    expect((await f.learner.get('/api/surveys/pending')).body).toEqual({ surveys: [] });
    // The coach sees that it was answered, never what.
    const seen = await f.coach.get(`/api/surveys/${surveyId}`);
    expect(seen.body.status).toBe('answered');
    expect(seen.text).not.toContain('Très utile');
    // Answered: never reminded.
    server.clockControl!.advance(8 * DAY);
    expect((await server.runSurveys()).reminded).toBe(0);
  });

  it('of two answers sent at once, exactly one is recorded', async () => {
    const sent = await f.coach.post(`/api/accompaniments/${f.accompaniment.id}/surveys`, {
      kind: 'follow-up',
    });
    expect(sent.status).toBe(201);
    const replies = await Promise.all(
      [1, 2, 3, 4].map((n) =>
        f.learner.post(`/api/surveys/${sent.body.id}/answers`, { answers: { ...ANSWERS, satisfaction: n } }),
      ),
    );
    expect(replies.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
  });
});

describe('[SURVEY6] [SURVEY7] the organisation’s results', () => {
  const mails: CaughtMail[] = [];
  let smtp: { port: number; close(): Promise<void> };
  let server: TestServer;
  let manager: Agent;
  let colleague: { agent: Agent; id: string };
  const names: string[] = [];
  const titles: string[] = [];
  const accIds: string[] = [];

  async function sendAndAnswer(coach: Agent, name: string, answers: Record<string, unknown> | null) {
    const acc = await withLearner(coach, server.url, name, `Bilan secret — ${name}`);
    names.push(name);
    titles.push(`Bilan secret — ${name}`);
    accIds.push(acc.id);
    const sent = await coach.post(`/api/accompaniments/${acc.id}/surveys`, { kind: 'end' });
    expect(sent.status).toBe(201);
    if (answers)
      expect((await acc.learner.post(`/api/surveys/${sent.body.id}/answers`, { answers })).status).toBe(201);
    return acc;
  }

  beforeAll(async () => {
    ({ smtp, server } = await startServerWithMail(mails, '2027-04-05T09:00:00Z'));
    manager = new Agent(server.url);
    await manager.signUp(uniqueEmail('resp'), 'motdepasse-r', 'Responsable R');
    // A coach of the same organisation, invited by its manager.
    const invite = await manager.post('/api/organisation/invitations', { email: uniqueEmail('coll') });
    const agent = new Agent(server.url);
    const accepted = await agent.post(`/api/organisation/invitations/${invite.body.token}/accept`, {
      name: 'Collègue C',
      password: 'motdepasse-c',
    });
    expect(accepted.status).toBe(201);
    colleague = { agent, id: accepted.body.id };

    const first = await sendAndAnswer(manager, 'Alice Anonyme', {
      ...ANSWERS,
      satisfaction: 5,
      comment: 'Très utile, merci.',
    });
    await sendAndAnswer(manager, 'Bruno Discret', {
      ...ANSWERS,
      satisfaction: 3,
      recommend: false,
      comment: '',
    });
    await sendAndAnswer(manager, 'Chloé Silence', null);
    await sendAndAnswer(colleague.agent, 'Denis Tacite', {
      ...ANSWERS,
      satisfaction: 4,
      objectives: 2,
      comment: 'Un peu court.',
    });
    const funded = await manager.request('PATCH', `/api/accompaniments/${first.id}/admin`, { funder: 'cpf' });
    expect(funded.status).toBe(200);
  });
  afterAll(async () => {
    await server.dispose();
    await smtp.close();
  });

  it('aggregates the organisation: sent, responses, rate, means, distributions, comments', async () => {
    const reply = await manager.get('/api/reports/satisfaction');
    expect(reply.status).toBe(200);
    const r = reply.body;
    expect(r).toMatchObject({ sent: 4, responses: 3, responseRate: 0.75, period: { from: null, to: null } });
    const q = Object.fromEntries(r.questions.map((x: { id: string }) => [x.id, x]));
    expect(q.satisfaction).toMatchObject({ type: 'scale', answered: 3, average: 4 });
    expect(q.satisfaction.distribution).toEqual([
      { value: 1, count: 0 },
      { value: 2, count: 0 },
      { value: 3, count: 1 },
      { value: 4, count: 1 },
      { value: 5, count: 1 },
    ]);
    expect(q.objectives.average).toBe(3.33);
    expect(q.listening.average).toBe(5);
    expect(q.recommend).toMatchObject({ type: 'yes-no', average: 0.67 });
    expect(q.recommend.distribution).toEqual([
      { value: 'yes', count: 2 },
      { value: 'no', count: 1 },
    ]);
    expect(q.satisfaction.label).toBe('Dans l’ensemble, êtes-vous satisfait·e de votre accompagnement ?');
    expect(r.comments).toEqual([
      { at: '2027-04-05T00:00:00.000Z', text: 'Très utile, merci.' },
      { at: '2027-04-05T00:00:00.000Z', text: 'Un peu court.' },
    ]);
  });

  it('names nobody: no learner, no e-mail, no accompaniment, no id in the results', async () => {
    const { text } = await manager.get('/api/reports/satisfaction');
    for (const secret of [...names, ...titles, ...accIds, 'appr.', '@exemple.fr', 'Bilan secret'])
      expect(text).not.toContain(secret);
    expect(Object.keys(JSON.parse(text).comments[0]).sort()).toEqual(['at', 'text']);
  });

  it('filters by coach, kind, funder and period', async () => {
    const byColleague = await manager.get(`/api/reports/satisfaction?coachId=${colleague.id}`);
    expect(byColleague.body).toMatchObject({ sent: 1, responses: 1, responseRate: 1 });
    expect(byColleague.body.comments).toEqual([{ at: '2027-04-05T00:00:00.000Z', text: 'Un peu court.' }]);
    expect((await manager.get('/api/reports/satisfaction?kind=follow-up')).body).toMatchObject({
      sent: 0,
      responses: 0,
      responseRate: 0,
    });
    expect((await manager.get('/api/reports/satisfaction?kind=end')).body.sent).toBe(4);
    expect((await manager.get('/api/reports/satisfaction?funder=cpf')).body).toMatchObject({
      sent: 1,
      responses: 1,
    });
    // Days in Paris, `to` included.
    expect((await manager.get('/api/reports/satisfaction?from=2027-04-05&to=2027-04-05')).body.sent).toBe(4);
    const before = await manager.get('/api/reports/satisfaction?to=2027-04-04');
    expect(before.body).toMatchObject({ sent: 0, period: { from: null, to: '2027-04-04T22:00:00.000Z' } });
    expect((await manager.get('/api/reports/satisfaction?from=2027-04-06')).body.sent).toBe(0);
    expect(
      (await manager.get('/api/reports/satisfaction?from=2027-04-05T08:00:00Z&to=2027-04-05T10:00:00Z')).body
        .sent,
    ).toBe(4);
  });

  it('refuses unreadable filters with 422 and a French message', async () => {
    const cases: [string, string][] = [
      ['from=hier', 'Début de période illisible'],
      ['to=2027-02-30', 'Fin de période illisible'],
      ['from=2027-04-06&to=2027-04-01', 'La fin de la période doit être après son début.'],
      ['kind=milieu', 'Type de questionnaire inconnu'],
      ['funder=mecene', 'Financeur inconnu'],
      ['coachId=quelquun', 'ne fait pas partie de l’organisation'],
    ];
    for (const [query, message] of cases) {
      const reply = await manager.get(`/api/reports/satisfaction?${query}`);
      expect(reply.status, query).toBe(422);
      expect(reply.body.error).toContain(message);
    }
  });

  it('is for the manager only: coaches and learners 403, anonymous 401; another organisation sees its own', async () => {
    const coachReply = await colleague.agent.get('/api/reports/satisfaction');
    expect(coachReply.status).toBe(403);
    expect(coachReply.body.error).toBe(
      'Les résultats de satisfaction sont réservés à la ou au responsable de l’organisation.',
    );
    const learner = await withLearner(manager, server.url, 'Eve Curieuse');
    expect((await learner.learner.get('/api/reports/satisfaction')).status).toBe(403);
    expect((await new Agent(server.url).get('/api/reports/satisfaction')).status).toBe(401);
    const elsewhere = new Agent(server.url);
    await elsewhere.signUp(uniqueEmail('autre'), 'motdepasse-x', 'Autre Structure');
    expect((await elsewhere.get('/api/reports/satisfaction')).body).toMatchObject({ sent: 0, responses: 0 });
  });
});
