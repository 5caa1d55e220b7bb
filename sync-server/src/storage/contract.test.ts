// The storage contract: one suite, run on both backends (PERSIST6, PERSIST7). What the server relies on —
// ordered update logs, compaction that never loses a row, atomic and isolated transactions, unique keys,
// value types — must hold the same on the embedded SQLite and on PostgreSQL.
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { withTempSchema, type TempSchema } from '../test-support/postgres.ts';
import { tempDir } from '../test-support/server.ts';
import { openPostgresStorage, openStorage, type Storage } from './storage.ts';
import { EmailTakenError } from './users.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function sqliteStorage(): Promise<Storage> {
  const dir = tempDir('compagnon-contract-');
  const storage = openStorage(dir);
  cleanups.push(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return storage;
}

async function postgresStorage(): Promise<Storage> {
  const schema: TempSchema = await withTempSchema();
  const storage = await openPostgresStorage(schema.url, { schema: schema.schema, max: 4 });
  cleanups.push(async () => {
    await storage.close();
    await schema.drop();
  });
  return storage;
}

const backends: [string, () => Promise<Storage>][] = [
  ['SQLite', sqliteStorage],
  ['PostgreSQL', postgresStorage],
];

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const plain = (updates: Uint8Array[]): number[][] => updates.map((u) => [...u]);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends)('storage contract on %s', (_name, open) => {
  it('[PERSIST1] an update log keeps its rows in order, per document, and bytes intact', async () => {
    const s = await open();
    const first = await s.docs.append('d', bytes(0, 255, 7));
    const many = await s.docs.appendMany([
      ['d', bytes(1)],
      ['other', bytes(9)],
      ['d', bytes(2)],
    ]);
    expect(many).toHaveLength(3);
    expect(many[0]).toBeGreaterThan(first);
    expect([...many].sort((a, b) => a - b)).toEqual(many);
    const { updates, lastId } = await s.docs.loadWithIds('d');
    expect(plain(updates)).toEqual([[0, 255, 7], [1], [2]]);
    expect(lastId).toBe(many[2]);
    expect(plain(await s.docs.load('other'))).toEqual([[9]]);
    expect(await s.docs.count('d')).toBe(3);
    expect(await s.docs.loadWithIds('nothing')).toEqual({ updates: [], lastId: 0 });
  });

  it('[PERSIST2] compaction replaces the rows it covers by one; later rows are kept', async () => {
    const s = await open();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push(await s.docs.append('d', bytes(i)));
    await s.docs.append('other', bytes(7));
    // A snapshot made from rows up to the 4th keeps the 5th, which its author had not applied.
    await s.transaction(() => s.docs.replaceUpTo('d', bytes(8), ids[3]));
    expect(plain(await s.docs.load('d'))).toEqual([[4], [8]]);
    await s.transaction(() => s.docs.replaceUpTo('d', bytes(9)));
    expect(plain(await s.docs.load('d'))).toEqual([[9]]);
    expect(plain(await s.docs.load('other'))).toEqual([[7]]);
  });

  it('[PERSIST2] taking rows out returns exactly the rows removed, in order', async () => {
    const s = await open();
    for (let i = 0; i < 4; i++) await s.docs.append('d', bytes(i));
    await s.docs.append('e', bytes(5));
    const taken = await s.transaction(() => s.docs.takeUpTo('d'));
    expect(plain(taken)).toEqual([[0], [1], [2], [3]]);
    expect(await s.docs.count('d')).toBe(0);
    expect(await s.docs.count('e')).toBe(1);
  });

  it('[PERSIST7] a transaction that throws leaves nothing; nested calls join the outer one', async () => {
    const s = await open();
    await expect(
      s.transaction(async () => {
        await s.docs.append('d', bytes(1));
        await s.transaction(() => s.docs.append('d', bytes(2)));
        expect(s.sql.inTransaction).toBe(true);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await s.docs.count('d')).toBe(0);
    expect(s.sql.inTransaction).toBe(false);
    await s.transaction(async () => {
      await s.docs.append('d', bytes(3));
      await s.transaction(() => s.docs.append('d', bytes(4)));
    });
    expect(plain(await s.docs.load('d'))).toEqual([[3], [4]]);
  });

  it('[PERSIST7] a failure under a savepoint undoes only its own statements; the transaction goes on', async () => {
    const s = await open();
    await s.transaction(async () => {
      await s.docs.append('d', bytes(1));
      await expect(
        s.sql.savepoint(async () => {
          await s.docs.append('d', bytes(2));
          // A failing statement: PostgreSQL would abort the whole transaction without the savepoint.
          await s.sql.run('INSERT INTO no_such_table (x) VALUES (?)', 1);
        }),
      ).rejects.toThrow();
      await s.docs.append('d', bytes(3));
    });
    expect(plain(await s.docs.load('d'))).toEqual([[1], [3]]);
  });

  it('[PERSIST7] a transaction whose statement failed is never reported as committed', async () => {
    const s = await open();
    const outcome = s.transaction(async () => {
      await s.docs.append('d', bytes(1));
      await s.sql.run('INSERT INTO no_such_table (x) VALUES (?)', 1).catch(() => undefined);
      await s.docs.append('d', bytes(2));
    });
    if (s.sql.dialect === 'postgres') {
      // The error aborted the transaction: nothing is stored, and the caller is told so.
      await expect(outcome).rejects.toThrow();
      expect(await s.docs.count('d')).toBe(0);
    } else {
      // SQLite undoes the failed statement alone; the rest commits, as reported.
      await outcome;
      expect(await s.docs.count('d')).toBe(2);
    }
  });

  it('[PERSIST7] a statement outside an open transaction is not swept into it, nor rolled back with it', async () => {
    const s = await open();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const failing = s.transaction(async () => {
      await s.docs.append('d', bytes(1));
      await held;
      throw new Error('abandon');
    });
    await sleep(5);
    const outside = s.docs.append('d', bytes(2));
    release();
    await expect(failing).rejects.toThrow('abandon');
    await outside;
    expect(plain(await s.docs.load('d'))).toEqual([[2]]);
  });

  it('[PERSIST7] concurrent read-modify-write transactions never lose an increment', async () => {
    const s = await open();
    const user = await s.users.create({
      email: 'compteur@exemple.fr',
      name: 'Compteur',
      role: 'coach',
      passwordHash: 'x',
    });
    await s.sql.run('INSERT INTO user_settings (user_id, inactivity_days) VALUES (?, ?)', user.id, 0);
    const increment = (): Promise<void> =>
      s.transaction(async () => {
        const row = await s.sql.get('SELECT inactivity_days FROM user_settings WHERE user_id = ?', user.id);
        await sleep(1);
        await s.sql.run(
          'UPDATE user_settings SET inactivity_days = ? WHERE user_id = ?',
          Number(row?.['inactivity_days']) + 1,
          user.id,
        );
      });
    await Promise.all(Array.from({ length: 12 }, increment));
    const row = await s.sql.get('SELECT inactivity_days FROM user_settings WHERE user_id = ?', user.id);
    expect(row?.['inactivity_days']).toBe(12);
  });

  it('[PERSIST6] unique keys are reported the same way; epoch milliseconds and counts read as numbers', async () => {
    const s = await open();
    const user = await s.users.create({
      email: 'Une.Personne@Exemple.fr',
      name: 'Une personne',
      role: 'learner',
      passwordHash: 'h',
    });
    await expect(
      s.users.create({ email: 'une.personne@exemple.fr', name: 'Autre', role: 'coach', passwordHash: 'h' }),
    ).rejects.toBeInstanceOf(EmailTakenError);
    const found = await s.users.findByEmail('UNE.PERSONNE@exemple.fr');
    expect(found?.id).toBe(user.id);
    expect(typeof found?.createdAt).toBe('number');
    expect(found!.createdAt).toBeGreaterThan(2 ** 32);
    expect(await s.users.count()).toBe(1);
  });
});
