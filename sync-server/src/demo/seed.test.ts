import {
  listPhases,
  listSteps,
  notesText,
  privateNotes,
  readMeta,
  sharedNotes,
  validateDoc,
} from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { demoBanner } from '../app.ts';
import { Agent } from '../test-support/http.ts';
import { startTestServer, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from './seed.ts';

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
    for (const u of server.storage.docs.load(bilan.privateDoc)) Y.applyUpdate(secret, u);
    expect(notesText(privateNotes(secret))).toContain('légitimité');
    const shared = new Y.Doc();
    for (const u of server.storage.docs.load(bilan.sharedDoc)) Y.applyUpdate(shared, u);
    expect(notesText(privateNotes(shared))).toBe('');
  });

  it('does not seed again when the data folder has users', async () => {
    const again = await seedDemo(server.storage);
    expect(again.seeded).toBe(false);
    expect(again.accounts).toHaveLength(3);
    expect(server.storage.users.count()).toBe(3);
  });
});
