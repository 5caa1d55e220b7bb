import {
  answerTextFragment,
  listExerciseComments,
  listExercises,
  listMessages,
  listPhases,
  listPolls,
  listPrompts,
  listSteps,
  notesText,
  privateNotes,
  readAnswers,
  readBoard,
  readMeta,
  readPrivateAnswers,
  readWorkshopTitle,
  sharedNotes,
  validateDoc,
  workshopDocument,
} from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { demoBanner } from '../app.ts';
import { Agent } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';
import { DEMO_ACCOUNTS, DEMO_EXERCISES, DEMO_PASSWORD, DEMO_WORKSHOP_TITLE, seedDemo } from './seed.ts';

const signIn = async (who: keyof typeof DEMO_ACCOUNTS): Promise<Agent> => {
  const agent = new Agent(server.url);
  expect((await agent.signIn(DEMO_ACCOUNTS[who].email, DEMO_PASSWORD)).status).toBe(200);
  return agent;
};

/** Léa's bilan, as she lists it. */
const leaBilan = async (lea: Agent): Promise<{ id: string; sharedDoc: string }> =>
  (await lea.get('/api/accompaniments')).body[0];

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ demo: true });
});
afterAll(() => server.dispose());

describe('demo seed', () => {
  it('seeds three accounts and two accompaniments under way, and prints the accounts', async () => {
    expect(server.demo?.seeded).toBe(true);
    const banner = demoBanner(server.demo!).join('\n');
    expect(banner).toContain(DEMO_PASSWORD);
    for (const account of Object.values(DEMO_ACCOUNTS)) expect(banner).toContain(account.email);

    const coach = new Agent(server.url);
    expect((await coach.signIn(DEMO_ACCOUNTS.coach.email, DEMO_PASSWORD)).body.name).toBe('Claire Dubois');
    const list = (await coach.get('/api/accompaniments')).body as {
      title: string;
      kind: string;
      hoursBudget: number;
      learner: { name: string };
    }[];
    expect(list.map((a) => [a.title, a.kind, a.hoursBudget, a.learner.name]).sort()).toEqual([
      ['Bilan de compétences — Léa Martin', 'bilan', 24, 'Léa Martin'],
      ['Outplacement — Karim Benali', 'outplacement', 40, 'Karim Benali'],
    ]);
  });

  it('[PERSIST4] the bilan doc has steps in the three phases, some done, and shared notes; Léa sees it', async () => {
    const lea = new Agent(server.url);
    expect((await lea.signIn(DEMO_ACCOUNTS.lea.email, DEMO_PASSWORD)).status).toBe(200);
    const [bilan] = (await lea.get('/api/accompaniments')).body;
    expect(bilan.privateDoc).toBeNull();
    const client = await SyncClient.connect(server.url, bilan.sharedDoc, lea.cookieHeader);
    const doc = client.doc;
    expect(readMeta(doc)).toMatchObject({
      title: 'Bilan de compétences — Léa Martin',
      kind: 'bilan',
      hoursBudget: 24,
    });
    const phases = listPhases(doc);
    expect(phases).toHaveLength(3);
    const steps = listSteps(doc);
    for (const phase of phases) expect(steps.some((s) => s.phaseId === phase.id)).toBe(true);
    expect(steps.some((s) => s.status === 'done')).toBe(true);
    expect(steps.some((s) => s.status === 'todo')).toBe(true);
    expect(notesText(sharedNotes(doc))).toContain('reconversion');
    expect(validateDoc(doc)).toEqual([]);
    await client.close();
  });

  it('the coach’s private notes are in the private doc only', async () => {
    const coach = new Agent(server.url);
    await coach.signIn(DEMO_ACCOUNTS.coach.email, DEMO_PASSWORD);
    const list = (await coach.get('/api/accompaniments')).body as {
      kind: string;
      privateDoc: string;
      sharedDoc: string;
    }[];
    const bilan = list.find((a) => a.kind === 'bilan')!;
    const secret = new Y.Doc();
    for (const u of await server.storage.docs.load(bilan.privateDoc)) Y.applyUpdate(secret, u);
    expect(notesText(privateNotes(secret))).toContain('légitimité');
    const shared = new Y.Doc();
    for (const u of await server.storage.docs.load(bilan.sharedDoc)) Y.applyUpdate(shared, u);
    expect(notesText(privateNotes(shared))).toBe('');
  });

  it('[SCHED1] the coach opens Monday to Friday, 9:00–12:30 and 14:00–18:00, Paris time', async () => {
    const coach = await signIn('coach');
    const av = (await coach.get('/api/availability')).body as {
      timeZone: string;
      weekly: { day: number; start: string; end: string }[];
    };
    expect(av.timeZone).toBe('Europe/Paris');
    expect(av.weekly).toHaveLength(10);
    for (let day = 1; day <= 5; day++) {
      expect(av.weekly).toContainEqual({ day, start: '09:00', end: '12:30' });
      expect(av.weekly).toContainEqual({ day, start: '14:00', end: '18:00' });
    }
  });

  it('[SCHED7][SCHED8] Léa has two sessions held and signed by both, one video session to come, and hours', async () => {
    const lea = await signIn('lea');
    const bilan = await leaBilan(lea);
    const { appointments } = (await lea.get(`/api/accompaniments/${bilan.id}/appointments`)).body as {
      appointments: {
        start: string;
        mode: string;
        status: string;
        countedMinutes: number | null;
        phase: string | null;
        attendance: { role: string; method: string }[];
      }[];
    };
    const now = Date.now();
    const held = appointments.filter((a) => a.status === 'held');
    expect(held).toHaveLength(2);
    for (const a of held) {
      expect(Date.parse(a.start)).toBeLessThan(now);
      expect(a.countedMinutes).toBe(90);
      expect(a.phase).not.toBeNull();
      expect(a.attendance.map((r) => [r.role, r.method]).sort()).toEqual([
        ['coach', 'drawn'],
        ['learner', 'drawn'],
      ]);
    }
    const booked = appointments.filter((a) => a.status === 'booked');
    expect(booked).toHaveLength(1);
    expect(booked[0]!.mode).toBe('video');
    const start = Date.parse(booked[0]!.start);
    expect(start).toBeGreaterThan(now);
    expect(start - now).toBeLessThan(6 * 86_400_000);

    const hours = (await lea.get(`/api/accompaniments/${bilan.id}/hours`)).body as {
      contractedMinutes: number;
      providerMinutes: number;
      personalMinutes: number;
      warning: string | null;
    };
    expect(hours).toMatchObject({ contractedMinutes: 24 * 60, providerMinutes: 180, personalMinutes: 105 });

    const coach = await signIn('coach');
    const chain = (await coach.get(`/api/accompaniments/${bilan.id}/attendance/verify`)).body;
    expect(chain).toMatchObject({ ok: true, records: 4 });
    const pdf = await coach.get(`/api/accompaniments/${bilan.id}/attendance.pdf`);
    expect(pdf.status).toBe(200);
  });

  it('[LIB5] the library offers the values and SWOT exercises, valid for the model', async () => {
    const coach = await signIn('coach');
    const items = (await coach.get('/api/library')).body as {
      kind: string;
      title: string;
      exercise: { questions: { type: string }[] } | null;
    }[];
    const exercises = items.filter((i) => i.kind === 'exercise');
    expect(exercises.map((i) => i.title).sort()).toEqual([DEMO_EXERCISES.swot, DEMO_EXERCISES.values].sort());
    const types = (title: string) =>
      exercises.find((i) => i.title === title)!.exercise!.questions.map((q) => q.type);
    expect(types(DEMO_EXERCISES.values)).toEqual(['ranking', 'text']);
    expect(types(DEMO_EXERCISES.swot)).toEqual(['grid']);
  });

  it('the values exercise is placed in a step of Léa’s pathway, with her answers and a coach comment', async () => {
    const lea = await signIn('lea');
    const client = await SyncClient.connect(server.url, (await leaBilan(lea)).sharedDoc, lea.cookieHeader);
    const doc = client.doc;
    const [exercise, ...others] = listExercises(doc);
    expect(others).toEqual([]);
    expect(exercise!.definition.title).toBe(DEMO_EXERCISES.values);
    expect(listSteps(doc).find((s) => s.id === exercise!.stepId)?.title).toBe(
      'Questionnaire d’intérêts professionnels',
    );
    const [ranking, why] = exercise!.definition.questions;
    if (ranking?.type !== 'ranking') throw new Error('classement attendu');
    const ranked = readAnswers(doc, exercise!.id).ranking[ranking.id]!;
    const label = (cardId: string) => ranking.cards.find((c) => c.id === cardId)!.label;
    expect(ranked.slice(0, 3).map(label)).toEqual(['Utilité sociale', 'Apprentissage', 'Autonomie']);
    expect(ranked).toHaveLength(ranking.cards.length);
    expect(notesText(answerTextFragment(doc, exercise!.id, why!.id))).toContain('tri des déchets');
    const comments = listExerciseComments(doc, exercise!.id);
    expect(comments.map((c) => [c.by.name, c.by.role])).toEqual([['Claire Dubois', 'coach']]);
    expect(validateDoc(doc)).toEqual([]);
    await client.close();
  });

  it('[WS1][WS3][WS6][WS7] the workshop has Léa and Karim, board notes, a prompt, a poll with anonymous votes', async () => {
    const lea = await signIn('lea');
    const { workshops } = (await lea.get('/api/workshops')).body as {
      workshops: { id: string; title: string }[];
    };
    expect(workshops.map((w) => w.title)).toEqual([DEMO_WORKSHOP_TITLE]);
    const workshop = (await lea.get(`/api/workshops/${workshops[0]!.id}`)).body as {
      doc: string;
      answersDoc: string;
      participants: { name: string; answersDoc: string | null }[];
    };
    expect(workshop.participants.map((p) => p.name).sort()).toEqual(['Karim Benali', 'Léa Martin']);
    // Léa learns Karim takes part, never where his answers are.
    expect(workshop.participants.find((p) => p.name === 'Karim Benali')!.answersDoc).toBeNull();

    const shared = await SyncClient.connect(server.url, workshop.doc, lea.cookieHeader);
    expect(readWorkshopTitle(shared.doc)).toBe(DEMO_WORKSHOP_TITLE);
    const notes = readBoard(shared.doc).columns.flatMap((c) => c.notes);
    expect(notes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(notes.map((n) => n.by.name))).toEqual(
      new Set(['Claire Dubois', 'Léa Martin', 'Karim Benali']),
    );
    const [prompt] = listPrompts(shared.doc);
    expect(notes.some((n) => n.fromPromptId === prompt!.id && n.by.name === 'Léa Martin')).toBe(true);
    expect(notesText(workshopDocument(shared.doc))).toContain('Programme');
    expect(listMessages(shared.doc).map((m) => m.by.name)).toEqual(['Claire Dubois', 'Karim Benali']);
    const [poll] = listPolls(shared.doc);
    expect(poll!.options.length).toBeGreaterThanOrEqual(2);
    await shared.close();

    const results = (await lea.get(`/api/workshops/${workshops[0]!.id}/polls/${poll!.id}`)).body as {
      total: number;
      myVote: string | null;
    };
    expect(results.total).toBe(2);
    expect(results.myVote).toBe(poll!.options[0]!.id);

    const mine = await SyncClient.connect(server.url, workshop.answersDoc, lea.cookieHeader);
    expect(readPrivateAnswers(mine.doc)[prompt!.id]).toMatchObject({ sharedAt: expect.any(Number) });
    await mine.close();

    // Karim's answer stays a private draft: only he and the coach receive it, and it is not on the board.
    const coach = await signIn('coach');
    const asCoach = (await coach.get(`/api/workshops/${workshops[0]!.id}`)).body as typeof workshop;
    const karimDoc = asCoach.participants.find((p) => p.name === 'Karim Benali')!.answersDoc!;
    const karims = await SyncClient.connect(server.url, karimDoc, coach.cookieHeader);
    const karimAnswer = readPrivateAnswers(karims.doc)[prompt!.id]!;
    expect(karimAnswer).toMatchObject({ sharedAt: null });
    expect(notes.map((n) => n.text)).not.toContain(karimAnswer.text);
    await karims.close();
  });

  it('does not seed again when the data folder has users', async () => {
    const again = await seedDemo(server.storage);
    expect(again.seeded).toBe(false);
    expect(again.accounts).toHaveLength(3);
    expect(await server.storage.users.count()).toBe(3);
  });
});
