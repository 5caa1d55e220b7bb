import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listExercises, notesText, privateNotes } from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withDoc } from '../evidence/documents.ts';
import { evidencePackData } from '../evidence/pack.ts';
import { DATABASE_FILE } from '../storage/db.ts';
import { EXERCISE_TITLE, MARKERS, fillDocuments, leakedMarker } from '../test-support/evidence.ts';
import { fixture, type Fixture } from '../test-support/http.ts';
import { startTestServer, testStorageBackend, type TestServer } from '../test-support/server.ts';
import { SyncClient, upgradeStatus } from '../test-support/sync-client.ts';

const DAY = 86_400_000;

let server: TestServer;
let f: Fixture;
let fileId: string;
let learnerSync: SyncClient;
let coachPrivate: SyncClient;

const base = () => `/api/accompaniments/${f.accompaniment.id}`;

beforeAll(async () => {
  server = await startTestServer({ clockControl: true });
  f = await fixture(server.url);
  await fillDocuments(server, f.accompaniment, {
    coach: { id: f.ids.coach, name: 'Coach A' },
    learner: { id: f.ids.learner, name: 'Léa Test' },
  });
  const upload = await f.learner.upload('/api/files', {
    file: {
      bytes: new TextEncoder().encode('Mon CV, version de travail.'),
      name: 'cv.txt',
      type: 'text/plain',
    },
    accompanimentId: f.accompaniment.id,
  });
  expect(upload.status).toBe(201);
  fileId = upload.body.id;
  learnerSync = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
  coachPrivate = await SyncClient.connect(server.url, f.accompaniment.privateDoc, f.coach.cookieHeader);
});
afterAll(() => server.dispose());

describe('[CLOSE1] the coach requests the closing', () => {
  it('starts open, with what a closing would destroy', async () => {
    const reply = await f.learner.get(`${base()}/closing`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      state: 'open',
      requestedAt: null,
      agreement: null,
      proof: null,
      inventory: { exercises: 1, messages: 1, files: 1, synthesisWritten: true },
    });
    expect((await f.otherCoach.get(`${base()}/closing`)).status).toBe(404);
    expect((await f.anonymous.get(`${base()}/closing`)).status).toBe(401);
  });

  it('only the coach requests it, once', async () => {
    expect((await f.learner.post(`${base()}/closing/request`)).status).toBe(403);
    expect((await f.otherCoach.post(`${base()}/closing/request`)).status).toBe(404);
    const reply = await f.coach.post(`${base()}/closing/request`);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      state: 'requested',
      requestedBy: { id: f.ids.coach, name: 'Coach A' },
    });
    expect((await f.coach.post(`${base()}/closing/request`)).status).toBe(409);
  });

  it('cannot be executed before the learner’s written agreement', async () => {
    const reply = await f.coach.post(`${base()}/closing/execute`);
    expect(reply.status).toBe(409);
    expect(reply.body.error).toMatch(/accepter la clôture par écrit/);
  });
});

