import { rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import {
  addStep,
  exerciseStarter,
  listExercises,
  listPhases,
  placeExercise,
  type Actor,
  type ExerciseDefinition,
  type UserId,
} from '@compagnon/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_FILE, migrate, openDatabase, schemaVersion } from '../storage/db.ts';
import { MIGRATIONS } from '../storage/migrations.ts';
import { Agent, fixture, uniqueEmail, type Fixture } from '../test-support/http.ts';
import { startTestServer, tempDir, type TestServer } from '../test-support/server.ts';
import { SyncClient } from '../test-support/sync-client.ts';

let server: TestServer;
let f: Fixture;
const dirs: string[] = [];

beforeAll(async () => {
  server = await startTestServer();
  f = await fixture(server.url);
});
afterAll(async () => {
  await server.dispose();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A definition as the builder sends it: one single choice and one free text question. */
const definition = (): ExerciseDefinition => ({
  title: 'Mon projet',
  instructions: 'Répondez à votre rythme.',
  questions: [
    {
      id: 'q-choix',
      type: 'single',
      prompt: 'Où en êtes-vous ?',
      options: [
        { id: 'o1', label: 'Je découvre' },
        { id: 'o2', label: 'Je confirme' },
      ],
    },
    { id: 'q-texte', type: 'text', prompt: 'Décrivez votre métier idéal.' },
  ],
});

describe('[LIB5] exercises in the library', () => {
  it('creates, lists, updates and deletes an exercise; the definition comes back as the model reads it', async () => {
    const created = await f.coach.post('/api/library', {
      kind: 'exercise',
      title: '  Mon projet  ',
      exercise: definition(),
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      kind: 'exercise',
      title: 'Mon projet',
      resourceKind: null,
      body: null,
      url: null,
      fileId: null,
      fileName: null,
      expected: null,
      exercise: definition(),
      shared: false,
      owner: { id: f.ids.coach, name: 'Coach A' },
      mine: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });

    // The item's title is the definition's: the body's title wins over the one inside `exercise`.
    const values = exerciseStarter('values');
    const updated = await f.coach.put(`/api/library/${created.body.id}`, {
      kind: 'exercise',
      title: 'Mes valeurs au travail',
      exercise: { ...values, title: 'Autre titre' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.title).toBe('Mes valeurs au travail');
    expect(updated.body.exercise).toEqual({ ...values, title: 'Mes valeurs au travail' });
    expect(updated.body.createdAt).toBe(created.body.createdAt);

    const list = await f.coach.get('/api/library');
    expect(list.body.find((i: { id: string }) => i.id === created.body.id)).toMatchObject({
      kind: 'exercise',
      exercise: { title: 'Mes valeurs au travail', questions: values.questions },
    });
    // Other kinds answer `exercise: null`.
    const step = await f.coach.post('/api/library', { kind: 'step', title: 'Enquête métier' });
    expect(step.body.exercise).toBeNull();

    expect(
      (await f.learner.post('/api/library', { kind: 'exercise', title: 'X', exercise: definition() })).status,
    ).toBe(403);
    expect((await f.anonymous.get('/api/library')).status).toBe(401);
    expect(
      (
        await f.otherCoach.put(`/api/library/${created.body.id}`, {
          kind: 'exercise',
          title: 'X',
          exercise: definition(),
        })
      ).status,
    ).toBe(404);

    expect((await f.coach.delete(`/api/library/${created.body.id}`)).status).toBe(204);
    expect((await f.coach.get('/api/library')).body.map((i: { id: string }) => i.id)).not.toContain(
      created.body.id,
    );
  });

  it('refuses a bad definition with 400 and the model’s French message', async () => {
    const base = definition();
    const bad: [unknown, RegExp][] = [
      [{ kind: 'exercise', title: 'X' }, /exercice : champ obligatoire/],
      [{ kind: 'exercise', title: 'X', exercise: 'texte' }, /illisible/],
      [{ kind: 'exercise', title: 'X', exercise: { questions: [] } }, /Ajoutez au moins une question/],
      [
        { kind: 'exercise', title: 'X', exercise: { questions: [{ id: 'q', type: 'quiz', prompt: 'Q' }] } },
        /Question 1 : type de question inconnu/,
      ],
      [
        {
          kind: 'exercise',
          title: 'X',
          exercise: {
            ...base,
            questions: [{ ...base.questions[0]!, options: [{ id: 'o1', label: 'Seul' }] }],
          },
        },
        /Question 1 : ajoutez au moins 2 choix/,
      ],
      [
        { kind: 'exercise', title: 'X', exercise: { questions: [{ id: 'q', type: 'text', prompt: '  ' }] } },
        /Question 1 : l’intitulé est vide/,
      ],
      [
        {
          kind: 'exercise',
          title: 'X',
          exercise: { questions: [{ id: 'q', type: 'scale', prompt: 'Q', min: 5, max: 1 }] },
        },
        /minimum de l’échelle/,
      ],
      [{ kind: 'exercise', title: 'x'.repeat(201), exercise: base }, /200 caractères/],
      [{ kind: 'exercise', title: '', exercise: base }, /titre/],
      [{ kind: 'step', title: 'X', exercise: base }, /exercice : réservé aux exercices/],
      [
        { kind: 'exercise', title: 'X', exercise: base, expected: { kind: 'answer', prompt: '' } },
        /réservé aux étapes/,
      ],
      [{ kind: 'exercise', title: 'X', exercise: base, resourceKind: 'text', body: 'b' }, /pas de ressource/],
    ];
    for (const [body, message] of bad) {
      const r = await f.coach.post('/api/library', body);
      const label = JSON.stringify(body).slice(0, 100);
      expect([label, r.status]).toEqual([label, 400]);
      expect(r.body.error).toMatch(message);
    }
    const detailed = await f.coach.post('/api/library', {
      kind: 'exercise',
      title: 'X',
      exercise: { questions: [] },
    });
    expect(detailed.body).toEqual({
      error: 'Ajoutez au moins une question.',
      details: [{ path: 'exercise', message: 'Ajoutez au moins une question.' }],
    });
    // An update is checked the same way and leaves the item as it was.
    const ok = await f.coach.post('/api/library', { kind: 'exercise', title: 'Gardé', exercise: base });
    const refused = await f.coach.put(`/api/library/${ok.body.id}`, {
      kind: 'exercise',
      title: 'Gardé',
      exercise: { questions: [] },
    });
    expect(refused.status).toBe(400);
    const kept = (await f.coach.get('/api/library')).body.find((i: { id: string }) => i.id === ok.body.id);
    expect(kept.exercise).toEqual({ ...base, title: 'Gardé' });
  });

  it('[LIB1][ORG4] a shared exercise reaches colleagues read-only; a placed copy outlives the item', async () => {
    const manager = new Agent(server.url);
    await manager.signUp(uniqueEmail('coach'), 'motdepasse-solide', 'Claire Dubois');
    const email = uniqueEmail('collegue');
    const invite = await manager.post('/api/organisation/invitations', { email });
    const colleague = new Agent(server.url);
    await colleague.post(`/api/organisation/invitations/${invite.body.token}/accept`, {
      name: 'Marc Leroy',
      password: 'motdepasse-collegue',
    });
    const swot = exerciseStarter('swot');
    const item = await manager.post('/api/library', {
      kind: 'exercise',
      title: swot.title,
      exercise: swot,
      shared: true,
    });
    expect(item.status).toBe(201);
    const seen = (await colleague.get('/api/library')).body;
    expect(seen).toEqual([expect.objectContaining({ id: item.body.id, mine: false, exercise: swot })]);
    expect(
      (await colleague.put(`/api/library/${item.body.id}`, { kind: 'exercise', title: 'X', exercise: swot }))
        .status,
    ).toBe(403);

    // Coach A places a library exercise in a step of their accompaniment, then deletes the item.
    const mine = await f.coach.post('/api/library', {
      kind: 'exercise',
      title: 'Mon projet',
      exercise: definition(),
    });
    const client = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.coach.cookieHeader);
    await client.waitFor((doc) => listPhases(doc).length > 0);
    const stepId = addStep(client.doc, { phaseId: listPhases(client.doc)[0]!.id, title: 'Projet' });
    const actor: Actor = { id: f.ids.coach as UserId, name: 'Coach A', role: 'coach' };
    placeExercise(client.doc, { stepId, definition: mine.body.exercise, actor });
    await client.close();
    expect((await f.coach.delete(`/api/library/${mine.body.id}`)).status).toBe(204);
    const learner = await SyncClient.connect(server.url, f.accompaniment.sharedDoc, f.learner.cookieHeader);
    await learner.waitFor((doc) => listExercises(doc).length === 1);
    expect(listExercises(learner.doc)[0]!.definition).toEqual(definition());
    await learner.close();
  });
});

describe('[LIB5][PERSIST5] the migration that allows exercises', () => {
  it('rebuilds library_items with its rows, indexes and sharing, and accepts only known kinds', () => {
    const dir = tempDir('compagnon-library-migration-');
    dirs.push(dir);
    const at = MIGRATIONS.findIndex((sql) => sql.includes('library_items_new'));
    expect(at).toBeGreaterThan(0);
    const db = new DatabaseSync(path.join(dir, DATABASE_FILE));
    db.exec('PRAGMA foreign_keys = ON');
    for (const sql of MIGRATIONS.slice(0, at)) db.exec(sql);
    db.exec(`PRAGMA user_version = ${at}`);
    db.exec(`INSERT INTO users (id, email, name, role, password_hash, created_at)
             VALUES ('u1', 'c@exemple.fr', 'Claire', 'coach', 'x', 1)`);
    db.exec(`INSERT INTO library_items (id, owner_id, kind, title, resource_kind, url, created_at, updated_at, shared)
             VALUES ('i1', 'u1', 'resource', 'Fiche', 'link', 'https://exemple.fr', 10, 20, 1),
                    ('i2', 'u1', 'step', 'Enquête', NULL, NULL, 11, 21, 0)`);
    migrate(db);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    const rows = db
      .prepare('SELECT id, kind, title, url, shared, exercise, updated_at FROM library_items ORDER BY id')
      .all();
    expect(rows).toEqual([
      {
        id: 'i1',
        kind: 'resource',
        title: 'Fiche',
        url: 'https://exemple.fr',
        shared: 1,
        exercise: null,
        updated_at: 20,
      },
      { id: 'i2', kind: 'step', title: 'Enquête', url: null, shared: 0, exercise: null, updated_at: 21 },
    ]);
    const indexes = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'library_items' ORDER BY name`,
      )
      .all()
      .map((r) => r['name']);
    expect(indexes).toEqual(expect.arrayContaining(['library_owner', 'library_shared']));
    const insert = db.prepare(
      `INSERT INTO library_items (id, owner_id, kind, title, exercise, created_at, updated_at)
       VALUES (?, 'u1', ?, 'T', ?, 1, 1)`,
    );
    insert.run('i3', 'exercise', JSON.stringify(definition()));
    expect(() => insert.run('i4', 'quiz', null)).toThrow(/CHECK/);
    expect(() => insert.run('i5', 'exercise', '{pas du json')).toThrow(/CHECK/);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    db.close();
    // The migrated folder opens cleanly.
    openDatabase(dir).close();
  });

  it('the database the server runs on (SQLite or PostgreSQL) accepts only known kinds and readable exercises', async () => {
    const insert = (id: string, kind: string, exercise: string | null) =>
      server.storage.sql.run(
        `INSERT INTO library_items (id, owner_id, kind, title, exercise, created_at, updated_at)
         VALUES (?, ?, ?, 'T', ?, 1, 1)`,
        id,
        f.ids.coach,
        kind,
        exercise,
      );
    await insert('check-1', 'exercise', JSON.stringify(definition()));
    await expect(insert('check-2', 'quiz', null)).rejects.toThrow(/check/i);
    await expect(insert('check-3', 'exercise', '{pas du json')).rejects.toThrow(/check/i);
    const kept = await server.storage.sql.all(
      `SELECT id FROM library_items WHERE id IN ('check-1', 'check-2', 'check-3') ORDER BY id`,
    );
    expect(kept).toEqual([{ id: 'check-1' }]);
  });
});
