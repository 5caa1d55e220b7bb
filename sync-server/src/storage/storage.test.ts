import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/server.ts';
import { openDatabase, schemaVersion } from './db.ts';
import { MIGRATIONS } from './migrations.ts';

const dirs: string[] = [];
const dir = (): string => {
  const d = tempDir('compagnon-storage-');
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('storage', () => {
  it('[PERSIST5] migrations run once, record their version, and reopen cleanly', () => {
    const d = dir();
    const db = openDatabase(d);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    db.close();
    const again = openDatabase(d);
    expect(schemaVersion(again)).toBe(MIGRATIONS.length);
    expect(again.prepare('PRAGMA journal_mode').get()?.['journal_mode']).toBe('wal');
    expect(again.prepare('PRAGMA foreign_keys').get()?.['foreign_keys']).toBe(1);
    again.close();
  });

  it('[PERSIST5] refuses a database written by a newer server', () => {
    const d = dir();
    const db = openDatabase(d);
    db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDatabase(d)).toThrow(/plus récente/);
  });

  it('[PERSIST3] synchronous is NORMAL by default and FULL on request', () => {
    const normal = openDatabase(dir());
    expect(normal.prepare('PRAGMA synchronous').get()?.['synchronous']).toBe(1);
    normal.close();
    const full = openDatabase(dir(), { synchronous: 'FULL' });
    expect(full.prepare('PRAGMA synchronous').get()?.['synchronous']).toBe(2);
    full.close();
  });
});