describe('[CLOSE2] the learner agrees in writing to what is kept', () => {
  it('only the learner agrees; what is kept is checked', async () => {
    expect((await f.coach.post(`${base()}/closing/agreement`, { keep: [] })).status).toBe(403);
    const bad = await f.learner.post(`${base()}/closing/agreement`, { keep: ['synthesis', 'notes'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/^Requête invalide/);
    expect(
      (await f.learner.post(`${base()}/closing/agreement`, { keep: ['synthesis', 'synthesis'] })).status,
    ).toBe(400);
  });

  it('records the agreement with the wording the learner accepted', async () => {
    const reply = await f.learner.post(`${base()}/closing/agreement`, { keep: ['synthesis', 'exercises'] });
    expect(reply.status).toBe(200);
    expect(reply.body.state).toBe('agreed');
    expect(reply.body.agreement).toMatchObject({
      keep: ['synthesis', 'exercises'],
      by: { name: 'Léa Test' },
    });
    expect(reply.body.agreement.text).toContain('Je soussigné·e Léa Test accepte la clôture');
    expect(reply.body.agreement.text).toContain(
      'le document de synthèse (PDF), mes exercices et mes réponses (PDF)',
    );
    expect(reply.body.agreement.text).toContain('seront définitivement détruits');
    expect((await f.learner.post(`${base()}/closing/agreement`, { keep: [] })).status).toBe(409);
  });
});

describe('[CLOSE3] executing destroys the working documents and [CLOSE4] keeps what was agreed', () => {
  let proof: {
    documents: { role: string; name: string | null; updates: number; sha256: string }[];
    deletedFiles: string[];
    kept: { kind: string; fileId: string; name: string; sha256: string; retainUntil: string }[];
    closedBy: { id: string };
    closedAt: string;
  };

  it('only the coach executes it', async () => {
    expect((await f.learner.post(`${base()}/closing/execute`)).status).toBe(403);
  });

  it('closes the open connections, deletes every stored update and the files not kept, and answers the proof', async () => {
    const before = {
      shared: await server.storage.docs.count(f.accompaniment.sharedDoc),
      private: await server.storage.docs.count(f.accompaniment.privateDoc),
    };
    expect(before.shared).toBeGreaterThan(0);
    expect(before.private).toBeGreaterThan(0);
    expect(existsSync(path.join(server.dataDir, 'files', fileId))).toBe(true);
    const reply = await f.coach.post(`${base()}/closing/execute`);
    expect(reply.status).toBe(200);
    proof = reply.body.proof;
    expect(proof.closedBy.id).toBe(f.ids.coach);
    expect(proof.documents).toEqual([
      {
        role: 'shared',
        name: f.accompaniment.sharedDoc,
        updates: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
      {
        role: 'private',
        name: f.accompaniment.privateDoc,
        updates: expect.any(Number),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(proof.documents[0]!.updates).toBeGreaterThanOrEqual(before.shared);
    expect(proof.deletedFiles).toEqual([fileId]);
    expect(proof.kept.map((k) => k.kind).sort()).toEqual(['exercises', 'synthesis']);

    // Connections closed with a clear reason; nothing of the documents stays stored or loaded.
    expect(await learnerSync.closed).toEqual({ code: 4410, reason: 'accompagnement clôturé' });
    expect((await coachPrivate.closed).code).toBe(4410);
    expect(await server.storage.docs.count(f.accompaniment.sharedDoc)).toBe(0);
    expect(await server.storage.docs.count(f.accompaniment.privateDoc)).toBe(0);
    expect(server.sync.rooms.has(f.accompaniment.sharedDoc)).toBe(false);
    expect(server.sync.rooms.has(f.accompaniment.privateDoc)).toBe(false);
    expect(existsSync(path.join(server.dataDir, 'files', fileId))).toBe(false);
    expect((await f.learner.get(`/api/files/${fileId}`)).status).toBe(404);
  });

  it('[CLOSE3] leaves nothing of the destroyed content readable in the database', async () => {
    const { sql } = server.storage;
    const left = await sql.get(
      'SELECT count(*) AS n FROM doc_updates WHERE doc_name = ? OR doc_name = ?',
      f.accompaniment.sharedDoc,
      f.accompaniment.privateDoc,
    );
    expect(left).toMatchObject({ n: 0 });
    if (testStorageBackend() === 'sqlite') {
      // SQLite zeroed the freed pages (secure_delete, on for the closing only): once the log is folded into
      // the database file, the marked text is nowhere in it.
      const sqlite = server.storage.sqlite!;
      expect(sqlite.prepare('PRAGMA secure_delete').get()).toMatchObject({ secure_delete: 0 });
      sqlite.exec('PRAGMA wal_checkpoint(TRUNCATE)');
      const bytes = readFileSync(path.join(server.dataDir, DATABASE_FILE)).toString('latin1');
      for (const marker of [MARKERS.note, MARKERS.exercise, MARKERS.synthesis, MARKERS.privateNote])
        expect(bytes.includes(marker), marker).toBe(false);
    }
  });

  it('keeps the synthesis and the exercises as PDFs for a year, readable by the learner', async () => {
    for (const kept of proof.kept) {
      const retainUntil = Date.parse(kept.retainUntil);
      expect(retainUntil - Date.parse(proof.closedAt)).toBe(365 * DAY);
      const pdf = await f.learner.download(`/api/files/${kept.fileId}`);
      expect(pdf.status).toBe(200);
      expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
    }
    const state = await f.learner.get(`${base()}/closing`);
    expect(state.body.kept).toHaveLength(2);
  });

  it('[CLOSE5] the documents are refused afterwards with a clear reason, and the API says it is closed', async () => {
    for (const [agent, doc] of [
      [f.learner, f.accompaniment.sharedDoc],
      [f.coach, f.accompaniment.sharedDoc],
      [f.coach, f.accompaniment.privateDoc],
    ] as const)
      expect(await upgradeStatus(server.url, doc, { cookie: agent.cookieHeader })).toBe(410);
    const state = await f.coach.get(`${base()}/closing`);
    expect(state.body).toMatchObject({ state: 'closed', inventory: null });
    expect(state.body.proof.documents).toHaveLength(2);
    // The learner never learns the private document's name (AUTH4), only that it was destroyed.
    const learnerView = await f.learner.get(`${base()}/closing`);
    expect(learnerView.body.proof.documents[1]).toMatchObject({ role: 'private', name: null });
    expect((await f.coach.get(`${base()}/admin`)).body.status).toBe('closed');
    const change = await f.coach.post(`${base()}/adaptations`, {
      kind: 'added',
      phaseId: 'x',
      title: 'Nouvelle',
    });
    expect(change.status).toBe(409);
    expect(change.body.error).toMatch(/clôturé/);
    expect(await server.storage.docs.count(f.accompaniment.sharedDoc)).toBe(0);
    expect((await f.coach.post(`${base()}/closing/execute`)).status).toBe(409);
  });

  it('[CLOSE4] the proof is final: its row refuses any change, and is never deleted', async () => {
    const { sql } = server.storage;
    await expect(
      sql.run('UPDATE closings SET proof = NULL WHERE accompaniment_id = ?', f.accompaniment.id),
    ).rejects.toThrow(/final/);
    await expect(
      sql.run('DELETE FROM closings WHERE accompaniment_id = ?', f.accompaniment.id),
    ).rejects.toThrow(/kept/);
    expect(
      await sql.get('SELECT proof FROM closings WHERE accompaniment_id = ?', f.accompaniment.id),
    ).toMatchObject({ proof: expect.stringContaining('"documents"') });
  });

  it('[EVID2] the evidence pack still tells the exercises and the closing, from what was kept of the facts', async () => {
    const acc = (await server.storage.accompaniments.find(f.accompaniment.id))!;
    const data = await evidencePackData(server.storage, server.sync, acc, server.clock.now());
    const texts = data.timeline.map((i) => i.text);
    expect(texts).toContain(`Exercice rendu : « ${EXERCISE_TITLE} »`);
    expect(texts).toContain(
      'Clôture exécutée : 2 documents de travail détruits, preuve de suppression enregistrée',
    );
    expect(leakedMarker(JSON.stringify(data))).toBeNull();
    // Nothing left to read in the documents themselves.
    expect(
      await withDoc(server.storage, server.sync, f.accompaniment.sharedDoc, (doc) => listExercises(doc)),
    ).toEqual([]);
    expect(
      await withDoc(server.storage, server.sync, f.accompaniment.privateDoc, (doc) =>
        notesText(privateNotes(doc)),
      ),
    ).toBe('');
  });

  it('[AUDIT2] the closing steps are in the audit log', async () => {
    const org = (await server.storage.organisations.membershipOf(f.ids.coach))!.organisation.id;
    const actions = (await server.storage.audit.list(org, { from: 0, to: Number.MAX_SAFE_INTEGER })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(['closing.requested', 'closing.agreed', 'closing.executed']),
    );
  });

  it('[CLOSE4] after a year, the retention job deletes what was kept', async () => {
    expect(await server.runRetention()).toEqual({ purgedFiles: 0, anonymised: 0 });
    server.clockControl!.advance(366 * DAY);
    expect(await server.runRetention()).toEqual({ purgedFiles: 2, anonymised: 0 });
    for (const kept of proof.kept) {
      expect((await f.learner.get(`/api/files/${kept.fileId}`)).status).toBe(404);
      expect(existsSync(path.join(server.dataDir, 'files', kept.fileId))).toBe(false);
    }
    expect((await f.learner.get(`${base()}/closing`)).body.kept).toEqual([]);
  });
});
